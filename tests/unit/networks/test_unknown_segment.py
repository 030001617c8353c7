"""A survey answer whose sheet gave no sector or size stores them unknown (""): kb's
figures count it wherever no segment is asked for and leave it out of every segment
that is – the system's figures, the market view, the breakdowns."""

import pytest

from kb import stats
from kb.access import policy
from kb.extensions import db
from kb.models import PayrollSystem
from kb.networks.survey import values


@pytest.fixture
def heroma(factory):
    """Heroma: five answers of 2 with sector and size unknown (as a sheet without them
    imports), five of 4 from kommuner of 1 000–4 999."""
    system = factory.system(slug="heroma", name="Heroma")
    network = factory.network(slug="vast", name="Lönechefer i väst")
    with factory.batch():
        for n in range(5):
            organisation = factory.organisation(f"Okänd {n}", sector=values.UNKNOWN,
                                                size_band=values.UNKNOWN)
            factory.experience(None, system, satisfaction=2, organisation_id=organisation,
                               survey_network_id=network, sector=values.UNKNOWN,
                               size_band=values.UNKNOWN, title=f"Enkätsvar {n}")
        for n in range(5):
            organisation = factory.organisation(f"Kommun {n}")
            factory.experience(factory.user(organisation_id=organisation), system,
                               satisfaction=4, organisation_id=organisation)
    return system


def profile(app, system_id, **filters):
    with app.app_context():
        system = db.session.get(PayrollSystem, system_id)
        return stats.profile(system, policy.counted(policy.VISITOR), stats.Filters(**filters))


def test_unknown_sector_and_size_count_where_no_segment_is_asked_for(app, heroma):
    everything = profile(app, heroma)
    assert everything.n == 10 and everything.satisfaction.value == 3.0
    # The breakdowns list the known groups only; the unknown ones are in the total.
    assert [(g.code, g.satisfaction.n) for g in everything.by_sector] == [("kommun", 5)]


@pytest.mark.parametrize("segment", [{"sector": "kommun"}, {"size": "1000-4999"},
                                     {"sector": "kommun", "size": "1000-4999"}])
def test_a_segment_asked_for_leaves_the_unknown_out(app, heroma, segment):
    found = profile(app, heroma, **segment)
    assert found.n == 5 and found.satisfaction.value == 4.0


def test_the_market_view_of_a_segment_leaves_them_out_too(app, heroma):
    with app.app_context():
        system = db.session.get(PayrollSystem, heroma)
        reach = policy.counted(policy.VISITOR)
        whole = stats.market([system], reach)
        kommuner = stats.market([system], reach, stats.Filters(sector="kommun"))
    assert (whole.organisations, whole.satisfaction.value) == (10, 3.0)
    assert (kommuner.organisations, kommuner.satisfaction.value) == (5, 4.0)
    assert kommuner.standing("heroma").profile.n == 5

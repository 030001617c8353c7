"""An organisation's own answer – one a member of it wrote – stands for the organisation
in the figures before any network's survey answer for the same system, whatever the
dates: a survey row never replaces or outranks what the organisation said itself.

Heroma: five organisations. Kungälvs kommun's member said 5 three months ago; a
network's survey said 1 for Kungälvs kommun today (public, as an approved import
leaves it). The four others' members said 3.
"""

from datetime import timedelta

import pytest

from kb import stats
from kb.access import policy
from kb.extensions import db
from kb.models import Experience, PayrollSystem, utcnow


@pytest.fixture
def world(factory):
    heroma = factory.system(slug="heroma", name="Heroma")
    kungalv = factory.organisation("Kungälvs kommun")
    network = factory.network(slug="vast", name="Lönechefer i väst")
    member = factory.user(email="anna@kungalv.se", organisation_id=kungalv)
    months_ago = utcnow() - timedelta(days=90)
    own = factory.experience(member, heroma, satisfaction=5, recommend=10,
                             organisation_id=kungalv, created_at=months_ago,
                             confirmed_at=months_ago, updated_at=months_ago)
    survey = factory.experience(None, heroma, satisfaction=1, recommend=0,
                                organisation_id=kungalv, survey_network_id=network,
                                title="Enkätsvar: Heroma hos Kungälvs kommun")
    for n in range(4):
        organisation = factory.organisation(f"Kommun {n}")
        writer = factory.user(email=f"skribent{n}@kommun.se", organisation_id=organisation)
        factory.experience(writer, heroma, satisfaction=3, recommend=7,
                           organisation_id=organisation)
    return {"heroma": heroma, "own": own, "survey": survey, "kungalv": kungalv}


def figures(app, system_id, **filters):
    with app.app_context():
        system = db.session.get(PayrollSystem, system_id)
        reach = policy.counted(policy.VISITOR)
        chosen = stats.Filters(**filters)
        profile = stats.profile(system, reach, chosen)
        counted = stats.counted_answers([system_id], reach, chosen)[system_id]
        market = stats.market([system], reach, chosen)
        return profile, counted, market


def test_the_members_own_answer_stands_for_the_organisation_not_the_newer_survey_row(
        app, world):
    profile, counted, market = figures(app, world["heroma"])
    assert profile.n == 5
    # 5 (Kungälv's member) + 4 × 3; the survey's 1 would have made it 13.
    assert profile.satisfaction.total == 17 and profile.satisfaction.n == 5
    assert profile.distribution.counts[5] == 1 and profile.distribution.counts[1] == 0
    assert world["own"] in counted and world["survey"] not in counted
    # Kungälv answered twice: the figures say so, and that the two differ by 4.
    assert (profile.shared.organisations, profile.shared.answers, profile.shared.widest) == \
        (1, 2, 4)
    standing = market.standing("heroma")
    assert standing.profile.satisfaction.total == 17
    assert market.organisations == 5 and market.satisfaction.total == 17


def test_without_a_members_answer_the_survey_row_counts_for_its_organisation(app, world):
    with app.app_context():
        db.session.delete(db.session.get(Experience, world["own"]))
        db.session.commit()
    profile, counted, _market = figures(app, world["heroma"])
    assert profile.n == 5 and profile.satisfaction.total == 13
    assert world["survey"] in counted


def test_the_member_wins_even_when_the_survey_row_is_older(app, world):
    with app.app_context():
        long_ago = utcnow() - timedelta(days=400)
        survey = db.session.get(Experience, world["survey"])
        own = db.session.get(Experience, world["own"])
        survey.confirmed_at = survey.created_at = long_ago
        own.confirmed_at = utcnow()
        db.session.commit()
    profile, counted, _market = figures(app, world["heroma"])
    assert profile.satisfaction.total == 17
    assert world["own"] in counted and world["survey"] not in counted

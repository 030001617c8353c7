"""The market view's flows (kb.stats.flows): per pair and per system, exactly the
organisations the /switches list of the same parameters shows (kb.stats.switch_ids),
each once, over the last five years, from what the reader may read."""

import pytest

from kb import stats
from kb.access import policy
from kb.core.dates import utcnow

THIS_YEAR = utcnow().year


@pytest.fixture
def world(factory):
    """Kommuner 1000-4999: Personec P -> Heroma by three kommuner (one told by two
    members), one more members-only; Heroma -> Personec P by one; Hogia -> Heroma by one
    in 2012 (too long ago). A private firm: Personec P -> Hogia."""
    personec = factory.system(slug="personec-p", name="Personec P")
    heroma = factory.system(slug="heroma", name="Heroma")
    hogia = factory.system(slug="hogia", name="Hogia Lön Plus")
    member = factory.user(email="medlem@kommun.se")

    def switch(name, source, target, year, sector="kommun", size="1000-4999", **fields):
        org = factory.organisation(name, sector=sector, size_band=size)
        writer = factory.user(organisation_id=org)
        factory.experience(writer, target, organisation_id=org, switched_from_id=source,
                           in_use_since=year, sector=sector, size_band=size,
                           switch_reason="Supporten svarade inte.", **fields)
        return org

    twice = switch("Kommun A", personec, heroma, THIS_YEAR - 1)
    factory.experience(factory.user(organisation_id=twice), heroma, organisation_id=twice,
                       switched_from_id=personec, in_use_since=THIS_YEAR - 1)
    switch("Kommun B", personec, heroma, THIS_YEAR - 4)
    switch("Kommun C", personec, heroma, THIS_YEAR)
    switch("Kommun D", personec, heroma, THIS_YEAR - 2, visibility="members")
    switch("Kommun E", heroma, personec, THIS_YEAR - 3)
    switch("Kommun F", hogia, heroma, 2012)
    switch("Företaget", personec, hogia, THIS_YEAR - 1, sector="privat", size="50-249")
    return {"personec": personec, "heroma": heroma, "hogia": hogia, "member": member}


KOMMUN = stats.Filters(sector="kommun", size="1000-4999")


def _flows(app, reach, filters=KOMMUN):
    with app.app_context():
        return stats.market_flows(reach, filters)


def _pairs(flows):
    return {(f.source.slug, f.target.slug): f.n for f in flows.flows}


def _listed(app, reach, filters, source=None, target=None, since=None):
    with app.app_context():
        return len(stats.switch_ids(reach, stats.Switches(
            source=source, target=target, since=since, filters=filters)))


def test_the_flows_of_a_segment_over_the_last_five_years(app, world):
    flows = _flows(app, policy.counted(policy.VISITOR))
    assert flows.since == THIS_YEAR - 4 == stats.flow_since()
    # Kommun A once (two members), D members-only, F too long ago, the firm elsewhere.
    assert _pairs(flows) == {("personec-p", "heroma"): 3, ("heroma", "personec-p"): 1}
    balances = {b.system.slug: (b.gained, b.lost, b.net) for b in flows.balances}
    assert balances == {"heroma": (3, 1, 2), "personec-p": (1, 3, -2)}
    assert [b.system.slug for b in flows.balances] == ["heroma", "personec-p"]


def _member(world):
    return policy.counted(policy.Audience(member_id=world["member"]))


def test_members_count_what_members_may_read(app, world):
    flows = _flows(app, _member(world))
    assert _pairs(flows)[("personec-p", "heroma")] == 4


def test_every_count_is_the_list_behind_it(app, world):
    for reach in (policy.counted(policy.VISITOR), _member(world)):
        for filters in (KOMMUN, stats.Filters()):
            flows = _flows(app, reach, filters)
            assert flows.flows
            for flow in flows.flows:
                assert flow.n == _listed(app, reach, filters, flow.source.id, flow.target.id,
                                         flows.since)
            for balance in flows.balances:
                assert balance.gained == _listed(app, reach, filters, target=balance.system.id,
                                                 since=flows.since)
                assert balance.lost == _listed(app, reach, filters, source=balance.system.id,
                                               since=flows.since)


def test_every_organisation_outside_the_segment_too(app, world):
    flows = _flows(app, policy.counted(policy.VISITOR), stats.Filters())
    assert _pairs(flows) == {("personec-p", "heroma"): 3, ("heroma", "personec-p"): 1,
                             ("personec-p", "hogia"): 1}
    net = {b.system.slug: b.net for b in flows.balances}
    assert net == {"heroma": 2, "personec-p": -3, "hogia": 1}


def test_a_segment_without_switches_has_no_flows(app, world):
    flows = _flows(app, policy.counted(policy.VISITOR), stats.Filters(sector="region"))
    assert flows.flows == () and flows.balances == ()

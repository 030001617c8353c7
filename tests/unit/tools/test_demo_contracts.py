"""The demo's contracts (kb.tools.demo.contracts) are coherent: public organisations give
them, the ways they procured fit their sector, the years are spread and valid, joint
procurements name demo organisations of the same sector and system (never on an
anonymous answer), and the next procurement comes a year or two before the end. The
seeded demo brings members open to procuring together and shared requirement lists."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from kb import procurement
from kb.extensions import db
from kb.models import ProcurementOpening, ProcurementRequirement
from kb.tools import demo
from kb.tools.demo.contracts import KAMMARKOLLEGIET_LAST, REFERENCE_YEAR
from kb.tools.demo.organisations import NAMES, Pools

CATALOGUE = demo.catalogue()
SLUG_BY_ID = {i: entry["slug"] for i, entry in enumerate(CATALOGUE, start=1)}
PUBLIC = {"kommun", "region", "statlig", "kommunalt_bolag"}
# The demo's last day: the checks of kb.procurement as they were then.
THEN = datetime(REFERENCE_YEAR, 10, 1)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return list(demo.generate_experiences(6000, seed=4))


def _with_contract(rows):
    return [row for row in rows if row["contract_end_year"] or row["procurement_route"]]


def test_public_organisations_give_contracts_private_ones_rarely(rows):
    current = [row for row in rows if row["usage_status"] == "current"]
    for sector, low, high in (("kommun", 0.55, 0.9), ("region", 0.45, 0.98),
                              ("statlig", 0.5, 0.9), ("privat", 0.0, 0.12)):
        of_sector = [row for row in current if row["sector"] == sector]
        share = len(_with_contract(of_sector)) / len(of_sector)
        assert low < share < high, (sector, share)
    # Only answers about the system in use today give a contract.
    assert not _with_contract([row for row in rows if row["usage_status"] != "current"])
    with_contract = _with_contract(rows)
    assert sum(row["sector"] in PUBLIC for row in with_contract) > 0.8 * len(with_contract)


def test_every_contract_passes_the_features_own_check(rows):
    for row in rows:
        facts = {name: row[name] for name in procurement.CONTRACT_FIELDS}
        assert procurement.check_contract(facts, now=THEN) == {}, facts
        assert facts == procurement.normalised(facts)


def test_the_ways_of_procuring_fit_the_sector(rows):
    routes = Counter((row["sector"], row["procurement_route"]) for row in _with_contract(rows))
    by_route: dict[str, set] = {}
    for (sector, route), _n in routes.items():
        by_route.setdefault(route, set()).add(sector)
    # Kammarkollegiet's frameworks are the state's, Adda's the kommuner's and regioner's.
    assert by_route["kammarkollegiet"] == {"statlig"}
    assert by_route["adda"] <= {"kommun", "region", "kommunalt_bolag"}
    assert {"kommun", "region"} <= by_route["adda"] and {"kommun", "region"} <= by_route["joint"]
    assert "privat" not in by_route["joint"] | by_route.get("service", set())
    # Payroll run as a service: many agencies and municipal companies.
    assert routes[("statlig", "service")] > 20 and routes[("kommunalt_bolag", "service")] > 10


def test_contract_ends_are_spread_over_the_coming_years_and_some_past(rows):
    ends = Counter(row["contract_end_year"] for row in rows if row["contract_end_year"])
    assert min(ends) >= REFERENCE_YEAR - 2 and max(ends) <= REFERENCE_YEAR + 8 + 5
    coming = [ends[year] for year in range(REFERENCE_YEAR, REFERENCE_YEAR + 6)]
    assert all(n > 40 for n in coming), ends
    assert sum(n for year, n in ends.items() if year < REFERENCE_YEAR) > 20
    assert max(coming) < 3 * min(coming)
    # A call-off from Kammarkollegiet's 2013–2018 framework ran through 2026 at most.
    kammarkollegiet = [row["contract_end_year"] for row in rows
                       if row["procurement_route"] == "kammarkollegiet"
                       and row["contract_end_year"]]
    assert sum(year <= KAMMARKOLLEGIET_LAST for year in kammarkollegiet) \
        > 0.5 * len(kammarkollegiet)


def test_options_and_the_next_procurement_fit_the_end(rows):
    extensions = Counter(row["contract_extension"] for row in rows if row["contract_end_year"])
    assert extensions["2+2 år"] > 50
    assert all(re.fullmatch(r"(\d\+)+\d år", text) for text in extensions if text)
    planned = 0
    for row in rows:
        end, next_year = row["contract_end_year"], row["next_procurement_year"]
        if next_year is None:
            continue
        planned += 1
        assert end is not None
        if end - 2 >= REFERENCE_YEAR:
            assert end - 2 <= next_year <= end - 1, row
        else:  # due already: under way, this year or the next
            assert REFERENCE_YEAR - 1 <= next_year <= REFERENCE_YEAR + 1, row
    assert planned > 0.5 * sum(1 for row in rows if row["contract_end_year"])
    # A contract runs some years from going live (an organisation's other answers may
    # give another year in use: it keeps the contract its first answer gave).
    dated = [row for row in rows if row["contract_end_year"] and row["in_use_since"]]
    fitting = sum(row["contract_end_year"] >= row["in_use_since"] + 2 for row in dated)
    assert fitting > 0.9 * len(dated)
    months = [row["contract_end_month"] for row in rows if row["contract_end_month"]]
    assert set(months) <= set(range(1, 13)) and len(set(months)) == 12


def test_joint_procurements_name_neighbours_running_the_same_system(rows):
    pools = Pools(4)
    named = 0
    for row in rows:
        if row["procured_with"]:
            assert row["procurement_route"] == "joint"
            assert not row["anonymous"]
            slug = SLUG_BY_ID[row["system_id"]]
            numbers = set(pools.numbers(slug, row["sector"]))
            for partner in row["procured_with"].split(", "):
                prefix, number = partner.rsplit(" ", 1)
                assert prefix == NAMES[row["sector"]]
                assert int(number) in numbers
                assert partner != row["organisation"]
            named += 1
    assert named > 30
    # An anonymous joint answer names nobody.
    anonymous = [row for row in rows if row["anonymous"] and row["procurement_route"] == "joint"]
    assert anonymous and not any(row["procured_with"] for row in anonymous)


def test_an_organisation_tells_of_one_contract(rows):
    facts: dict[str, set] = {}
    for row in rows:
        if row["sector"] in PUBLIC and row["usage_status"] == "current":
            facts.setdefault(row["organisation"], set()).add(
                (row["contract_end_year"], row["procurement_route"]))
    assert all(len(found) == 1 for found in facts.values())
    assert sum(1 for row in rows if row["sector"] == "region") > 2 * len(
        [name for name in facts if name.startswith(NAMES["region"])])


def test_most_facts_are_readable_by_whoever_reads_the_answer(rows):
    audiences = Counter(row["contract_audience"] for row in rows if row["contract_end_year"])
    total = sum(audiences.values())
    assert audiences["same"] > 0.7 * total
    assert audiences["members"] and audiences["private"]
    assert {row["contract_audience"] for row in rows if not row["contract_end_year"]
            and not row["procurement_route"]} == {"same"}


def test_the_seeded_demo_has_open_members_and_requirement_lists(app, client):
    with app.app_context():
        demo.seed(1500, seed=1)
        first = demo.seed_networks()
        assert (first.openings, first.requirements) == (10, 2)
        demo.seed_networks()
        assert db.session.scalar(select(func.count()).select_from(ProcurementOpening)) == 10
        for opening in db.session.scalars(select(ProcurementOpening)):
            experience = opening.experience
            assert experience.author_id == opening.user_id
            assert opening.year_from <= experience.contract_end_year <= opening.year_to
        lists = db.session.scalars(select(ProcurementRequirement)).all()
        assert {r.visibility for r in lists} == {"public", "members"}
        assert all(r.title.startswith("Exempel") for r in lists)
    # A visitor sees the public list, and the coming years' contracts per system.
    listed = client.get("/upphandling/krav").text
    assert "Exempel: kravlista för upphandling av lönesystem 2027" in listed
    assert "Exempel: krav inför nytt avrop" not in listed
    page = client.get("/upphandling").text
    assert "Heroma" in page and str(REFERENCE_YEAR + 1) in page
    # The network page shows when the members' contracts end – to its members.
    assert "När löper medlemmarnas avtal ut?" not in client.get(
        "/networks/lonechefsnatverket-skane").text

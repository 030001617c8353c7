"""The search index carries the year a contract ends only where whoever reads the
experience reads it too: /search filters and counts by it (contract_ends), as does
/api/v1/experiences (documented in OpenAPI), and no filter tells a viewer a fact she
may not see."""

from __future__ import annotations

import re

import pytest

from kb.extensions import db
from kb.models import Experience
from kb.procurement import this_year


@pytest.fixture
def world(factory):
    year = this_year()
    with factory.batch():
        author = factory.user(email="author@kb.se")
        factory.user(email="member@kb.se")
        heroma = factory.system(slug="heroma", name="Heroma")
        made = {}

        def add(key, **fields):
            made[key] = factory.experience(author, heroma, title=f"Erfarenhet {key}", **fields)

        add("same", contract_end_year=year + 2, contract_end_month=3)
        add("anonymous", anonymous=True, contract_end_year=year + 2,
            procurement_route="joint", procured_with="Grannby kommun")
        add("members_audience", contract_end_year=year + 2, contract_audience="members")
        add("private", contract_end_year=year + 3, contract_audience="private")
        add("members_only", visibility="members", contract_end_year=year + 4)
        add("none")
    return {"year": year, **made}


def facet(page: str) -> dict[str, int]:
    """The contract_ends facet of the search page: year -> count."""
    group = re.search(r'<fieldset class="facet" id="facet-contract_ends">(.*?)</fieldset>',
                      page, re.S)
    if group is None:
        return {}
    return {year: int(count) for year, count in re.findall(
        r'value="(\d{4})".*?\((\d+)\)', group.group(1), re.S)}


def titles(client, **args) -> set[str]:
    response = client.get("/api/v1/experiences", query_string=args)
    assert response.status_code == 200
    return {item["title"] for item in response.get_json()["items"]}


def test_a_visitor_filters_by_the_years_she_may_read(client, world):
    year = world["year"]
    page = client.get("/search").text
    # Only the facts every reader of the experience reads: not the members' or the
    # author's own, not a members-only experience's.
    assert facet(page) == {str(year + 2): 2}
    assert 'id="facet-contract_ends"' in page and "Avtalet löper ut" in page
    chosen = client.get("/search", query_string={"contract_ends": str(year + 2)}).text
    assert "Erfarenhet same" in chosen and "Erfarenhet anonymous" in chosen
    assert "Erfarenhet members_audience" not in chosen and "Erfarenhet none" not in chosen
    assert f"Avtalet löper ut: {year + 2}" in chosen  # the chip
    # The anonymous one is found by the year, and names nobody.
    assert "Grannby" not in chosen
    assert titles(client, contract_ends=str(year + 2)) == {"Erfarenhet same",
                                                           "Erfarenhet anonymous"}
    # A year only the author (or members) may see finds nothing.
    assert titles(client, contract_ends=str(year + 3)) == set()
    assert titles(client, contract_ends=str(year + 4)) == set()


def test_a_member_sees_more_experiences_never_more_contract_facts(client, auth, world):
    year = world["year"]
    auth.login("member@kb.se")
    assert facet(client.get("/search").text) == {str(year + 2): 2, str(year + 4): 1}
    assert titles(client, contract_ends=str(year + 4)) == {"Erfarenhet members_only"}
    # Several years widen (OR), and every other filter still narrows (AND).
    assert titles(client, contract_ends=[str(year + 2), str(year + 4)]) == {
        "Erfarenhet same", "Erfarenhet anonymous", "Erfarenhet members_only"}
    assert titles(client, contract_ends=str(year + 2), sector="privat") == set()
    # Even the author: facts kept to herself (or to members) are never filterable.
    auth.logout()
    auth.login("author@kb.se")
    assert titles(client, contract_ends=str(year + 3)) == set()


def test_unusable_years_are_dropped_never_an_error(client, world):
    everything = titles(client)
    for value in ("abc", "20 28", "99999", "1900", "-1", "２０２８"):
        response = client.get("/search", query_string={"contract_ends": value})
        assert response.status_code == 200
        assert titles(client, contract_ends=value) == everything
    # A chosen year nothing has is ticked with 0, and can be taken away.
    far = str(world["year"] + 12)
    page = client.get("/search", query_string={"contract_ends": far}).text
    assert facet(page) == {str(world["year"] + 2): 2, far: 0}


def test_a_changed_audience_leaves_the_filter(app, client, world):
    year = world["year"]
    assert "Erfarenhet same" in titles(client, contract_ends=str(year + 2))
    with app.app_context():
        db.session.get(Experience, world["same"]).contract_audience = "members"
        db.session.commit()
    assert titles(client, contract_ends=str(year + 2)) == {"Erfarenhet anonymous"}
    assert facet(client.get("/search").text) == {str(year + 2): 1}


def test_openapi_documents_the_filter(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p for p in spec["paths"]["/experiences"]["get"]["parameters"]}
    assert parameters["contract_ends"]["schema"] == {"type": "array", "items": {"type":
                                                                                "string"}}
    assert parameters["contract_ends"]["explode"] is True
    assert "avtalet löper ut" in parameters["contract_ends"]["description"].lower()

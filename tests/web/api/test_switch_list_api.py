"""The experiences behind a switch count in the API (/api/v1/switches, the same
parameters and the same list as the page /switches), and every count of a system's
journey (/api/v1/systems/<slug>/switches) with a list_url and an api_url listing exactly
that many organisations' experiences; all of it as the OpenAPI document says."""

import re

import pytest
from openapi_core import OpenAPI

from kb.web.openapi import openapi_document
from tests.support.checks import checked_get
from tests.support.pages import main_content

HEADING = re.compile(r'<h1 id="switches-heading">(\d+) organisation')
COUNT_KEYS = ("organisations", "answers", "answers_with_reason", "n")


@pytest.fixture
def spec():
    return OpenAPI.from_dict(openapi_document())


@pytest.fixture
def world(factory):
    """Six kommuner left Personec P for Heroma (four public, one anonymous, one members
    only), one for Hogia in 2019: four of the public five told the go-live time, three
    how satisfied they were before, four why; one came to Personec P from Hogia."""
    personec = factory.system(slug="personec-p", name="Personec P")
    heroma = factory.system(slug="heroma", name="Heroma")
    hogia = factory.system(slug="hogia", name="Hogia Lön")
    factory.user(email="medlem@kommun.se")

    def switch(name, system=heroma, source=personec, **fields):
        org = factory.organisation(name)
        values = {"switch_reason": "Supporten svarade inte.", "go_live_months": 8,
                  "title": f"Bytet i {name}", "satisfaction": 4, "in_use_since": 2023}
        values.update(fields)
        return factory.experience(factory.user(organisation_id=org), system,
                                  organisation_id=org, switched_from_id=source, **values)

    return {
        "a": switch("Kommun A", previous_satisfaction=2),
        "b": switch("Kommun B", previous_satisfaction=1, go_live_months=None),
        "c": switch("Kommun C", switch_reason="Licenskostnaden steg."),
        "anonymous": switch("Anonyma kommunen", anonymous=True, employees_paid=4321,
                            previous_satisfaction=3, title="Anonymt byte"),
        "members": switch("Medlemskommunen", visibility="members", go_live_months=None),
        "hogia": switch("Hogiakommunen", system=hogia, in_use_since=2019,
                        switch_reason=""),
        "came": switch("Nykommunen", system=personec, source=hogia),
    }


def _counted_links(node, found=None):
    """Every (count, list_url, api_url) of a journey's JSON."""
    found = [] if found is None else found
    if isinstance(node, dict):
        if "list_url" in node and "api_url" in node:
            count = next(node[key] for key in COUNT_KEYS if key in node)
            found.append((count, node["list_url"], node["api_url"]))
        for value in node.values():
            _counted_links(value, found)
    elif isinstance(node, list):
        for value in node:
            _counted_links(value, found)
    return found


def _page_count(client, url):
    page = main_content(client.get(url))
    return int(HEADING.search(page).group(1)), page.count('class="card switch-entry"')


@pytest.mark.parametrize("who", [None, "medlem@kommun.se"])
def test_every_count_of_the_journey_lists_exactly_that_many(client, spec, auth, world, who):
    if who:
        auth.login(who)
    for slug in ("personec-p", "heroma", "hogia"):
        body = checked_get(client, spec, f"/api/v1/systems/{slug}/switches").json
        links = _counted_links(body)
        assert len(links) >= 8, slug
        for count, list_url, api_url in links:
            listed = checked_get(client, spec, api_url).json
            assert listed["total"] == len(listed["items"]) == count, api_url
            assert listed["pages"] == 1 and listed["list_url"] == list_url
            assert _page_count(client, list_url) == (count, count), list_url
    body = client.get("/api/v1/systems/personec-p/switches").json
    left = body["left"]
    assert left["organisations"] == (6 if who else 5)
    assert left["go_live_months"]["n"] == 4 and left["go_live_months"]["too_few"]
    assert left["go_live_months"]["api_url"].endswith("from=personec-p&has=go_live")
    assert left["satisfaction_before"]["n"] == 3
    assert left["satisfaction_before"]["api_url"].endswith("has=before")
    assert left["reasons"]["answers_with_reason"] == (5 if who else 4)


def test_the_api_list_is_the_page_list(client, spec, world):
    for query in ("from=personec-p&to=heroma", "from=personec-p&has=go_live",
                  "to=heroma&has=before", "from=personec-p&theme=pris",
                  "from=personec-p&year=2019", "from=personec-p&since=2020&sector=kommun"):
        body = checked_get(client, spec, f"/api/v1/switches?{query}").json
        page = main_content(client.get(f"/switches?{query}"))
        shown = [int(n) for n in re.findall(
            r'class="switch-entry-title"><a href="/experiences/(\d+)"', page)]
        assert [item["id"] for item in body["items"]] == shown, query
        assert body["total"] == len(shown)
        assert body["heading"] in page
    body = client.get("/api/v1/switches?from=personec-p&has=go_live").json
    assert body["heading"] == ("4 organisationer bytte från Personec P och angav hur lång "
                               "tid bytet tog")
    assert {item["go_live_months"] for item in body["items"]} == {8}
    assert body["query"] == {"from": "personec-p", "to": None, "since": None, "year": None,
                             "theme": None, "has": "go_live"}


def test_an_anonymous_switch_in_the_api_list_names_no_organisation(client, world):
    body = client.get("/api/v1/switches?from=personec-p&to=heroma").json
    anonymous = next(item for item in body["items"] if item["title"] == "Anonymt byte")
    assert anonymous["author"] == "Lönechef, kommun, 1 000–4 999 anställda"
    assert anonymous["employees_paid"] is None
    assert anonymous["satisfaction_before"] == {
        "satisfaction": 3, "source": "stated_with_switch", "earlier_experience_url": None}
    text = client.get("/api/v1/switches?from=personec-p").text
    assert "Anonyma kommunen" not in text and "4321" not in text


def test_members_see_more_in_the_api_list_too(client, world, auth):
    visitor = client.get("/api/v1/switches?from=personec-p&to=heroma").json
    auth.login("medlem@kommun.se")
    member = client.get("/api/v1/switches?from=personec-p&to=heroma").json
    assert (visitor["total"], member["total"]) == (4, 5)
    assert world["members"] in {item["id"] for item in member["items"]}


def test_bad_parameters_answer_400_in_swedish_and_an_unknown_system_404(client, world):
    missing = client.get("/api/v1/switches?from=finns-inte")
    assert missing.status_code == 404
    assert "Lönesystemet ”finns-inte” (bytte från) finns inte" in \
        missing.json["error"]["message"]
    cases = {
        "to=heroma&sector=planet": "Okänd sektor: planet",
        "from=personec-p&since=förra": "är inget årtal",
        "from=heroma&to=heroma": "välj två olika",
        "theme=vadsomhelst": "Okänd grupp av skäl",
        "has=allt": "Okänt värde för has",
        "page=0": "page ska vara ett heltal",
        "to=": "to ska ha ett värde",
        "from=%20heroma": "from ska ha ett värde",
    }
    for query, message in cases.items():
        response = client.get(f"/api/v1/switches?{query}")
        assert response.status_code == 400, query
        assert message in response.json["error"]["message"], query


def test_the_document_describes_the_list_and_its_parameters():
    document = openapi_document()
    operation = document["paths"]["/switches"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert {"from", "to", "sector", "size", "role", "recent", "nosurvey", "since", "year",
            "theme", "has", "page"} <= set(parameters)
    assert parameters["has"]["schema"]["enum"] == ["go_live", "before", "reason"]
    direction = document["components"]["schemas"]["SwitchDirection"]["properties"]
    for name in ("go_live_months", "satisfaction_before", "satisfaction_now"):
        assert {"list_url", "api_url"} <= set(direction[name]["required"]), name

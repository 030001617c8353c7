"""The read-only API of networks: what the caller may see, real responses validated
against the OpenAPI document."""

import pytest
from openapi_core import OpenAPI

from kb.web.openapi import openapi_document
from tests.support.checks import checked_get
from tests.support.pages import post


@pytest.fixture(scope="module")
def spec():
    return OpenAPI.from_dict(openapi_document())


@pytest.fixture
def world(factory, colleagues):
    """Skåne (invite only: Anna leads, Bo) with an experience shared with it; Digital HR
    (open, nobody in it); Cecilia outside both."""
    anna, bo = colleagues["anna"], colleagues["bo"]
    heroma = factory.system(slug="heroma", name="Heroma")
    primula = factory.system(slug="primula", name="Primula")
    networks = {
        slug: factory.network(slug=slug, name=name, access=access, region="Skåne",
                              description=f"Om {name}", members=members)
        for slug, name, access, members in (
            ("skane", "Lönechefsnätverket Skåne", "invite", {anna: "leader", bo: "member"}),
            ("digital-hr", "Digital HR", "open", {}))
    }
    factory.network_experience(anna, heroma, networks=[networks["skane"]],
                               title="Kvartalsavstämningen i Heroma",
                               considering_switch_to_id=primula)
    factory.network_experience(bo, primula)
    return networks


def test_networks_as_each_caller_may_see_them(client, auth, spec, world):
    listed = {n["slug"]: n for n in checked_get(client, spec, "/api/v1/networks").json["items"]}
    assert listed["digital-hr"]["description"] == "Om Digital HR"
    closed = listed["skane"]
    assert closed["name"] == "Lönechefsnätverket Skåne"
    assert closed["kind"] is None and closed["members"] is None and closed["description"] is None
    outside = checked_get(client, spec, "/api/v1/networks/skane").json
    assert outside["network"]["members"] == 2 and outside["network"]["region"] == "Skåne"
    assert outside["overview"] is None and outside["member"] is False
    assert checked_get(client, spec, "/api/v1/networks/skane/meetings").status_code == 403
    auth.login("cecilia@ystad.se")
    assert checked_get(client, spec, "/api/v1/networks/skane/questions").status_code == 403
    assert checked_get(client, spec, "/api/v1/networks/skane").json["overview"] is None
    auth.logout()
    auth.login("bo@lund.se")
    inside = checked_get(client, spec, "/api/v1/networks/skane").json
    assert inside["member"] is True
    rows = {(r["organisation"], r["system"]["slug"]) for r in inside["overview"]["organisations"]}
    assert rows == {("Malmö stad", "heroma"), ("Lunds kommun", "primula")}
    heroma = next(s for s in inside["overview"]["systems"] if s["system"]["slug"] == "heroma")
    # Bo sees the one answer behind it by name: shown with its n (issue 26).
    assert heroma["satisfaction"] == {"average": 4.0, "n": 1, "too_few": False}
    assert inside["overview"]["compare_url"].startswith("/compare?s=")
    found = checked_get(client, spec, "/api/v1/experiences?q=kvartalsavstämning").json
    assert [item["title"] for item in found["items"]] == ["Kvartalsavstämningen i Heroma"]
    assert found["items"][0]["visibility"] == "networks"


def test_meetings_and_questions_for_members(app, client, auth, spec, world):
    auth.login("anna@malmo.se")
    post(client, "/networks/skane/meetings/new", {
        "title": "Vårträff", "day": "2099-03-18", "start": "09:30", "end": "11:00",
        "mode": "digital", "meeting_url": "https://teams.example.se/m/1"},
        page="/networks/skane/meetings/new")
    post(client, "/networks/skane/questions/new",
         {"title": "Hur har ni löst semesterberäkningen för timanställda?"},
         page="/networks/skane/questions/new")
    auth.logout()
    auth.login("bo@lund.se")
    [meeting] = checked_get(client, spec, "/api/v1/networks/skane/meetings").json["items"]
    assert meeting["starts_at"] == "2099-03-18T09:30:00+01:00"
    assert meeting["meeting_url"] == "https://teams.example.se/m/1"
    body = checked_get(client, spec, "/api/v1/networks/skane/questions?q=semesterberäkning").json
    assert body["total"] == 1 and body["items"][0]["answers"] == 0
    assert checked_get(client, spec, "/api/v1/networks/skane/questions").json["total"] == 1
    assert checked_get(client, spec, "/api/v1/networks/finns-inte").status_code == 404

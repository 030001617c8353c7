"""The read-only JSON API: real responses conform to /api/v1/openapi.json."""

import pytest
from openapi_core import OpenAPI

from kb.web.openapi import openapi_document
from tests.support.checks import checked_get


@pytest.fixture(scope="module")
def spec():
    return OpenAPI.from_dict(openapi_document())


def test_the_document_is_served_and_valid(client, spec):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"] == "3.1.0"
    assert set(response.json["paths"]) == {
        "/systems", "/systems/{slug}", "/systems/{slug}/switches", "/switches", "/compare",
        "/market", "/experiences",
        "/experiences/{id}", "/networks", "/networks/{slug}", "/networks/{slug}/meetings",
        "/networks/{slug}/questions", "/procurement"}


def test_systems_list_and_pagination(client, factory, spec):
    factory.figures_world()
    body = checked_get(client, spec, "/api/v1/systems?per_page=2").json
    assert body["total"] == 3 and body["pages"] == 2 and body["page"] == 1
    assert [item["slug"] for item in body["items"]] == ["heroma", "personec-p"]
    assert body["items"][0]["experience_count"] == 6
    assert body["items"][0]["average_satisfaction"] == pytest.approx(19 / 6)
    assert body["items"][1]["average_satisfaction"] is None  # one answer: too few
    second = checked_get(client, spec, "/api/v1/systems?per_page=2&page=2").json
    assert [item["slug"] for item in second["items"]] == ["primula"]


def test_a_system_with_its_figures(client, factory, spec):
    factory.figures_world()
    body = checked_get(client, spec, "/api/v1/systems/heroma").json
    profile = body["profile"]
    assert body["min_answers"] == 5
    assert profile["experience_count"] == 6
    assert profile["satisfaction"] == {"average": pytest.approx(19 / 6), "n": 6,
                                       "too_few": False}
    assert profile["nps"] == {"score": 0.0, "n": 5, "too_few": False, "promoters": 2,
                              "passives": 1, "detractors": 2}
    assert profile["capabilities"]["agi"]["shares"]["good"] == pytest.approx(60)
    assert profile["switched_from"][0]["reasons"] == [{"text": "AGI fungerade inte", "n": 2}]
    narrowed = checked_get(client, spec, "/api/v1/systems/heroma?sector=kommun&recent=1").json
    assert narrowed["filters"]["sector"] == "kommun" and narrowed["filters"]["recent"] is True
    assert narrowed["profile"]["satisfaction"] == {"average": None, "n": 4, "too_few": True}


def test_a_members_session_sees_members_only_figures(client, factory, auth, spec):
    factory.figures_world()
    auth.login("anna@kommun.se")
    profile = checked_get(client, spec, "/api/v1/systems/heroma").json["profile"]
    assert profile["experience_count"] == 7
    assert {"text": "Hemlig anledning", "n": 1} in profile["switched_from"][0]["reasons"]


def test_comparison(client, factory, spec):
    factory.figures_world()
    body = checked_get(client, spec, "/api/v1/compare?s=heroma&s=primula&size=1000-4999").json
    assert [s["system"]["slug"] for s in body["systems"]] == ["heroma", "primula"]
    assert [s["profile"]["experience_count"] for s in body["systems"]] == [6, 0]


def test_experiences_use_the_same_search_and_visibility(client, factory, spec, auth):
    factory.figures_world()
    body = checked_get(client, spec, "/api/v1/experiences?system=heroma&sort=newest").json
    titles = {item["title"] for item in body["items"]}
    assert body["total"] == 6
    assert "Erfarenhet 6" not in titles  # members only
    one = checked_get(client, spec, f"/api/v1/experiences/{body['items'][0]['id']}").json
    assert one["system"] == {"slug": "heroma", "name": "Heroma"}
    auth.login("anna@kommun.se")
    # Like /search: a member also finds her own pending and hidden experiences.
    assert checked_get(client, spec, "/api/v1/experiences?system=heroma").json["total"] == 9


@pytest.mark.parametrize(("url", "status", "message"), [
    ("/api/v1/systems/finns-inte", 404, "finns inte"),
    ("/api/v1/systems/heroma?sector=rymden", 400, "Okänd sektor"),
    ("/api/v1/systems?page=0", 400, "page ska vara ett heltal"),
    ("/api/v1/systems?per_page=1000", 400, "högst 100"),
    ("/api/v1/compare?s=heroma", 400, "Ange 2 till 4 olika system"),
    ("/api/v1/compare?s=heroma&s=heroma", 400, "Ange 2 till 4 olika system"),
    ("/api/v1/compare?s=heroma&s=okand", 404, "finns inte"),
    ("/api/v1/systems/heroma?recent=kanske", 400, "recent ska vara 1 eller 0"),
    ("/api/v1/systems/heroma?sector=", 400, "Okänd sektor"),
    ("/api/v1/systems?page=1001", 400, "högst 1000"),
    ("/api/v1/experiences?page=", 400, "page ska vara"),
    ("/api/v1/experiences?page=-1", 400, "page ska vara"),
    ("/api/v1/experiences/999999", 404, "finns inte"),
    ("/api/v1/okand", 404, "finns inte"),
])
def test_errors_are_json_with_a_message(client, factory, spec, url, status, message):
    factory.figures_world()
    response = client.get(url)
    assert response.status_code == status
    assert response.is_json
    assert response.json["error"]["status"] == status
    assert message.lower() in response.json["error"]["message"].lower()
    if url.split("?")[0] != "/api/v1/okand":
        checked_get(client, spec, url)  # the error conforms to the document too


def test_a_method_the_api_does_not_take_names_those_it_does(client):
    response = client.delete("/api/v1/systems")
    assert response.status_code == 405 and response.is_json
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    page = client.post("/systems")  # pages too
    assert page.status_code == 405 and "GET" in page.headers["Allow"]

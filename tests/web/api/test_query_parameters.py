"""Every number and switch the API and the pages read from a URL goes through
kb.core.parsing: nonsense is a 400 with a Swedish JSON message under /api/ (never a
500), pages fall back to the first page; one vocabulary of yes and no everywhere, as
the OpenAPI document says."""

import pytest
from openapi_core import OpenAPI

from kb.core import parsing
from kb.web.openapi import openapi_document
from tests.support.checks import checked_get

BAD_PAGES = ["²", "abc", "0", "99999999999999999999", "", "-1", " 2", "1.5"]
YES = ["1", "ja", "JA", "Ja", "true", "on", "yes"]
NO = ["0", "nej", "NEJ", "False", "off", "no"]


@pytest.fixture(scope="module")
def spec():
    return OpenAPI.from_dict(openapi_document())


def _refused(response, text: str) -> None:
    assert response.status_code == 400, response.text
    assert response.is_json
    assert response.json["error"]["status"] == 400
    assert text in response.json["error"]["message"]


def test_the_api_refuses_a_page_that_is_no_page_with_400(client, spec, factory):
    factory.figures_world()
    for path in ("/api/v1/systems", "/api/v1/experiences"):
        for page in BAD_PAGES:
            _refused(checked_get(client, spec, f"{path}?page={page}"),
                     "page ska vara ett heltal från 1 och högst 1000")
    for per_page in ("²", "0", "101", "abc"):
        _refused(checked_get(client, spec, f"/api/v1/systems?per_page={per_page}"),
                 "per_page ska vara ett heltal från 1 och högst 100")
    assert checked_get(client, spec, "/api/v1/systems?page=2&per_page=1").json["page"] == 2


def test_the_questions_of_a_network_refuse_a_page_that_is_none(client, factory, auth):
    member = factory.user(email="leda@kommun.se")
    factory.network(slug="skane", members={member: "leader"})
    auth.login("leda@kommun.se")
    for page in ("²", "abc", "0", "99999999999999999999"):
        _refused(client.get(f"/api/v1/networks/skane/questions?page={page}"), "page ska vara")


def test_pages_fall_back_to_the_first_page(client, factory, auth):
    factory.figures_world()
    for path in ("/systems", "/search", "/systems/heroma"):
        for page in ("²", "abc", "0", "99999999999999999999"):
            response = client.get(f"{path}?page={page}")
            assert response.status_code == 200, (path, page)


def test_the_api_and_the_pages_read_every_spelling_of_yes_and_no(client, spec, factory):
    factory.figures_world()
    for yes in YES:
        body = checked_get(client, spec, f"/api/v1/systems/heroma?recent={yes}&nosurvey={yes}").json
        assert body["filters"]["recent"] is True and body["filters"]["no_survey"] is True, yes
        assert checked_get(client, spec, f"/api/v1/experiences?fresh={yes}").status_code == 200
        page = client.get(f"/systems?recent={yes}&nosurvey={yes}").text
        assert "Lönesystem bland senaste 24 månaderna" in page, yes
        assert "utan nätverkens enkätsvar" in page, yes
    for no in NO:
        body = checked_get(client, spec, f"/api/v1/market?recent={no}&nosurvey={no}").json
        assert body["filters"]["recent"] is False and body["filters"]["no_survey"] is False, no
        assert "Lönesystem bland senaste 24 månaderna" not in client.get(
            f"/systems?recent={no}").text, no
    body = checked_get(client, spec, "/api/v1/compare?s=heroma&s=personec-p&recent=ja").json
    assert body["filters"]["recent"] is True


def test_a_switch_that_is_neither_yes_nor_no_is_refused_by_the_api(client, spec, factory):
    factory.figures_world()
    for url in ("/api/v1/systems/heroma?recent=kanske", "/api/v1/systems/heroma?nosurvey=",
                "/api/v1/market?recent=%20ja", "/api/v1/experiences?fresh=kanske"):
        response = checked_get(client, spec, url)
        _refused(response, "ska vara 1 eller 0")
        assert "ja/nej" in response.json["error"]["message"]
    # A page ignores it and shows every organisation.
    assert "Lönesystem bland senaste 24 månaderna" not in client.get(
        "/systems?recent=kanske").text


def test_the_document_describes_every_switch_alike():
    document = openapi_document()
    switches = [parameter for path in document["paths"].values()
                for parameter in path["get"].get("parameters", [])
                if parameter.get("name") in ("recent", "nosurvey", "fresh")]
    assert {parameter["name"] for parameter in switches} == {"recent", "nosurvey", "fresh"}
    for parameter in switches:
        assert parameter["schema"] == {"type": "string", "enum": parsing.boolean_spellings()}
        assert parsing.BOOLEAN_SPELLINGS in parameter["description"]

"""A proposed system is seen only by the member who proposed it and by moderators until
a moderator approves it: to anyone else its page and its API answer 404, it is in no
list, search filter, comparison or catalogue download, and its website link is shown
to nobody else."""

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import PayrollSystem
from tests.support.pages import post

WEBSITE = "https://lonix.example.se/kampanj"


@pytest.fixture
def proposal(app, factory):
    """Heroma and Personec in the catalogue; Lönix 2000 proposed by Karin, pending."""
    karin = factory.member("karin@kommun.se", "Karin Lönechef", "Exempelby kommun")
    factory.member("olle@kommun.se", "Olle Annan", "Annanby kommun")
    factory.user(email="mod@kb.se", site_role="moderator")
    heroma = factory.system(slug="heroma", name="Heroma")
    personec = factory.system(slug="personec", name="Personec")
    lonix = factory.system(slug="lonix-2000", name="Lönix 2000", vendor="Lönix AB",
                           website=WEBSITE, status="pending", proposed_by_id=karin)
    factory.experience(karin, lonix, title="Lönix räknar semester rätt")
    return {"karin": karin, "heroma": heroma, "personec": personec, "lonix": lonix}


def _look(client) -> dict[str, int]:
    return {
        "page": client.get("/systems/lonix-2000").status_code,
        "api": client.get("/api/v1/systems/lonix-2000").status_code,
    }


def test_a_visitor_and_another_member_find_no_such_system(client, auth, proposal):
    assert _look(client) == {"page": 404, "api": 404}
    assert "Lönix" not in client.get("/api/v1/systems/lonix-2000").text
    auth.login("olle@kommun.se")
    assert _look(client) == {"page": 404, "api": 404}
    page = client.get("/systems/lonix-2000")
    assert WEBSITE not in page.text and "Lönix AB" not in page.text


@pytest.mark.parametrize("who", ["karin@kommun.se", "mod@kb.se"])
def test_its_proposer_and_moderators_see_it(client, auth, proposal, who):
    auth.login(who)
    assert _look(client) == {"page": 200, "api": 200}
    assert "Lönix 2000" in client.get("/systems/lonix-2000").text
    assert client.get("/api/v1/systems/lonix-2000").get_json()["system"]["status"] == "pending"


def test_it_is_in_no_list_filter_comparison_or_download_for_others(client, auth, proposal):
    auth.login("olle@kommun.se")
    pages = {
        "/systems": client.get("/systems").text,
        "/systems.csv": client.get("/systems.csv").text,
        "/api/v1/systems": client.get("/api/v1/systems?per_page=100").text,
        "/compare": client.get("/compare?s=heroma&s=lonix-2000").text,
        "/api/v1/compare": client.get("/api/v1/compare?s=heroma&s=lonix-2000").text,
        "/search": client.get("/search?system=lonix-2000").text,
        "/experiences/new": client.get("/experiences/new").text,
    }
    for url, text in pages.items():
        assert "Lönix 2000" not in text, url
        assert WEBSITE not in text, url
    # Karin's experience is found (with the name of the system she runs), but the
    # proposal is no filter to tick, and its website is nowhere.
    found = client.get("/search?q=semester").text
    assert "Lönix räknar" in found
    assert 'value="lonix-2000"' not in found and WEBSITE not in found


def test_following_it_is_refused_to_others(app, client, auth, proposal):
    auth.login("olle@kommun.se")
    response = post(client, "/systems/lonix-2000/follow", {"follow": "1"}, page="/systems")
    assert response.status_code == 404


def test_approved_it_is_everyones(app, client, auth, proposal):
    with app.app_context():
        db.session.get(PayrollSystem, proposal["lonix"]).status = "active"
        db.session.commit()
    assert _look(client) == {"page": 200, "api": 200}
    with app.app_context():
        assert db.session.scalar(select(PayrollSystem.website).where(
            PayrollSystem.slug == "lonix-2000")) == WEBSITE

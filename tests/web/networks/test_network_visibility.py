"""An experience shared with a network only is read by its members and by nobody outside
– visitors, other members, former members – through any path: pages, lists, search
results, highlights, suggestions, facet counts, figures, the API, exports,
notifications, comments and the index."""

import pytest
from sqlalchemy import select

from kb.access import policy
from kb.community import notifications
from kb.extensions import db
from kb.models import (
    Experience,
    Follow,
    Network,
    Notification,
    PayrollSystem,
    User,
)
from tests.support.pages import main_content, post

SECRET = "kvartalsavstämningen"  # a word only the network's experience has
OUTSIDERS = (None, "cecilia@ystad.se", "former@kb.se")


@pytest.fixture
def world(app, factory, skane):
    """Skåne's Anna shares an experience with the network; Bo (in it), Cecilia and a
    former member (outside) follow Heroma."""
    anna, bo, cecilia, network_id = skane["anna"], skane["bo"], skane["cecilia"], skane["network"]
    former = factory.member("former@kb.se", "Före Detta", "Förra kommunen")
    factory.membership(network_id, former, status="left")
    heroma = factory.system(slug="heroma", name="Heroma")
    primula = factory.system(slug="primula", name="Primula")
    with app.app_context():
        for follower in (bo, cecilia, former):
            db.session.add(Follow(user_id=follower, system_id=heroma))
        db.session.commit()
    # Five more public ones, so the outsider's figures are shown, not "för få svar".
    for n in range(5):
        factory.network_experience(cecilia, heroma, satisfaction=2, recommend=2,
                                   title=f"Öppen erfarenhet {n}", pros="Lönekörningen går.")
    shared = factory.network_experience(
        anna, heroma, networks=[network_id], satisfaction=5, recommend=10,
        title="Hemlig rubrik om kvartalsavstämning",
        pros=f"Hela {SECRET} sköts i Heroma.", sector="region",
        switched_from_id=primula, switch_reason="Nätverkets hemliga skäl")
    with app.app_context():
        notifications.notify_followers(db.session.get(Experience, shared))
    return {"shared": shared, "network": network_id, "anna": anna, "bo": bo,
            "cecilia": cecilia, "former": former}


def _each_viewer(client, auth):
    """The network's member, then every outsider, each logged in (a visitor not)."""
    for who in ("bo@lund.se", *OUTSIDERS):
        if who:
            auth.login(who)
        yield who
        if who:
            auth.logout()


def test_the_experience_page_and_its_comments(app, client, auth, world):
    url = f"/experiences/{world['shared']}"
    for who in _each_viewer(client, auth):
        response = client.get(url)
        if who == "bo@lund.se":
            assert response.status_code == 200 and SECRET in response.text
            assert "Delas bara med nätverket" in response.text
        else:
            assert response.status_code == 404, who
            assert SECRET not in response.text
            if who:
                asked = post(client, f"{url}/comments", {"body": "Får jag fråga?"})
                assert asked.status_code == 404


def test_lists_on_the_home_page_and_the_system_page(app, client, auth, world):
    for who in _each_viewer(client, auth):
        seen = [SECRET.split("avst")[0] in main_content(client.get(path)).lower()
                and "Hemlig rubrik" in main_content(client.get(path))
                for path in ("/", "/systems/heroma?urval=alla")]  # not just her segment
        assert seen == [who == "bo@lund.se"] * 2, who


def test_search_results_highlights_facets_and_suggestions(app, client, auth, world):
    for who in _each_viewer(client, auth):
        inside = who == "bo@lund.se"
        # An inflected form finds it for the member: "kvartalsavstämning".
        page = client.get("/search?q=kvartalsavstämning").text
        assert ("Hemlig rubrik" in page) is inside, who
        assert ("<mark>kvartalsavstämning</mark>" in page.lower()) is inside
        # Facet counts: the region sector exists only through the shared experience.
        facets = client.get("/search?system=heroma").text
        assert ('name="sector" value="region"' in facets) is inside, who
        # A misspelling is corrected only from text the viewer may read.
        typo = client.get("/search?q=kvartalsavstämnign").text
        assert ("Menade du" in typo and "kvartalsavstämning</a>" in typo) is inside, who


def test_figures_the_api_and_exports(app, client, auth, world):
    for who in _each_viewer(client, auth):
        inside = who == "bo@lund.se"
        profile = client.get("/api/v1/systems/heroma").json["profile"]
        assert profile["experience_count"] == (6 if inside else 5), who
        reasons = [r["text"] for flow in profile["switched_from"] for r in flow["reasons"]]
        assert ("Nätverkets hemliga skäl" in reasons) is inside
        listed = {item["slug"]: item for item in client.get("/api/v1/systems").json["items"]}
        assert listed["heroma"]["experience_count"] == (6 if inside else 5)
        found = client.get(f"/api/v1/experiences?q={SECRET}").json
        assert (found["total"] == 1) is inside, who
        single = client.get(f"/api/v1/experiences/{world['shared']}")
        assert single.status_code == (200 if inside else 404)
        csv = client.get("/compare.csv?s=heroma&s=primula&urval=alla").data.decode("utf-8-sig")
        header, *rows = [line.split(";") for line in csv.splitlines()]
        heroma = dict(zip(header, next(row for row in rows if row[0] == "Heroma"), strict=True))
        assert heroma["Erfarenheter"] == ("6" if inside else "5"), who
        page = client.get("/systems/heroma?urval=alla").text
        assert ("Nätverkets hemliga skäl" in page) is inside


def test_notifications_reach_the_members_following_the_system_only(app, world):
    with app.app_context():
        told = set(db.session.scalars(select(Notification.user_id).where(
            Notification.experience_id == world["shared"])))
    assert told == {world["bo"]}


def test_leaving_stops_reading_and_exposes_nothing(app, client, auth, world):
    auth.login("bo@lund.se")
    post(client, "/networks/skane/members/leave", page="/networks/skane")
    assert client.get(f"/experiences/{world['shared']}").status_code == 404
    assert client.get(f"/api/v1/experiences?q={SECRET}").json["total"] == 0
    auth.logout()
    # The author leaves too: what she shared stays shared with the network only.
    auth.login("anna@malmo.se")
    post(client, "/networks/skane/members/leave", page="/networks/skane")
    assert client.get(f"/experiences/{world['shared']}").status_code == 200  # her own
    auth.logout()
    auth.login("cecilia@ystad.se")
    assert client.get(f"/experiences/{world['shared']}").status_code == 404
    assert client.get(f"/api/v1/experiences?q={SECRET}").json["total"] == 0
    with app.app_context():
        shared = db.session.get(Experience, world["shared"])
        assert shared.visibility == "networks" and shared.network_ids == {world["network"]}


def test_moderators_read_it_because_they_moderate(app, client, auth, world, factory):
    factory.user(email="mod@kb.se", site_role="moderator")
    auth.login("mod@kb.se")
    assert client.get(f"/experiences/{world['shared']}").status_code == 200
    assert "Hemlig rubrik" in client.get(f"/search?q={SECRET}").text


def test_the_form_offers_the_members_networks_and_refuses_others(app, client, auth, world,
                                                                 factory):
    auth.login("bo@lund.se")
    system = db_system_id(app)
    page = client.get("/experiences/new").text
    assert "Lönechefsnätverket Skåne" in page and 'name="network_ids"' in page
    assert "Moderatorer kan läsa allt" in page
    values = {"system_id": system, "sector": "kommun", "size_band": "50-249",
              "reviewer_role": "lonechef", "usage_status": "current", "satisfaction": "4",
              "title": "Bara för nätverket", "visibility": "networks",
              **{f"cap_{k}": "unknown" for k in ("agi", "semester", "kollektivavtal",
                                                  "pension", "paxml", "sie", "bankid",
                                                  "payslips", "selfservice")}}
    missing = post(client, "/experiences/new", values, page="/experiences/new")
    assert missing.status_code == 422 and "Välj minst ett av dina nätverk" in missing.text
    assert "Bara för nätverket" in missing.text  # what was typed is kept
    other = post(client, "/experiences/new", {**values, "network_ids": "999"},
                 page="/experiences/new")
    assert other.status_code == 422
    saved = post(client, "/experiences/new", {**values, "network_ids": str(world["network"])},
                 page="/experiences/new")
    assert saved.status_code == 302
    with app.app_context():
        found = db.session.scalar(select(Experience).where(
            Experience.title == "Bara för nätverket"))
        assert found.visibility == "networks" and found.network_ids == {world["network"]}
    auth.logout()
    auth.login("cecilia@ystad.se")
    assert "Lönechefsnätverket Skåne" not in client.get("/experiences/new").text


def db_system_id(app) -> str:
    with app.app_context():
        return str(db.session.scalar(select(PayrollSystem.id).where(
            PayrollSystem.slug == "heroma")))


def test_the_index_document_names_the_networks(app, world):
    from kb import indexing
    from kb.search.docsets import docsets

    with app.app_context():
        with indexing.store().searcher() as searcher:
            sets = docsets(searcher)
            mask = sets.term("networks", str(world["network"]))
            ids = [int(searcher.stored_fields(d)["id"])
                   for d in range(searcher.doc_count_all()) if mask >> d & 1]
        assert ids == [world["shared"]]
        audience = policy.audience_of(db.session.get(User, world["cecilia"]))
        assert not policy.may_read(audience, db.session.get(Experience, world["shared"]))


def test_figures_follow_a_change_of_sharing(app, client, auth, world):
    """The figure snapshot, already read, re-reads an experience whose sharing changed."""
    auth.login("cecilia@ystad.se")
    assert client.get("/api/v1/systems/heroma").json["profile"]["experience_count"] == 5
    with app.app_context():
        own = db.session.scalars(select(Experience).where(
            Experience.author_id == world["cecilia"])).first()
        own.visibility = "networks"
        own.networks = [db.session.get(Network, world["network"])]
        db.session.commit()
    # Cecilia still reads her own, but figures count what she may read as shared: not
    # this, since she is not in the network.
    assert client.get("/api/v1/systems/heroma").json["profile"]["experience_count"] == 4
    auth.logout()
    auth.login("bo@lund.se")
    assert client.get("/api/v1/systems/heroma").json["profile"]["experience_count"] == 6
    with app.app_context():
        shared = db.session.get(Experience, world["shared"])
        shared.visibility = "public"
        shared.networks = []
        db.session.commit()
    auth.logout()
    assert client.get("/api/v1/systems/heroma").json["profile"]["experience_count"] == 5

"""Imports are the network's data until a moderator says otherwise.

A fresh member starts a network and imports 41 rows for "public": nothing public moves
– the system's page, the API, the market view, search – until a moderator approves the
import, which waits as one item of the queue with its preview. The network's members
read the answers at once. A survey row never replaces an answer a member of the
organisation gave themselves. A declined import stays with the network and the leader
is told why; a leader whose address is not confirmed imports for the network only; a
network uploads and confirms a few sheets a day; systems a sheet names stay hidden
from everyone outside the network until approved.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import AuditLog, Experience, PayrollSystem, SurveyImport, utcnow
from tests.support import sheets
from tests.support.pages import invite_link, main_content, network_id, post, start_network

HEADERS = ("Organisation", "Sektor", "Storlek", "Lönesystem", "Nöjdhet", "Rekommendation")
# Kungälvs kommun's own member said 5; the sheet says 1 for it.
ROWS = [("Kungälvs kommun", "Kommun", "1000-4999", "Heroma", "1", "0")] + [
    (f"Testby{n} kommun", "Kommun", "1000-4999", "Heroma", "1", "0") for n in range(40)]


def text_of(response) -> str:
    return html.unescape(response.text)


def words(page: str) -> str:
    """A page's text without its markup (a search box repeats the query in an attribute)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def sheet(rows=ROWS, headers=HEADERS) -> bytes:
    return sheets.csv_bytes(rows=[list(row) for row in rows], headers=list(headers))


@pytest.fixture
def world(app, client, auth, factory):
    """Heroma with ten public answers of 4 and Kungälvs kommun's member's 5; a
    moderator; a fresh member (confirmed today) who starts a network, logged in."""
    heroma = factory.system(slug="heroma", name="Heroma", vendor="CGI")
    for n in range(10):
        writer = factory.user(email=f"skribent{n}@kommun.se")
        factory.experience(writer, heroma, satisfaction=4, recommend=9,
                           title=f"Skribent {n} om Heroma")
    kungalv = factory.organisation("Kungälvs kommun")
    # Her link to Kungälvs kommun is verified (a moderator confirmed it): she speaks for
    # the organisation, so the sheet's row for it is the same organisation.
    anna = factory.user(email="anna@kungalv.se", display_name="Anna Andersson",
                        organisation_id=kungalv, organisation_verified_at=utcnow(),
                        organisation_verified_by="moderator")
    own = factory.experience(anna, heroma, satisfaction=5, recommend=10,
                             organisation_id=kungalv, title="Kungälv trivs med Heroma")
    factory.user(email="moa@kb.se", display_name="Moa Moderator", site_role="moderator")
    factory.user(email="ny@kb.se", display_name="Ny Ledare")
    auth.login("ny@kb.se")
    slug = start_network(client, "Lönechefer i väst")
    return {"heroma": heroma, "own": own, "slug": slug}


def public_view(client) -> dict:
    """What a visitor sees of Heroma: the page's figures, the API, the market view and
    search."""
    return {
        "page": main_content(client.get("/systems/heroma")),
        "api": client.get("/api/v1/systems/heroma").get_json()["profile"],
        "market": main_content(client.get("/systems")),
        "search": main_content(client.get("/search?q=Heroma")),
        "testby": words(main_content(client.get("/search?q=Testby7"))),
    }


def as_visitor(auth, client) -> dict:
    auth.logout()
    return public_view(client)


def pending_import(app) -> int:
    return sheets.last_import(app).id


def test_a_fresh_members_public_import_moves_nothing_public_until_a_moderator_approves(
        app, client, auth, factory, world):
    slug = world["slug"]
    auth.logout()
    before = public_view(client)
    assert before["api"]["organisations"] == 11
    assert "Testby7 kommun" not in before["testby"]
    auth.login("ny@kb.se")
    review = sheets.uploaded(client, slug, sheet())
    response = sheets.confirm(client, review, "public")
    assert response.status_code == 302
    said = text_of(client.get(f"/networks/{slug}"))
    assert "41 nya svar" in said and "tills en moderator har granskat importen" in said
    assert "väntar på granskning av en moderator" in text_of(client.get(review))
    assert "Väntar på granskning av en moderator" in text_of(
        client.get(f"/networks/{slug}/import"))
    # Every answer is written, shared with the network only, whatever the leader chose.
    answers = sheets.survey_answers(app, network_id(app, slug))
    assert len(answers) == 41 and {e.visibility for e in answers} == {"networks"}
    # The network's members read them at once: the leader, and a member who joins.
    assert "Testby7 kommun" in said
    link = invite_link(client, slug)
    auth.logout()
    factory.user(email="medlem@kb.se")
    auth.login("medlem@kb.se")
    assert post(client, link, page=link).status_code == 302
    testby = next(e for e in answers if "Testby7" in e.title)
    assert client.get(f"/experiences/{testby.id}").status_code == 200
    assert "Testby7 kommun" in words(main_content(client.get("/search?q=Testby7")))

    # Nothing public moved: not the page, the API, the market view, nor search.
    assert as_visitor(auth, client) == before
    assert client.get(f"/experiences/{testby.id}").status_code == 404
    # Nor what another member (outside the network) counts.
    factory.user(email="annan@kb.se")
    auth.login("annan@kb.se")
    assert client.get("/api/v1/systems/heroma").get_json()["profile"]["organisations"] == 11
    auth.logout()

    # The moderator's queue holds the import as one item, with its preview.
    auth.login("moa@kb.se")
    assert "1 enkätimport väntar på granskning" in text_of(client.get("/admin/"))
    queue = text_of(client.get("/admin/queue"))
    assert queue.count("Granska enkat.csv") == 1
    assert "Lönechefer i väst" in queue and "Ny Ledare" in queue and "Alla besökare" in queue
    import_id = pending_import(app)
    preview = text_of(client.get(f"/admin/imports/{import_id}"))
    assert "Testby39 kommun" in preview and "Kungälvs kommun" in preview
    assert "delas 41 svar med alla besökare" in preview
    assert sheets.review(client, import_id, "approve", "Ser rimligt ut.").status_code == 302
    assert "Inget väntar på granskning" in text_of(client.get("/admin/queue"))

    after = as_visitor(auth, client)
    # Forty organisations more; Kungälv still counts once, with its member's 5.
    assert after["api"]["organisations"] == 51
    assert after["api"]["satisfaction"]["average"] == pytest.approx((40 + 40 + 5) / 51,
                                                                    abs=0.01)
    assert after["page"] != before["page"] and after["market"] != before["market"]
    assert "Testby7 kommun" in after["testby"]
    assert client.get(f"/experiences/{testby.id}").status_code == 200
    with app.app_context():
        assert {e.visibility for e in db.session.scalars(select(Experience).where(
            Experience.survey_network_id == network_id(app, slug)))} == {"public"}
        logged = db.session.scalars(select(AuditLog.action).where(
            AuditLog.object_type == "survey_import")).all()
    assert "survey.approve" in logged
    # The leader hears of it.
    auth.login("ny@kb.se")
    assert "En moderator har godkänt enkätimporten i Lönechefer i väst" in text_of(
        client.get("/notifications"))


def test_a_survey_row_never_replaces_the_members_own_answer(app, client, auth, world):
    slug = world["slug"]
    auth.logout()
    mean_before = client.get("/api/v1/systems/heroma").get_json()["profile"]["satisfaction"]
    auth.login("ny@kb.se")
    sheets.imported(client, slug, sheet(ROWS[:1]), visibility="public")
    auth.logout()
    auth.login("moa@kb.se")
    assert sheets.review(client, pending_import(app)).status_code == 302
    auth.logout()
    profile = client.get("/api/v1/systems/heroma").get_json()["profile"]
    # Kungälv's newer survey row of 1 did not replace its member's 5: the same figures.
    assert profile["organisations"] == 11 and profile["satisfaction"] == mean_before
    page = html.unescape(main_content(client.get("/systems/heroma")))
    assert "4,1" in page  # (10 × 4 + 5) / 11
    with app.app_context():
        own = db.session.get(Experience, world["own"])
        assert (own.satisfaction, own.author_id is not None) == (5, True)


def test_a_declined_import_stays_with_the_network_and_the_leader_is_told_why(
        app, client, auth, world):
    slug = world["slug"]
    auth.logout()
    before = public_view(client)
    auth.login("ny@kb.se")
    sheets.imported(client, slug, sheet(), visibility="members")
    auth.logout()
    auth.login("moa@kb.se")
    import_id = pending_import(app)
    # A decline needs a reason for the leader.
    refused = sheets.review(client, import_id, "decline")
    assert refused.status_code == 422
    assert "Skriv en motivering som visas för nätverkets ledare." in text_of(refused)
    done = sheets.review(client, import_id, "decline", "Raderna ser ut att vara påhittade.")
    assert done.status_code == 302
    # Decided once: approving it afterwards changes nothing.
    again = sheets.review(client, import_id, "approve")
    assert again.status_code == 302
    assert "Importen är redan granskad." in text_of(client.get("/admin/queue"))
    assert as_visitor(auth, client) == before
    assert {e.visibility for e in sheets.survey_answers(app, network_id(app, slug))} == \
        {"networks"}
    auth.login("ny@kb.se")
    assert "En moderator har avböjt enkätimporten i Lönechefer i väst" in text_of(
        client.get("/notifications"))
    page = text_of(client.get(f"/networks/{slug}/import"))
    assert "Avböjd av en moderator" in page and "Raderna ser ut att vara påhittade." in page
    with app.app_context():
        assert db.session.scalar(select(AuditLog.reason).where(
            AuditLog.action == "survey.decline")).endswith("Raderna ser ut att vara påhittade.")


def test_a_leader_without_a_confirmed_address_imports_for_the_network_only(
        app, client, auth, factory):
    factory.system(slug="heroma", name="Heroma")
    leader = factory.user(email="obekraftad@kb.se", confirmed=False)
    factory.network(slug="syd", name="Lönenätverket Syd", kind="lonechef",
                    members={leader: "leader"})
    auth.login("obekraftad@kb.se")
    review = sheets.uploaded(client, "syd", sheet(ROWS[:3]))
    page = text_of(client.get(review))
    assert "Bekräfta din e-postadress för att dela enkätsvaren utanför nätverket" in page
    assert 'value="public"' not in page and 'value="networks"' in page
    # The server refuses it too, with the reason.
    refused = sheets.confirm(client, review, "public")
    assert refused.status_code == 422
    assert "Bekräfta din e-postadress för att dela enkätsvaren utanför nätverket" in \
        text_of(refused)
    assert sheets.survey_answers(app, network_id(app, "syd")) == []
    assert sheets.confirm(client, review, "networks").status_code == 302
    assert len(sheets.survey_answers(app, network_id(app, "syd"))) == 3
    assert sheets.last_import(app).review_state is None


def test_a_network_uploads_and_confirms_a_few_sheets_a_day(app, client, auth, world):
    slug = world["slug"]
    reviews = [sheets.uploaded(client, slug, sheet(ROWS[:n + 1])) for n in range(5)]
    refused = sheets.upload(client, slug, sheet())
    assert refused.status_code == 429
    assert "Nätverket har redan laddat upp 5 enkätfiler i dag. Försök igen i morgon." in \
        text_of(refused)
    assert "Försök igen i morgon." in text_of(client.get(f"/networks/{slug}/import"))
    for review in reviews[:3]:
        assert sheets.confirm(client, review).status_code == 302
    refused = sheets.confirm(client, reviews[3])
    assert refused.status_code == 429
    assert "Nätverket har redan importerat 3 enkätfiler i dag. Försök igen i morgon." in \
        text_of(refused)
    with app.app_context():
        fourth = db.session.get(SurveyImport, int(reviews[3].rsplit("/", 1)[1]))
        assert fourth.imported_at is None and fourth.confirming_since is None


def test_a_system_the_sheet_names_is_seen_only_inside_the_network_until_approved(
        app, client, auth, factory, world):
    slug = world["slug"]
    rows = [("Lunds kommun", "Kommun", "1000-4999", "Lönix 2000", "3", "5")]
    review = sheets.uploaded(client, slug, sheet(rows))
    page = text_of(client.get(review))
    field = re.search(r'<label for="(system_[0-9a-f]+)">”Lönix 2000”', page).group(1)
    form = {f"column_{name}": str(i) for i, name in enumerate(
        ("organisation", "sector", "size", "system", "satisfaction", "recommend"))}
    form.update({"scale": "auto", "role": "lonechef", "sector": "", "size": "",
                 field: "propose"})
    assert post(client, review, form, page=review).status_code == 302
    assert sheets.confirm(client, review, "public").status_code == 302
    with app.app_context():
        system = db.session.scalar(select(PayrollSystem).where(
            PayrollSystem.name == "Lönix 2000"))
        assert system.status == "pending"
        assert system.proposed_network_id == network_id(app, slug)
        lonix = system.slug
    # The network's members see it (the leader proposed it; a member who joins too).
    assert client.get(f"/systems/{lonix}").status_code == 200
    link = invite_link(client, slug)
    auth.logout()
    assert client.get(f"/systems/{lonix}").status_code == 404
    assert client.get(f"/api/v1/systems/{lonix}").status_code == 404
    assert "Lönix" not in text_of(client.get("/systems"))
    factory.user(email="annan@kb.se")
    auth.login("annan@kb.se")
    assert client.get(f"/systems/{lonix}").status_code == 404
    assert post(client, link, page=link).status_code == 302
    assert client.get(f"/systems/{lonix}").status_code == 200
    auth.logout()
    # The import waits until a moderator approved (or merged) the system it names.
    auth.login("moa@kb.se")
    import_id = pending_import(app)
    assert "Lönix 2000" in text_of(client.get(f"/admin/imports/{import_id}"))
    refused = sheets.review(client, import_id, "approve")
    assert refused.status_code == 422
    assert "Godkänn eller slå ihop dem under Föreslagna system först." in text_of(refused)
    assert {e.visibility for e in sheets.survey_answers(app, network_id(app, slug))} == \
        {"networks"}

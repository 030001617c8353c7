"""Networks and their members: starting one, invite links, requests, leaders, leaving,
closing, the audit log, and “Vad kör vi i nätverket?” with its exports."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kb.extensions import db
from kb.models import AuditLog, NetworkMembership
from tests.support.pages import accept, invite_link, main_content, network_id, post, start_network


@pytest.fixture
def people(app, factory):
    ids = {
        "anna": factory.member("anna@malmo.se", "Anna Andersson", "Malmö stad"),
        "bo": factory.member("bo@lund.se", "Bo Berg", "Lunds kommun",
                             professional_role="loneadministrator"),
        "cecilia": factory.member("cecilia@ystad.se", "Cecilia Ek", "Ystads kommun"),
        "moderator": factory.user(email="mod@kb.se", site_role="moderator"),
    }
    ids["heroma"] = factory.system(slug="heroma", name="Heroma")
    ids["hogia"] = factory.system(slug="hogia-lon", name="Hogia Lön")
    ids["primula"] = factory.system(slug="primula", name="Primula")
    return ids


def _audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_a_member_starts_a_network_invites_a_colleague_and_both_see_what_it_runs(
        app, client, auth, people, factory):
    factory.network_experience(people["anna"], people["heroma"], satisfaction=4,
                               considering_switch_to_id=people["primula"])
    factory.network_experience(people["bo"], people["hogia"], satisfaction=2, recommend=3)
    auth.login("anna@malmo.se")
    slug = start_network(client)
    assert slug == "lonechefsnatverket-skane"
    link = invite_link(client, slug, note="Till Bo")
    auth.logout()

    auth.login("bo@lund.se")
    invited = client.get(link)
    assert "Du är inbjuden till Lönechefsnätverket Skåne" in invited.text
    assert accept(client, link).status_code == 302
    for email in ("bo@lund.se", "anna@malmo.se"):
        auth.logout()
        auth.login(email)
        page = main_content(client.get(f"/networks/{slug}"))
        assert "Vad kör vi i nätverket?" in page
        assert "Malmö stad" in page and "Lunds kommun" in page
        assert "Heroma" in page and "Hogia Lön" in page
        assert "Primula" in page  # Anna is considering a switch to it
        # Each member sees every answer behind the figures: shown with n, not "för få
        # svar" (tests/web/networks/test_network_figures.py).
        assert "4,0 (n=1)" in page and "2,0 (n=1)" in page
        assert "för få svar" not in page
        assert "/compare?s=heroma&amp;s=hogia-lon" in page or \
            "/compare?s=hogia-lon&amp;s=heroma" in page
    # The link was single-use.
    auth.logout()
    auth.login("cecilia@ystad.se")
    assert client.get(link).status_code == 404
    assert accept(client, link).status_code == 404
    assert _audit_actions(app) == ["network.create", "network.join", "network.invite",
                                   "network.join_by_invite"]


def test_a_non_member_sees_only_name_kind_region_and_number_of_members(
        app, client, auth, people, factory):
    factory.network_experience(people["anna"], people["heroma"])
    auth.login("anna@malmo.se")
    slug = start_network(client, description="Hemlig beskrivning av nätverket")
    auth.logout()
    for who in (None, "cecilia@ystad.se"):
        if who:
            auth.login(who)
        page = main_content(client.get(f"/networks/{slug}"))
        assert "Lönechefsnätverket Skåne" in page and "Lönechefer" in page
        assert "Skåne" in page and "1 medlem" in page
        assert "Heroma" not in page and "Malmö stad" not in page
        assert "Hemlig beskrivning" not in page
        assert "Vad kör vi" not in page
        for path in ("members", "meetings", "questions"):
            response = client.get(f"/networks/{slug}/{path}")
            assert response.status_code == (403 if who else 302), path
        assert client.get(f"/networks/{slug}/overview.csv").status_code in (302, 403)
    listing = main_content(client.get("/networks"))
    assert "Slutna nätverk" in listing and "Lönechefsnätverket Skåne" in listing


def test_open_networks_take_requests_that_a_leader_approves(app, client, auth, people):
    auth.login("anna@malmo.se")
    slug = start_network(client, name="Lönechefer i Skåne", access="open")
    auth.logout()
    auth.login("bo@lund.se")  # a payroll administrator: not for this network's role
    refused = post(client, f"/networks/{slug}/members/join", page=f"/networks/{slug}")
    assert refused.status_code == 403 and "för lönechefer" in refused.text
    auth.logout()
    auth.login("cecilia@ystad.se")
    response = post(client, f"/networks/{slug}/members/join", page=f"/networks/{slug}",
                    follow_redirects=True)
    assert "Din ansökan är skickad" in response.text
    assert "Vad kör vi" not in main_content(client.get(f"/networks/{slug}"))
    auth.logout()
    auth.login("anna@malmo.se")
    members_page = client.get(f"/networks/{slug}/members")
    assert "Cecilia Ek" in members_page.text
    notifications = client.get("/notifications").text
    assert "Någon vill gå med i Lönechefer i Skåne" in notifications
    with app.app_context():
        request_id = db.session.scalar(select(NetworkMembership.id).where(
            NetworkMembership.user_id == people["cecilia"]))
    post(client, f"/networks/{slug}/members/{request_id}/approve",
         page=f"/networks/{slug}/members")
    auth.logout()
    auth.login("cecilia@ystad.se")
    assert "Vad kör vi i nätverket?" in client.get(f"/networks/{slug}").text


def test_an_open_network_can_let_members_in_at_once(app, client, auth, people):
    auth.login("anna@malmo.se")
    slug = start_network(client, name="Digital HR", kind="alla", access="open",
                         auto_approve="y")
    auth.logout()
    auth.login("bo@lund.se")
    response = post(client, f"/networks/{slug}/members/join", page=f"/networks/{slug}",
                    follow_redirects=True)
    assert "Välkommen till Digital HR" in response.text
    assert "network.join" in _audit_actions(app)[-1:]


def test_leaders_appoint_co_leaders_and_remove_members_who_can_leave(
        app, client, auth, people):
    auth.login("anna@malmo.se")
    slug = start_network(client)
    links = [invite_link(client, slug) for _ in range(2)]
    auth.logout()
    for email, link in zip(("bo@lund.se", "cecilia@ystad.se"), links, strict=True):
        auth.login(email)
        accept(client, link)
        auth.logout()
    with app.app_context():
        ids = {m.user_id: m.id for m in db.session.scalars(select(NetworkMembership))}
    auth.login("bo@lund.se")  # not a leader
    assert post(client, f"/networks/{slug}/members/{ids[people['cecilia']]}/remove",
                page=f"/networks/{slug}").status_code == 403
    auth.logout()
    auth.login("anna@malmo.se")
    # The only leader cannot leave while others are in.
    refused = post(client, f"/networks/{slug}/members/leave", page=f"/networks/{slug}")
    assert refused.status_code == 409 and "enda ledare" in refused.text
    post(client, f"/networks/{slug}/members/{ids[people['bo']]}/lead", page=f"/networks/{slug}")
    post(client, f"/networks/{slug}/members/{ids[people['cecilia']]}/remove",
         page=f"/networks/{slug}")
    assert post(client, f"/networks/{slug}/members/leave",
                page=f"/networks/{slug}").status_code == 302
    auth.logout()
    auth.login("bo@lund.se")
    page = client.get(f"/networks/{slug}/members").text
    assert "Ledare" in page and "Cecilia Ek" not in page and "Anna Andersson" not in page
    assert _audit_actions(app)[-3:] == ["network.appoint", "network.remove", "network.leave"]


def test_a_moderator_closes_a_network_with_a_reason(app, client, auth, people):
    auth.login("anna@malmo.se")
    slug = start_network(client)
    auth.logout()
    auth.login("cecilia@ystad.se")
    assert post(client, f"/networks/{slug}/close", {"reason": "x"},
                page="/networks").status_code == 403
    auth.logout()
    auth.login("mod@kb.se")
    response = post(client, f"/networks/{slug}/close", {"reason": "Skräppost"},
                    page=f"/networks/{slug}", follow_redirects=True)
    assert "Nätverket är stängt" in response.text
    auth.logout()
    auth.login("anna@malmo.se")
    page = client.get(f"/networks/{slug}").text
    assert "stängt av en moderator" in page
    assert client.get(f"/networks/{slug}/meetings/new").status_code == 409
    auth.logout()
    assert "Lönechefsnätverket Skåne" not in client.get("/networks").text
    assert _audit_actions(app)[-1] == "network.close"


def test_bad_input_keeps_what_was_typed(app, client, auth, people):
    auth.login("anna@malmo.se")
    start_network(client)
    response = post(client, "/networks/new", {"name": "Lönechefsnätverket skåne",
                                              "kind": "lonechef", "access": "open",
                                              "description": "Min text"}, page="/networks/new")
    assert response.status_code == 422
    assert "Det finns redan ett nätverk med det namnet" in response.text
    assert "Min text" in response.text
    response = post(client, "/networks/new", {"name": "X", "kind": "rymden"},
                    page="/networks/new")
    assert response.status_code == 422 and "Namnet ska ha 3–120 tecken" in response.text


def test_the_overview_downloads_as_csv_and_xlsx_with_numbers(app, client, auth, people,
                                                              factory):
    factory.network_experience(people["anna"], people["heroma"], satisfaction=4, recommend=9)
    auth.login("anna@malmo.se")
    slug = start_network(client)
    for i in range(5):
        colleague = factory.member(f"kollega{i}@kb.se", f"Kollega {i}", f"Kommun {i}")
        factory.network_experience(colleague, people["heroma"], satisfaction=3 + i % 2,
                                   recommend=5 + i)
        with app.app_context():
            db.session.add(NetworkMembership(network_id=network_id(app, slug),
                                             user_id=colleague, status="active"))
            db.session.commit()
    response = client.get(f"/networks/{slug}/overview.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    summary = next(row for row in rows if row and row[0] == "Heroma" and len(row) == 12)
    # Six experiences: 4 + 3 + 4 + 3 + 4 + 3 = 21 → 3,50; NPS: 9,9 promoters, 5,6 detractors;
    # then how many answered 5, 4, 3, 2 and 1.
    assert summary[1:] == ["6", "6", "3,50", "6", "0,00", "6", "0", "3", "3", "0", "0"]
    workbook = load_workbook(io.BytesIO(client.get(f"/networks/{slug}/overview.xlsx").data))
    sheet = workbook["Per system"]
    values = [cell.value for cell in sheet[3]]
    assert values == ["Heroma", 6, 6, 3.5, 6, 0.0, 6, 0, 3, 3, 0, 0]
    organisations = [row for row in workbook["Organisationer"].iter_rows(min_row=3,
                                                                         values_only=True)]
    # The last column: when the contract ends (kb.procurement; none given here).
    assert ("Malmö stad", "Anna Andersson", "Heroma", 4, 9, None, None) in organisations


def test_the_account_export_holds_networks_questions_and_shared_experiences(
        app, client, auth, people, factory):
    import json

    auth.login("anna@malmo.se")
    slug = start_network(client)
    factory.network_experience(people["anna"], people["heroma"],
                               networks=[network_id(app, slug)], title="Bara för nätverket")
    post(client, f"/networks/{slug}/questions/new",
         {"title": "Hur gör ni med semesterskulden?"}, page=f"/networks/{slug}/questions/new")
    data = json.loads(client.get("/account/export.json").data)
    assert data["networks"] == [{"network": "Lönechefsnätverket Skåne", "role": "leader",
                                 "status": "active", "joined_at": data["networks"][0][
                                     "joined_at"]}]
    assert [q["title"] for q in data["network_questions_and_answers"]] == [
        "Hur gör ni med semesterskulden?"]
    assert data["experiences"][0]["shared_with_networks"] == ["Lönechefsnätverket Skåne"]

"""A name is one line: a display name or an organisation name with a line break, a tab
or another control character is refused with one Swedish message, at registration and
on the account page – and so are a proposed system's name and an experience's title."""

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience, PayrollSystem, User
from kb.web.forms import SINGLE_LINE
from tests.support.pages import csrf_token, full_form, post_form, register

FORGED = "Klicka här: https://ond.example/logga-in"


@pytest.mark.parametrize("name", [f"Karin\n{FORGED}", "Karin\r\nBcc: x@example.se",
                                  "Karin\x1b[31m", "Karin\u2028Lönechef", "Karin\tLönechef",
                                  "Karin \u202eFEHCENÖL"])
def test_a_display_name_with_a_line_break_is_refused_at_registration(app, client, name):
    response = register(client, display_name=name)
    assert response.status_code == 422
    assert SINGLE_LINE in response.text
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None


def test_an_organisation_name_with_one_is_refused_too(app, client):
    response = register(client, organisation_name="Exempelby\nkommun")
    assert response.status_code == 422
    assert SINGLE_LINE in response.text


def test_an_ordinary_name_with_emoji_and_hyphens_is_kept(app, client):
    response = register(client, display_name="Anna-Karin Åberg 👩\u200d💼")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.display_name)) == "Anna-Karin Åberg 👩\u200d💼"


def test_the_account_page_refuses_it_and_keeps_the_old_name(app, client, auth, factory):
    factory.user(email="lena@region.se", display_name="Lena L")
    auth.login("lena@region.se")
    page = client.get("/account")
    response = client.post("/account/profile", data={
        "profile-display_name": f"Lena\n{FORGED}", "profile-professional_role": "hr",
        "profile-organisation_name": "Region\rExempel", "profile-sector": "region",
        "profile-size_band": "5000+", "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert response.text.count(SINGLE_LINE) >= 2
    with app.app_context():
        assert db.session.scalar(select(User.display_name)) == "Lena L"


def test_a_proposed_system_name_and_an_experience_title_are_single_lines(app, client, auth,
                                                                         factory):
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email="member@kb.se")
    auth.login("member@kb.se")
    response = post_form(client, "/experiences/propose-system",
                         {"name": "Heroma\nLön", "vendor": "CGI\x1b"})
    assert response.status_code == 422 and response.text.count(SINGLE_LINE) >= 2
    with app.app_context():
        assert db.session.scalar(select(PayrollSystem.id).where(
            PayrollSystem.status == "pending")) is None
    response = post_form(client, "/experiences/new", {
        **full_form(heroma, heroma, heroma), "switched_from_id": "", "switch_reason": "",
        "considering_switch_to_id": "", "title": "Stabil lönekörning\nKlicka här"})
    assert response.status_code == 422 and SINGLE_LINE in response.text
    with app.app_context():
        assert db.session.scalar(select(Experience.id)) is None

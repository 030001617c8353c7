"""A member's own data: change it, take it out, or leave."""

import json

from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience, User
from tests.support.apps import PASSWORD
from tests.support.pages import csrf_token, link_in, main_content, outbox


def _post(client, which, data):
    page = client.get("/account")
    return client.post(f"/account/{which}", data={**data, "csrf_token": csrf_token(page)})


def test_account_page_lists_own_experiences(client, factory, auth):
    member = factory.user(email="lena@region.se")
    factory.experience(member, factory.system(name="Heroma"), title="Vår resa med Heroma")
    auth.login("lena@region.se")
    page = client.get("/account")
    assert "Vår resa med Heroma" in page.text
    assert client.get("/account").status_code == 200


def test_change_profile_email_and_password(client, app, factory, auth):
    factory.user(email="lena@region.se")
    factory.user(email="upptagen@region.se")
    auth.login("lena@region.se")
    response = _post(client, "profile", {
        "profile-display_name": "Lena L", "profile-professional_role": "hr",
        "profile-organisation_name": "Region Exempel", "profile-sector": "region",
        "profile-size_band": "5000+"})
    assert response.status_code == 302

    # An address that has an account answers like any other (the form tells nobody who
    # is a member); its owner hears of the attempt, and it never becomes Lena's.
    taken = _post(client, "email", {"email-email": "UPPTAGEN@region.se",
                                    "email-current_password": PASSWORD})
    assert taken.status_code == 302
    assert "Vi har skickat en länk till upptagen@region.se" in client.get("/account").text
    [warning] = outbox(app, recipient="upptagen@region.se")
    assert "/auth/email/" not in warning.text
    wrong = _post(client, "email", {"email-email": "ny@region.se",
                                    "email-current_password": "fel"})
    assert "Lösenordet stämmer inte." in wrong.text
    assert 'value="ny@region.se"' in wrong.text
    assert _post(client, "email", {"email-email": "Ny@Region.se",
                                   "email-current_password": PASSWORD}).status_code == 302
    # The old address holds until the new one is confirmed through the link sent to it.
    assert "lena@region.se" in client.get("/account").text
    [change] = outbox(app, recipient="ny@region.se")
    link = link_in(change.text, "/auth/email/")
    confirmed = client.post(link, data={"csrf_token": csrf_token(client.get(link))})
    assert confirmed.status_code == 302
    assert client.post(link, data={"csrf_token": csrf_token(client.get("/account"))}
                       ).status_code == 400  # used once

    short = _post(client, "password", {"password-current_password": PASSWORD,
                                       "password-password": "kort",
                                       "password-password_again": "kort"})
    assert "Lösenordet måste ha minst 10 tecken." in short.text
    assert _post(client, "password", {"password-current_password": PASSWORD,
                                      "password-password": "ett-nytt-lösenord",
                                      "password-password_again": "ett-nytt-lösenord"}
                 ).status_code == 302
    auth.logout()
    assert auth.login("ny@region.se", "ett-nytt-lösenord").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ny@region.se"))
        assert (user.display_name, user.organisation.sector) == ("Lena L", "region")


def test_export_holds_everything_about_me_and_nothing_of_others(client, factory, auth):
    me = factory.user(email="lena@region.se")
    other = factory.user(email="other@region.se")
    system = factory.system(name="Heroma")
    factory.experience(me, system, title="Min erfarenhet", cons="Semesterskulden")
    factory.experience(other, system, title="Någon annans erfarenhet")
    auth.login("lena@region.se")
    response = client.get("/account/export.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["account"]["email"] == "lena@region.se"
    assert [e["title"] for e in data["experiences"]] == ["Min erfarenhet"]
    assert data["experiences"][0]["system"] == "Heroma"
    assert "other@region.se" not in response.text
    assert "password" not in response.text


def test_leaving_keeps_experiences_anonymised(client, app, factory, auth):
    me = factory.user(email="lena@region.se", display_name="Lena Lönechef")
    experience_id = factory.experience(me, factory.system(), title="Kunskapen stannar")
    auth.login("lena@region.se")
    wrong = _post(client, "delete", {"delete-experiences": "keep",
                                     "delete-current_password": "fel"})
    assert wrong.status_code == 422
    response = _post(client, "delete", {"delete-experiences": "keep",
                                        "delete-current_password": PASSWORD})
    assert response.status_code == 302
    page = client.get(f"/experiences/{experience_id}")
    assert "Kunskapen stannar" in page.text
    assert "Lena Lönechef" not in main_content(page)
    assert auth.login("lena@region.se").status_code == 422
    with app.app_context():
        experience = db.session.get(Experience, experience_id)
        assert experience.author_id is None and experience.anonymous is True


def test_leaving_can_delete_the_experiences(client, app, factory, auth):
    me = factory.user(email="lena@region.se")
    experience_id = factory.experience(me, factory.system())
    auth.login("lena@region.se")
    _post(client, "delete", {"delete-experiences": "delete", "delete-current_password": PASSWORD})
    assert client.get(f"/experiences/{experience_id}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(User)) is None

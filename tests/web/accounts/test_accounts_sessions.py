"""Sessions that end: logout, a password change or reset, deactivation and "Logga ut
överallt" end every earlier session of the member, remember-me cookies included; and a
login costs one password hash whether or not the account exists."""

import pytest

from kb.accounts import members as accounts
from kb.models import members
from tests.support.apps import PASSWORD
from tests.support.pages import Auth, csrf_token, link_in, outbox

NEW_PASSWORD = "ett-helt-nytt-lösenord"


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, name: str, value: str):
    """A fresh browser that sends only this one saved cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def _opens_account(client) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def lena(factory):
    return factory.user(email="lena@region.se")


def test_a_session_cookie_saved_before_logout_gets_the_login_page(app, client, auth, lena):
    auth.login("lena@region.se")
    saved = _session_cookie(client)
    assert _opens_account(_replay(app, "session", saved))
    auth.logout()
    assert not _opens_account(_replay(app, "session", saved))
    assert not _opens_account(client)


def test_logout_ends_the_sessions_on_other_devices_too(app, auth, lena):
    laptop, phone = app.test_client(), app.test_client()
    Auth(laptop).login("lena@region.se")
    Auth(phone).login("lena@region.se")
    Auth(laptop).logout()
    assert not _opens_account(phone)


def test_a_password_change_ends_every_other_session(app, client, auth, lena):
    auth.login("lena@region.se")
    saved = _session_cookie(client)
    phone = app.test_client()
    Auth(phone).login("lena@region.se")
    page = client.get("/account")
    changed = client.post("/account/password", data={
        "csrf_token": csrf_token(page), "password-current_password": PASSWORD,
        "password-password": NEW_PASSWORD, "password-password_again": NEW_PASSWORD})
    assert changed.status_code == 302
    assert _opens_account(client)  # the browser that changed it stays logged in
    assert not _opens_account(phone)
    assert not _opens_account(_replay(app, "session", saved))


def test_a_password_reset_ends_every_session(app, client, lena):
    phone = app.test_client()
    Auth(phone).login("lena@region.se")
    page = client.get("/auth/forgot")
    client.post("/auth/forgot", data={"csrf_token": csrf_token(page), "email": "lena@region.se"})
    link = link_in(outbox(app, kind="reset")[0].text, "/auth/reset/")
    form = client.get(link)
    done = client.post(link, data={"csrf_token": csrf_token(form), "password": NEW_PASSWORD,
                                   "password_again": NEW_PASSWORD})
    assert done.status_code == 302
    assert not _opens_account(phone)


def test_deactivation_ends_the_members_sessions(app, client, auth, factory, lena):
    phone = app.test_client()
    Auth(phone).login("lena@region.se")
    factory.user(email="admin@kb.se", site_role="admin")
    auth.login("admin@kb.se")
    page = client.get("/admin/users")
    response = client.post(f"/admin/users/{lena}/deactivate",
                           data={"csrf_token": csrf_token(page), "reason": "Missbruk"})
    assert response.status_code == 302
    assert not _opens_account(phone)


def test_logging_out_everywhere_keeps_this_browser(app, client, auth, lena):
    auth.login("lena@region.se")
    phone = app.test_client()
    Auth(phone).login("lena@region.se")
    page = client.get("/account")
    assert "Logga ut överallt" in page.text
    response = client.post("/account/sessions", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "Du är utloggad på alla andra enheter" in client.get("/account").text
    assert not _opens_account(phone)


def test_the_remember_me_cookie_dies_at_logout(app, client, lena):
    page = client.get("/auth/login")
    client.post("/auth/login", data={"email": "lena@region.se", "password": PASSWORD,
                                     "remember": "y", "csrf_token": csrf_token(page)})
    remembered = client.get_cookie("remember_token").value
    # A browser that kept only the remember-me cookie is logged in again by it ...
    assert _opens_account(_replay(app, "remember_token", remembered))
    Auth(client).logout()
    # ... until the member logs out anywhere.
    assert not _opens_account(_replay(app, "remember_token", remembered))


def test_a_cookie_from_before_session_tokens_loads_nobody(app, lena):
    with app.app_context():
        assert accounts.load_session(str(lena)) is None
        assert accounts.load_session(f"{lena}:not-the-token") is None


def test_a_login_costs_one_password_hash_whether_or_not_the_account_exists(
        client, factory, monkeypatch, lena):
    factory.user(email="borta@region.se", active=False)
    hashes = []

    def counting(original):
        def check(hashed, password):
            hashes.append(hashed)
            return original(hashed, password)
        return check

    monkeypatch.setattr(accounts, "check_password_hash", counting(accounts.check_password_hash))
    monkeypatch.setattr(members, "check_password_hash", counting(members.check_password_hash))
    for email in ("lena@region.se", "finns-inte@region.se", "borta@region.se"):
        hashes.clear()
        page = client.get("/auth/login")
        response = client.post("/auth/login", data={
            "email": email, "password": "fel-lösenord", "csrf_token": csrf_token(page)})
        assert response.status_code == 422
        assert "Fel e-postadress eller lösenord." in response.text
        assert len(hashes) == 1, email

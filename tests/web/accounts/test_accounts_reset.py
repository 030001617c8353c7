""""Glömt lösenordet?": a link by mail (signed, one hour, single use, void after any
password change); the answer never tells whether the address has an account; requests
are throttled per address and per client."""

from datetime import timedelta

from itsdangerous import TimestampSigner

from kb.extensions import db
from kb.models import User
from tests.support.apps import PASSWORD
from tests.support.pages import (
    Auth,
    csrf_token,
    link_in,
    main_content,
    outbox,
    register,
    without_csrf_tokens,
)

NEW_PASSWORD = "ett-helt-nytt-lösenord"


def ask_for_reset(client, email):
    page = client.get("/auth/forgot")
    return client.post("/auth/forgot", data={"csrf_token": csrf_token(page), "email": email})


def choose(client, link, password=NEW_PASSWORD, again=None):
    form = client.get(link)
    return client.post(link, data={"csrf_token": csrf_token(form), "password": password,
                                   "password_again": again or password})


def reset_link(app, email="lena@region.se") -> str:
    mails = outbox(app, recipient=email, kind="reset")
    return link_in(mails[-1].text, "/auth/reset/")


def test_the_login_page_offers_a_new_password(client):
    page = client.get("/auth/login")
    assert 'href="/auth/forgot"' in page.text and "Glömt lösenordet?" in page.text


def test_the_answer_is_the_same_for_an_unknown_address(client, app, factory):
    factory.user(email="lena@region.se")
    known = ask_for_reset(client, "lena@region.se")
    known_page = main_content(client.get(known.headers["Location"]))
    unknown = ask_for_reset(client, "okand@region.se")
    unknown_page = main_content(client.get(unknown.headers["Location"]))
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert (without_csrf_tokens(unknown_page).replace("okand@region.se", "lena@region.se")
            == without_csrf_tokens(known_page))
    assert [m.recipient for m in outbox(app)] == ["lena@region.se"]


def test_the_link_sets_a_new_password_once(client, app, factory, auth):
    factory.user(email="lena@region.se")
    ask_for_reset(client, "lena@region.se")
    [mail] = outbox(app, kind="reset")
    assert "60 minuter" in mail.text and "https://kb.example.se/auth/reset/" in mail.text
    link = reset_link(app)
    mismatch = choose(client, link, again="något annat lösenord")
    assert mismatch.status_code == 422
    assert "Lösenorden är inte likadana." in mismatch.text
    weak = choose(client, link, password="1234567890")
    assert "Lösenordet är för lätt att gissa." in weak.text
    done = choose(client, link)
    assert done.status_code == 302
    assert auth.login("lena@region.se", PASSWORD).status_code == 422  # the old one fails
    assert client.get(link).status_code == 400  # the link is used up
    again = client.post(link, data={"csrf_token": csrf_token(client.get("/auth/forgot")),
                                    "password": "ännu-ett-nytt-lösenord",
                                    "password_again": "ännu-ett-nytt-lösenord"})
    assert again.status_code == 400
    assert auth.login("lena@region.se", NEW_PASSWORD).status_code == 302


def test_any_password_change_voids_a_waiting_link(client, app, factory, auth):
    factory.user(email="lena@region.se")
    ask_for_reset(client, "lena@region.se")
    link = reset_link(app)
    auth.login("lena@region.se")
    page = client.get("/account")
    client.post("/account/password", data={
        "csrf_token": csrf_token(page), "password-current_password": PASSWORD,
        "password-password": NEW_PASSWORD, "password-password_again": NEW_PASSWORD})
    auth.logout()
    assert client.get(link).status_code == 400


def test_the_link_expires_after_an_hour(client, app, factory, monkeypatch):
    factory.user(email="lena@region.se")
    ask_for_reset(client, "lena@region.se")
    link = reset_link(app)
    assert client.get(link).status_code == 200
    later = TimestampSigner.get_timestamp(None) + int(timedelta(minutes=61).total_seconds())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    assert client.get(link).status_code == 400


def test_a_deactivated_member_gets_no_link(client, app, factory):
    factory.user(email="borta@region.se", active=False)
    assert ask_for_reset(client, "borta@region.se").status_code == 302
    assert outbox(app) == []


def test_a_reset_by_mail_confirms_an_unconfirmed_address(client, app):
    register(client)
    ask_for_reset(client, "karin@kommun.se")
    choose(client, reset_link(app, "karin@kommun.se"))
    with app.app_context():
        user = db.session.query(User).one()
        assert user.email_confirmed_at is not None


def test_resets_are_throttled_per_address(app_with, factory):
    app = app_with(RATELIMIT_ENABLED=True, RESET_LIMIT_PER_ACCOUNT="2 per hour",
                   RESET_LIMIT_PER_ADDRESS="100 per hour")
    factory.user(email="lena@region.se")
    client = app.test_client()
    statuses = [ask_for_reset(client, "LENA@region.se").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert "För många försök" in ask_for_reset(client, "lena@region.se").text
    assert len(outbox(app, kind="reset")) == 2
    # Another address is not held up by this one ...
    assert ask_for_reset(client, "annan@region.se").status_code == 302
    # ... and throttling an unknown address looks the same as a known one.
    assert [ask_for_reset(client, "okand@region.se").status_code
            for _ in range(3)] == [302, 302, 429]


def test_resets_are_throttled_per_client(app_with):
    app = app_with(RATELIMIT_ENABLED=True, RESET_LIMIT_PER_ACCOUNT="100 per hour",
                   RESET_LIMIT_PER_ADDRESS="3 per hour")
    client = app.test_client()
    assert [ask_for_reset(client, f"medlem{n}@region.se").status_code
            for n in range(4)] == [302, 302, 302, 429]


def test_registration_is_throttled_per_address_and_per_client(app_with):
    app = app_with(RATELIMIT_ENABLED=True, REGISTER_LIMIT_PER_ACCOUNT="1 per hour",
                   REGISTER_LIMIT_PER_ADDRESS="100 per hour")
    client = app.test_client()
    assert register(client, email="karin@kommun.se").status_code == 302
    assert register(client, email="KARIN@kommun.se").status_code == 429
    per_client = app_with(RATELIMIT_ENABLED=True, REGISTER_LIMIT_PER_ACCOUNT="100 per hour",
                          REGISTER_LIMIT_PER_ADDRESS="2 per hour").test_client()
    assert [register(per_client, email=f"ny{n}@kommun.se").status_code
            for n in range(3)] == [302, 302, 429]


def test_after_a_reset_the_member_logs_in_with_the_new_password(client, app, factory):
    factory.user(email="lena@region.se")
    ask_for_reset(client, "lena@region.se")
    choose(client, reset_link(app))
    assert Auth(client).login("lena@region.se", NEW_PASSWORD).status_code == 302

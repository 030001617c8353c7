"""Accounts and mail from outside: kb served over real HTTP with its timed jobs on,
sending through a real SMTP server (aiosmtpd) on a loopback port. On SQLite, or on
PostgreSQL when KB_TEST_DATABASE_URL is set."""

from __future__ import annotations

import re
import socket

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import Comment, OutboxMail, User
from tests.support.apps import PASSWORD, close, make_app
from tests.support.http import HttpClient
from tests.support.pages import outbox
from tests.support.servers import LiveKb, free_port, wait_for
from tests.support.smtp import SmtpServer, link_path, text_of

REQUEST_TIMEOUT = 10
NEW_PASSWORD = "ett-helt-nytt-lösenord"
PROFILE = {"display_name": "Karin Lönechef", "professional_role": "lonechef",
           "organisation_name": "Exempelby kommun", "sector": "kommun",
           "size_band": "1000-4999", "accept_terms": "y"}


def _serve(database_url, tmp_path, smtp_port: int, **settings) -> LiveKb:
    port = free_port()
    config = {"BACKGROUND_JOBS": True, "BASE_URL": f"http://127.0.0.1:{port}",
              "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port,
              "MAIL_FROM": "kb <kb@example.se>", "MAIL_TIMEOUT": 5, "MAIL_SEND_SECONDS": 0.5,
              "MAIL_RETRY_SECONDS": 0.3, "MAIL_RETRY_MAX_SECONDS": 1.0}
    app = make_app(database_url, tmp_path, **{**config, **settings})
    return LiveKb(app, port).start()


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def live(database_url, tmp_path, smtp, app):
    # `app` first: the test's database is migrated and emptied by its fixture.
    kb = _serve(database_url, tmp_path / "live", smtp.port)
    yield kb
    kb.stop()
    close(kb.app)


def _browser(url: str) -> HttpClient:
    return HttpClient(url, timeout=REQUEST_TIMEOUT)


def _register(browser: HttpClient, email: str, **overrides):
    return browser.post_form("/auth/register", {
        **PROFILE, "email": email, "password": PASSWORD, "password_again": PASSWORD,
        **overrides})


def test_a_new_member_is_confirmed_through_the_mailed_link(live, smtp):
    browser = _browser(live.url)
    status, _page, headers = _register(browser, "karin@kommun.se")
    assert status == 302
    [mail] = smtp.wait_for_mail("karin@kommun.se")
    assert mail["Subject"] == "Bekräfta din e-postadress på kb"
    assert mail["From"] == "kb <kb@example.se>"
    assert mail.get_body(("html",)) is not None
    link = link_path(mail, "/auth/confirm/")
    status, page, _headers = browser.request(link)
    assert status == 200 and "Bekräfta e-postadressen" in page
    status, _page, headers = browser.post_form(link, {})
    assert status == 302
    with live.app.app_context():
        user = db.session.scalar(select(User))
        assert user.email_confirmed_at is not None


def test_a_reset_link_sets_a_new_password_once(live, smtp, factory):
    factory.user(email="lena@region.se")
    browser = _browser(live.url)
    status, _page, _headers = browser.post_form("/auth/forgot", {"email": "lena@region.se"})
    assert status == 302
    link = link_path(smtp.wait_for_mail("lena@region.se")[0], "/auth/reset/")
    status, _page, _headers = browser.post_form(
        link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert status == 302
    assert _browser(live.url).login("lena@region.se", PASSWORD) == 422
    assert _browser(live.url).login("lena@region.se", NEW_PASSWORD) == 302
    assert browser.request(link)[0] == 400


def test_an_old_session_cookie_fails_after_logout_and_after_a_password_change(live, factory):
    factory.user(email="lena@region.se")
    browser = _browser(live.url)
    assert browser.login("lena@region.se", PASSWORD) == 302
    before_logout = browser.cookie("session")
    assert browser.with_cookie("session", before_logout).opens_account()
    assert browser.logout() == 302
    assert not browser.with_cookie("session", before_logout).opens_account()

    assert browser.login("lena@region.se", PASSWORD) == 302
    before_change = browser.cookie("session")
    status, _page, _headers = browser.post_form("/account/password", {
        "password-current_password": PASSWORD, "password-password": NEW_PASSWORD,
        "password-password_again": NEW_PASSWORD}, form_page="/account")
    assert status == 302
    assert browser.opens_account()
    assert not browser.with_cookie("session", before_change).opens_account()


def test_registering_an_existing_address_looks_the_same_as_a_new_one(live, smtp, factory):
    factory.user(email="lena@region.se", display_name="Lena Lönechef")
    new, taken = _browser(live.url), _browser(live.url)
    new_status, _page, new_headers = _register(new, "karin@kommun.se")
    taken_status, _page, taken_headers = _register(taken, "lena@region.se")
    assert (new_status, new_headers["Location"]) == (taken_status, taken_headers["Location"])
    new_page = new.request(new_headers["Location"])[1]
    taken_page = taken.request(taken_headers["Location"])[1]
    # Each browser has its own form tokens; everything else is the same.
    main = [re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "token",
                   page.split('id="innehall"', 1)[1]) for page in (new_page, taken_page)]
    assert main[1].replace("lena@region.se", "karin@kommun.se") == main[0]
    assert not taken.opens_account()
    [warning] = smtp.wait_for_mail("lena@region.se")
    assert "försökte just skapa ett nytt konto" in text_of(warning)


def test_an_answer_arrives_by_mail_and_its_unsubscribe_link_works(live, smtp, factory, app):
    karin = factory.user(email="karin@region.se", display_name="Karin Karlsson")
    erik = factory.user(email="erik@kommun.se", display_name="Erik Eriksson")
    experience = factory.experience(karin, factory.system(name="Heroma"),
                                    title="Heroma i en stor region", anonymous=False)
    with app.app_context():
        question = Comment(experience_id=experience, author_id=erik,
                           body="Hur lång tid tog semesteromställningen?")
        db.session.add(question)
        db.session.commit()
        question_id = question.id
    browser = _browser(live.url)
    assert browser.login("karin@region.se", PASSWORD) == 302

    def answer(text: str) -> int:
        return browser.post_form(f"/experiences/{experience}/comments",
                                 {"body": text, "parent_id": str(question_id)},
                                 form_page=f"/experiences/{experience}")[0]

    assert answer("Ungefär ett halvår.") == 302
    [mail] = smtp.wait_for_mail("erik@kommun.se")
    assert "Ungefär ett halvår." in text_of(mail)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(mail["List-Unsubscribe"]).strip().strip("<>").removeprefix(live.url)
    assert unsubscribe == link_path(mail, "/account/unsubscribe/")
    # What a mail program does (RFC 8058): a POST without cookies or a form token.
    status, _page, _headers = _browser(live.url).request(
        unsubscribe, "List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200
    assert answer("Och ett halvår till med avstämningen.") == 302
    assert len(outbox(app, recipient="erik@kommun.se")) == 1  # nothing more queued


def test_a_stopped_mail_server_fails_no_request_and_the_mail_goes_out_when_it_is_back(
        database_url, tmp_path, app):
    port = free_port()  # nothing listens here yet
    kb = _serve(database_url, tmp_path / "live", port)
    server = SmtpServer(port)
    try:
        browser = _browser(kb.url)
        status, _page, _headers = _register(browser, "karin@kommun.se")
        assert status == 302
        assert browser.login("karin@kommun.se", PASSWORD) == 302
        # Tried, refused, and waiting for its next attempt (not failed, not lost).
        assert wait_for(lambda: [m for m in outbox(app)
                                 if m.attempts >= 2 and m.status == "waiting"])
        with app.app_context():
            assert "Connection" in db.session.scalar(select(OutboxMail.last_error))
        server.start()
        [mail] = server.wait_for_mail("karin@kommun.se")
        assert mail["Subject"] == "Bekräfta din e-postadress på kb"
        assert wait_for(lambda: [m.status for m in outbox(app)] == ["sent"])
        assert len(server.to("karin@kommun.se")) == 1
    finally:
        kb.stop()
        server.stop()
        close(kb.app)


def test_a_mail_server_that_never_answers_holds_up_no_request(database_url, tmp_path, app):
    # It accepts connections and says nothing: the sender waits for MAIL_TIMEOUT (longer
    # than the browser waits for a page), and the pages answer all the same.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    kb = _serve(database_url, tmp_path / "live", silent.getsockname()[1],
                MAIL_TIMEOUT=REQUEST_TIMEOUT + 5)
    try:
        browser = _browser(kb.url)
        assert _register(browser, "karin@kommun.se")[0] == 302
        assert wait_for(lambda: [m.status for m in outbox(app)] == ["sending"])
        assert browser.login("karin@kommun.se", PASSWORD) == 302
        assert browser.post_form("/auth/forgot", {"email": "karin@kommun.se"})[0] == 302
        assert browser.opens_account()
    finally:
        silent.close()  # the waiting sender gets its answer: the connection is gone
        wait_for(lambda: "sending" not in {m.status for m in outbox(app)}, seconds=30)
        kb.stop()
        close(kb.app)

"""Registration that flows: the confirmation button logs the new member in, in the browser
that registered (and only there, only for the account that registration made, only for
a few hours); elsewhere the login form has the address filled in. A person invited to a
network by e-mail registers on a page that names the network and the inviter, with the
invited address, and ends logged in on the network's page. Every password and e-mail
field says what browsers should fill in."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from kb.accounts.members import REGISTERED_HERE_HOURS
from kb.extensions import db
from kb.models import Network, NetworkMembership, User
from kb.networks import invitations
from tests.support.apps import PASSWORD
from tests.support.pages import csrf_token, link_in, outbox, register

INVITE_PATH = "/networks/skane/members/invite/"


def _confirmation_link(app, email="karin@kommun.se") -> str:
    mails = outbox(app, recipient=email, kind="confirm")
    return link_in(mails[-1].text, "/auth/confirm/")


def _press(client, link):
    return client.post(link, data={"csrf_token": csrf_token(client.get(link))})


def _logged_in_as(client) -> str | None:
    """The name the page header shows for the logged-in member, or None."""
    found = re.search(r'<li class="nav-user"><a [^>]*>([^<]+)</a>', client.get("/").text)
    return html.unescape(found.group(1)) if found else None


def _email_value(page) -> str | None:
    found = re.search(r'<input[^>]*name="email"[^>]*>', page.text)
    value = re.search(r'value="([^"]*)"', found.group(0)) if found else None
    return html.unescape(value.group(1)) if value else None


def test_confirming_in_the_browser_that_registered_logs_the_member_in(client, app):
    assert register(client).status_code == 302
    assert _email_value(client.get("/auth/login")) == "karin@kommun.se"  # filled in meanwhile
    assert _logged_in_as(client) is None
    confirmed = _press(client, _confirmation_link(app))
    assert confirmed.status_code == 302 and confirmed.location == "/"
    landed = client.get("/")
    assert "Din e-postadress är bekräftad" in landed.text
    assert _logged_in_as(client) == "Karin Lönechef"


def test_confirming_in_another_browser_fills_in_the_login_form_instead(client, app):
    register(client)
    phone = app.test_client()
    confirmed = _press(phone, _confirmation_link(app))
    assert confirmed.status_code == 302 and confirmed.location.startswith("/auth/login")
    assert _logged_in_as(phone) is None
    assert _email_value(phone.get("/auth/login")) == "karin@kommun.se"


def test_the_marker_lasts_a_few_hours_only(client, app):
    register(client)
    with client.session_transaction() as session:
        session["registered_at"] -= REGISTERED_HERE_HOURS * 3600 + 60
    _press(client, _confirmation_link(app))
    assert _logged_in_as(client) is None
    assert _email_value(client.get("/auth/login")) == "karin@kommun.se"


def test_registering_someone_elses_address_logs_nobody_into_their_account(client, app):
    """Karin registered (not yet confirmed); Mallory registers Karin's address in his own
    browser and gets hold of Karin's confirmation link. His browser's marker is of the
    same look as a real one but matches no account: pressing the button there confirms
    Karin's address, and logs nobody in."""
    register(client)
    mallory = app.test_client()
    other = "Mallorys eget hemliga lösenord 2031"
    assert register(mallory, display_name="Mallory", password=other,
                    password_again=other).status_code == 302
    with client.session_transaction() as karins, mallory.session_transaction() as his:
        assert set(karins) == set(his)  # the cookie tells nobody which it was
    _press(mallory, _confirmation_link(app))
    assert _logged_in_as(mallory) is None
    # Karin's address got a second confirmation link (her account was not confirmed
    # yet), and only her address: Mallory's registration made no account.
    assert len(outbox(app, kind="confirm", recipient="karin@kommun.se")) == 2
    with app.app_context():
        assert db.session.scalar(select(User.display_name)) == "Karin Lönechef"


def test_a_password_changed_since_registering_ends_the_marker(client, app):
    register(client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "karin@kommun.se"))
        user.set_password("ett nytt och långt lösenord 42",
                          method=app.config["PASSWORD_HASH_METHOD"])
        db.session.commit()
    _press(client, _confirmation_link(app))
    assert _logged_in_as(client) is None


@pytest.fixture
def invited(app, factory):
    """Anna leads Lönechefsnätverket Skåne and invited dora@boras.se by mail; the link."""
    anna = factory.member("anna@malmo.se", "Anna Leder", "Malmö stad")
    network_id = factory.network(slug="skane", name="Lönechefsnätverket Skåne",
                                 kind="lonechef", access="invite", members={anna: "leader"})
    with app.app_context():
        invitations.invite_by_email(db.session.get(Network, network_id),
                                    db.session.get(User, anna), "Dora Svensson <dora@boras.se>")
    [mail] = outbox(app, kind=invitations.INVITATION_MAIL)
    return {"network": network_id, "link": link_in(mail.text, INVITE_PATH)}


def _member(app, network_id, email) -> bool:
    with app.app_context():
        return db.session.scalar(
            select(NetworkMembership.status).join(User, User.id == NetworkMembership.user_id)
            .where(NetworkMembership.network_id == network_id, User.email == email)) == "active"


def _register_invited(client, page_url, **overrides):
    page = client.get(page_url)
    data = {"display_name": "Dora Svensson", "email": "dora@boras.se", "password": PASSWORD,
            "password_again": PASSWORD, "professional_role": "lonechef",
            "organisation_name": "Borås stad", "sector": "kommun", "size_band": "1000-4999",
            "accept_terms": "y", "csrf_token": csrf_token(page)}
    data.update(overrides)
    return client.post(page_url, data=data)


def test_a_newcomer_invited_by_mail_ends_a_logged_in_member_on_the_network_page(
        client, app, invited):
    landing = client.get(invited["link"])
    assert landing.status_code == 302 and "/auth/register?invitation=" in landing.location
    page = client.get(landing.location)
    text = html.unescape(page.text)
    assert "Anna Leder har bjudit in dig till Lönechefsnätverket Skåne" in text
    assert _email_value(page) == "dora@boras.se"
    assert re.search(r'<input[^>]*name="email"[^>]*readonly', page.text)
    # The address is the invited one, whatever is sent instead.
    registered = _register_invited(client, landing.location, email="annan@example.se")
    assert registered.status_code == 302 and registered.location == "/auth/registered"
    told = html.unescape(client.get("/auth/registered").text)
    assert "dora@boras.se" in told and "Då är du medlem i Lönechefsnätverket Skåne" in told
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "annan@example.se")) is None
    assert not _member(app, invited["network"], "dora@boras.se")  # not before confirming

    confirm = _confirmation_link(app, "dora@boras.se")
    assert "Lönechefsnätverket Skåne" in html.unescape(client.get(confirm).text)
    confirmed = _press(client, confirm)
    assert confirmed.status_code == 302 and confirmed.location == "/networks/skane"
    network_page = client.get("/networks/skane")
    assert "Välkommen till Lönechefsnätverket Skåne" in html.unescape(network_page.text)
    assert _logged_in_as(client) == "Dora Svensson"
    assert _member(app, invited["network"], "dora@boras.se")
    assert client.get(invited["link"]).status_code == 404  # used


def test_a_newcomer_confirming_on_another_device_is_a_member_and_logs_in_there(
        client, app, invited):
    _register_invited(client, f"/auth/register?invitation={invited['link'].rsplit('/', 1)[1]}")
    phone = app.test_client()
    confirmed = _press(phone, _confirmation_link(app, "dora@boras.se"))
    assert confirmed.status_code == 302
    assert confirmed.location.startswith("/auth/login") and "networks" in confirmed.location
    assert _member(app, invited["network"], "dora@boras.se")
    login = phone.get(confirmed.location)
    assert _email_value(login) == "dora@boras.se"
    done = phone.post(confirmed.location, data={"email": "dora@boras.se", "password": PASSWORD,
                                                "csrf_token": csrf_token(login)})
    assert done.location == "/networks/skane"


def test_an_invited_member_with_an_account_logs_in_with_the_address_filled_in(
        client, app, factory, invited):
    factory.member("dora@boras.se", "Dora Svensson", "Borås stad")
    landing = client.get(invited["link"])
    assert "/auth/login?invitation=" in landing.location
    page = client.get(landing.location)
    assert "Anna Leder har bjudit in dig till Lönechefsnätverket Skåne" in \
        html.unescape(page.text)
    assert _email_value(page) == "dora@boras.se"
    joined = client.post(landing.location, data={"email": "dora@boras.se",
                                                 "password": PASSWORD,
                                                 "csrf_token": csrf_token(page)})
    assert joined.location == "/networks/skane"
    assert _member(app, invited["network"], "dora@boras.se")


def test_logging_in_through_an_invitation_with_another_account_says_why_not(
        client, app, factory, invited):
    factory.member("dora@boras.se", "Dora Svensson", "Borås stad")
    factory.member("cecilia@ystad.se", "Cecilia Ek", "Ystads kommun")
    landing = client.get(invited["link"]).location
    response = client.post(landing, data={"email": "cecilia@ystad.se", "password": PASSWORD,
                                          "csrf_token": csrf_token(client.get(landing))},
                           follow_redirects=True)
    assert "Inbjudan skickades till dora@boras.se" in html.unescape(response.text)
    assert not _member(app, invited["network"], "cecilia@ystad.se")
    assert not _member(app, invited["network"], "dora@boras.se")


def test_an_invitation_withdrawn_before_the_confirmation_joins_nobody(client, app, invited):
    _register_invited(client, f"/auth/register?invitation={invited['link'].rsplit('/', 1)[1]}")
    with app.app_context():
        from kb.models import NetworkInvite, utcnow

        db.session.scalar(select(NetworkInvite)).revoked_at = utcnow()
        db.session.commit()
    confirmed = _press(client, _confirmation_link(app, "dora@boras.se"))
    assert confirmed.location == "/"
    assert "Inbjudan gäller inte längre" in html.unescape(client.get("/").text)
    assert _logged_in_as(client) == "Dora Svensson"  # confirmed and logged in all the same
    assert not _member(app, invited["network"], "dora@boras.se")


# On type=email HTML allows "email", not "username" (the Nu HTML Checker refuses that).
ALLOWED = {"email": {"email"}, "password": {"new-password", "current-password"}}


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register", "/auth/forgot",
                                  "/account", "reset"])
def test_every_password_and_address_field_says_what_to_fill_in(client, app, auth, factory,
                                                               path):
    factory.member("karin@kommun.se", "Karin Lönechef", "Exempelby kommun")
    if path == "/account":
        auth.login("karin@kommun.se")
    if path == "reset":
        page = client.get("/auth/forgot")
        client.post("/auth/forgot", data={"email": "karin@kommun.se",
                                          "csrf_token": csrf_token(page)})
        path = link_in(outbox(app, recipient="karin@kommun.se")[-1].text, "/auth/reset/")
    text = client.get(path).text
    fields = re.findall(r'<input[^>]*type="(?:email|password)"[^>]*>', text)
    assert fields, path
    for field in fields:
        kind = re.search(r'type="(\w+)"', field).group(1)
        autocomplete = re.search(r'autocomplete="([^"]+)"', field)
        assert autocomplete and autocomplete.group(1) in ALLOWED[kind], field
    if path == "/auth/register":
        assert 'autocomplete="new-password"' in text and 'autocomplete="email"' in text
    if path == "/auth/login":
        assert 'autocomplete="current-password"' in text and 'autocomplete="email"' in text


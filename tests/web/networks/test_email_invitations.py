"""Invitations by e-mail: a leader pastes addresses as Outlook copies them, each new one
gets a mail from the outbox with a link of its own that works once, for that address;
the members page lists pending, accepted and expired invitations with "Skicka igen" and
"Återkalla"; junk comes back as typed; limits hold; only leaders of a network a
moderator has not closed invite."""

from __future__ import annotations

import html
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import AuditLog, Network, NetworkInvite, NetworkMembership, User, utcnow
from kb.networks import invitations
from tests.support.apps import PASSWORD
from tests.support.pages import Auth, csrf_token, link_in, main_content, outbox, post

MEMBERS = "/networks/skane/members"
INVITE_PATH = "/networks/skane/members/invite/"
GONE = "Inbjudningslänken gäller inte längre"


def _invite(client, pasted: str, follow: bool = True):
    return post(client, f"{MEMBERS}/invitations", {"addresses": pasted}, page=MEMBERS,
                follow_redirects=follow)


def _mails(app) -> list:
    return outbox(app, kind=invitations.INVITATION_MAIL)


def _link(app, email: str) -> str:
    mails = [m for m in _mails(app) if m.recipient == email]
    return link_in(mails[-1].text, INVITE_PATH)


def _invite_row(app, email: str) -> NetworkInvite:
    with app.app_context():
        return db.session.scalar(select(NetworkInvite).where(
            NetworkInvite.email == email, NetworkInvite.replaced_by_id.is_(None)))


def _active(app, network_id: int) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(
            select(User.email).join(NetworkMembership, NetworkMembership.user_id == User.id)
            .where(NetworkMembership.network_id == network_id,
                   NetworkMembership.status == "active")))


def _press(client, path: str):
    return client.post(path, data={"csrf_token": csrf_token(client.get(path))})


@pytest.fixture
def leader(client, auth, skane):
    auth.login("anna@malmo.se")
    return skane


def test_three_addresses_in_one_form_three_mails_each_link_works_once(app, client, auth,
                                                                       factory, leader):
    factory.member("erik@kungalv.se", "Erik Ek", "Kungälvs kommun")
    response = _invite(client, "Dora Svensson <dora@boras.se>; erik@kungalv.se\n"
                               "Frida Falk <frida@molndal.se>")
    assert response.status_code == 200
    assert "Inbjudan skickad till 3 adresser" in html.unescape(response.text)
    mails = _mails(app)
    assert sorted(m.recipient for m in mails) == ["dora@boras.se", "erik@kungalv.se",
                                                   "frida@molndal.se"]
    for mail in mails:
        assert mail.subject == ("Anna Andersson har bjudit in dig till Lönechefsnätverket "
                                "Skåne på kb")
        assert mail.status == "waiting"
        assert mail.recipient in mail.text
    assert "Hej Dora Svensson!" in [m for m in mails if m.recipient == "dora@boras.se"][0].text
    links = {m.recipient: link_in(m.text, INVITE_PATH) for m in mails}
    assert len(set(links.values())) == 3  # a link of its own for each

    page = main_content(client.get(MEMBERS))
    assert page.count("Väntar på svar") == 3 and "Dora Svensson" in page
    for link in links.values():  # each link stands as text to copy, without JavaScript
        assert f'value="http://localhost{link}"' in page or link in page

    # Erik has an account: he logs in and is in.
    auth.logout()
    landing = client.get(links["erik@kungalv.se"])
    assert landing.status_code == 302 and "/auth/login?invitation=" in landing.location
    joined = client.post(landing.location, data={
        "email": "erik@kungalv.se", "password": PASSWORD,
        "csrf_token": csrf_token(client.get(landing.location))})
    assert joined.status_code == 302 and joined.location.endswith("/networks/skane")
    assert "erik@kungalv.se" in _active(app, leader["network"])

    # The link worked once: used, it lets nobody in, not even Erik again.
    assert client.get(links["erik@kungalv.se"]).status_code == 404
    auth.logout()
    assert client.get(links["erik@kungalv.se"]).status_code == 404

    auth.login("anna@malmo.se")
    page = main_content(client.get(MEMBERS))
    assert page.count("Väntar på svar") == 2 and "Tackade ja" in page and "Erik Ek" in page


def test_junk_comes_back_as_typed_and_members_and_repeats_are_reported(app, client, leader):
    response = _invite(client, "bo@lund.se; ny@kommun.se\nNY@kommun.se; inte en adress; "
                               "eva@@molndal.se", follow=False)
    assert response.status_code == 200
    text = html.unescape(main_content(response))
    # The valid new address got its mail; the rest is said.
    assert [m.recipient for m in _mails(app)] == ["ny@kommun.se"]
    assert "Inbjudan skickad till 1 adress: ny@kommun.se" in text
    assert "Redan medlemmar: bo@lund.se" in text
    assert "Stod flera gånger i listan (en inbjudan var): ny@kommun.se" in text
    assert "2 rader kunde inte läsas som e-postadress" in text
    # What could not be read is left in the field, as typed, to correct.
    field = re.search(r'<textarea[^>]*name="addresses"[^>]*>(.*?)</textarea>', response.text,
                      re.S)
    assert html.unescape(field.group(1)).strip() == "inte en adress\neva@@molndal.se"
    # Sent again as it stands: the waiting invitation is not mailed twice.
    again = _invite(client, "ny@kommun.se")
    assert "Har redan en inbjudan som gäller" in html.unescape(again.text)
    assert len(_mails(app)) == 1


def test_at_most_fifty_addresses_a_form_and_a_daily_cap_a_network(app, client, leader,
                                                                    monkeypatch):
    many = "; ".join(f"kollega{n}@kommun.se" for n in range(51))
    refused = _invite(client, many, follow=False)
    assert refused.status_code == 422
    assert "Högst 50 adresser åt gången – du klistrade in 51" in html.unescape(refused.text)
    assert many in html.unescape(refused.text)  # kept as typed
    assert _mails(app) == []

    monkeypatch.setattr(invitations, "MAILS_PER_DAY", 3)
    assert _invite(client, "a@kommun.se; b@kommun.se").status_code == 200
    over = _invite(client, "c@kommun.se; d@kommun.se", follow=False)
    assert over.status_code == 422
    message = html.unescape(over.text)
    assert "högst 3 inbjudningar per dygn" in message and "återstår 1" in message
    assert len(_mails(app)) == 2
    assert _invite(client, "c@kommun.se").status_code == 200
    assert "just nu återstår 0" in html.unescape(client.get(MEMBERS).text)


def test_resend_mails_a_new_link_and_the_old_one_stops(app, client, auth, factory, leader):
    factory.member("dora@boras.se", "Dora Svensson", "Borås stad")
    _invite(client, "dora@boras.se")
    old = _link(app, "dora@boras.se")
    invite = _invite_row(app, "dora@boras.se")
    response = post(client, f"{MEMBERS}/invitations/{invite.id}/resend", page=MEMBERS,
                    follow_redirects=True)
    assert "En ny inbjudan är skickad till dora@boras.se" in response.text
    assert len(_mails(app)) == 2
    new = _link(app, "dora@boras.se")
    assert new != old
    page = main_content(client.get(MEMBERS))
    assert page.count("Väntar på svar") == 1  # the address's current invitation only

    auth.logout()
    auth.login("dora@boras.se")
    assert client.get(old).status_code == 404
    assert _press(client, old).status_code == 404
    assert "dora@boras.se" not in _active(app, leader["network"])
    assert _press(client, new).status_code == 302
    assert "dora@boras.se" in _active(app, leader["network"])


def test_a_withdrawn_invitation_lets_nobody_in(app, client, auth, factory, leader):
    factory.member("dora@boras.se", "Dora Svensson", "Borås stad")
    _invite(client, "dora@boras.se")
    link = _link(app, "dora@boras.se")
    invite = _invite_row(app, "dora@boras.se")
    response = post(client, f"{MEMBERS}/invitations/{invite.id}/withdraw", page=MEMBERS,
                    follow_redirects=True)
    assert "Inbjudan till dora@boras.se är återkallad" in response.text
    assert "Återkallad" in main_content(response)
    auth.logout()
    assert client.get(link).status_code == 404  # a visitor: no page to register on
    auth.login("dora@boras.se")
    refused = client.get(link)
    assert refused.status_code == 404 and GONE in refused.text
    assert "dora@boras.se" not in _active(app, leader["network"])


def test_an_accepted_invitation_cannot_be_withdrawn_or_sent_again(app, client, auth, factory,
                                                                 leader):
    factory.member("dora@boras.se", "Dora Svensson", "Borås stad")
    _invite(client, "dora@boras.se")
    link = _link(app, "dora@boras.se")
    invite = _invite_row(app, "dora@boras.se")
    auth.logout()
    auth.login("dora@boras.se")
    assert _press(client, link).status_code == 302
    auth.logout()
    auth.login("anna@malmo.se")
    for action in ("withdraw", "resend"):
        response = post(client, f"{MEMBERS}/invitations/{invite.id}/{action}", page=MEMBERS)
        assert response.status_code == 409 and "har redan tackat ja" in response.text
    assert len(_mails(app)) == 1


def test_the_invitation_is_for_the_address_it_was_sent_to(app, client, auth, factory, leader):
    """Cecilia (another account) got hold of Dora's link: she cannot use it, and it still
    works for Dora. An account with Dora's address that is not confirmed waits for the
    confirmation."""
    _invite(client, "dora@boras.se")
    link = _link(app, "dora@boras.se")
    auth.logout()
    auth.login("cecilia@ystad.se")
    page = client.get(link)
    assert page.status_code == 200
    assert "Inbjudan skickades till dora@boras.se, och du är inloggad som cecilia@ystad.se" \
        in html.unescape(page.text)
    assert "Gå med i Lönechefsnätverket Skåne" not in page.text
    refused = client.post(link, data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 403
    assert "cecilia@ystad.se" not in _active(app, leader["network"])
    assert _invite_row(app, "dora@boras.se").used_at is None

    auth.logout()
    factory.user(email="dora@boras.se", display_name="Dora Svensson", confirmed=False)
    auth.login("dora@boras.se")
    waiting = client.get(link)
    assert "Bekräfta först att dora@boras.se är din adress" in html.unescape(waiting.text)
    assert client.post(link, data={"csrf_token": csrf_token(waiting)}).status_code == 403
    # "Skicka bekräftelselänken igen" carries the invitation: confirming joins.
    post(client, "/auth/confirm/resend", {"invitation": link.rsplit("/", 1)[1],
                                          "next": link}, page=link)
    [confirm] = outbox(app, kind="confirm", recipient="dora@boras.se")
    confirmed = _press(client, link_in(confirm.text, "/auth/confirm/"))
    assert confirmed.status_code == 302 and confirmed.location.endswith("/networks/skane")
    assert "dora@boras.se" in _active(app, leader["network"])


def test_only_leaders_of_a_network_not_closed_invite(app, client, auth, leader):
    auth.logout()
    auth.login("bo@lund.se")  # a member, not a leader
    assert _invite(client, "ny@kommun.se", follow=False).status_code == 403
    assert "invitations" not in client.get(MEMBERS).text
    auth.logout()
    auth.login("anna@malmo.se")
    _invite(client, "dora@boras.se")
    invite = _invite_row(app, "dora@boras.se")
    with app.app_context():
        db.session.get(Network, leader["network"]).closed_at = utcnow()
        db.session.commit()
    for url, data in ((f"{MEMBERS}/invitations", {"addresses": "ny@kommun.se"}),
                      (f"{MEMBERS}/invitations/{invite.id}/resend", {}),
                      (f"{MEMBERS}/invitations/{invite.id}/withdraw", {})):
        assert post(client, url, data, page="/networks/skane").status_code == 409, url
    page = client.get(MEMBERS).text
    assert "dora@boras.se" in page  # still listed for the leaders to see
    assert "/resend" not in page and "/withdraw" not in page and "/invitations\"" not in page
    assert len(_mails(app)) == 1


def test_expired_invitations_are_listed_as_such_and_can_be_sent_again(app, client, leader):
    _invite(client, "dora@boras.se")
    invite = _invite_row(app, "dora@boras.se")
    with app.app_context():
        db.session.get(NetworkInvite, invite.id).expires_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    page = main_content(client.get(MEMBERS))
    assert "Gick ut" in page and "/withdraw" not in page and "/resend" in page
    post(client, f"{MEMBERS}/invitations/{invite.id}/resend", page=MEMBERS)
    assert "Väntar på svar" in main_content(client.get(MEMBERS))


def test_names_and_addresses_never_reach_a_header(app, client, factory, leader):
    with app.app_context():
        anna = db.session.get(User, leader["anna"])
        anna.display_name = "Anna\r\nBcc: spam@example.com"  # as if it got past the form
        db.session.commit()
    _invite(client, "Eva\r\nBcc: spam@example.com <eva@molndal.se>\n"
                    "\"Ek\r\nX-Evil: 1\" <erik@kungalv.se>")
    mails = _mails(app)
    assert sorted(m.recipient for m in mails) == ["erik@kungalv.se", "eva@molndal.se"]
    for mail in mails:
        assert "\n" not in mail.subject and "\r" not in mail.subject
        assert "spam@example.com" not in mail.recipient
        assert not any("Bcc" in key or "X-Evil" in key for key in mail.headers)


def test_withdrawing_and_accepting_at_the_same_moment_one_wins(app, app_with, factory, skane):
    """The leader withdraws while Dora accepts: either she is in and the invitation is
    accepted, or she is not and it is withdrawn – never in through a withdrawn link."""
    factory.member("dora@boras.se", "Dora Svensson", "Borås stad")
    with app.app_context():
        network = db.session.get(Network, skane["network"])
        leader = db.session.get(User, skane["anna"])
        invitations.invite_by_email(network, leader, "dora@boras.se")
    link = _link(app, "dora@boras.se")
    invite_id = _invite_row(app, "dora@boras.se").id
    dora, anna = app_with().test_client(), app_with().test_client()
    Auth(dora).login("dora@boras.se")
    Auth(anna).login("anna@malmo.se")
    dora_token, anna_token = csrf_token(dora.get(link)), csrf_token(anna.get(MEMBERS))
    start = threading.Barrier(2)
    results = {}

    def run(name, call):
        start.wait()
        results[name] = call()

    threads = [
        threading.Thread(target=run, args=("accept", lambda: dora.post(
            link, data={"csrf_token": dora_token}))),
        threading.Thread(target=run, args=("withdraw", lambda: anna.post(
            f"{MEMBERS}/invitations/{invite_id}/withdraw", data={"csrf_token": anna_token}))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with app.app_context():
        invite = db.session.get(NetworkInvite, invite_id)
        used, revoked = invite.used_at is not None, invite.revoked_at is not None
        actions = list(db.session.scalars(select(AuditLog.action)))
    joined = "dora@boras.se" in _active(app, skane["network"])
    assert used != revoked and joined == used
    assert results["accept"].status_code in ({302} if used else {404, 409})
    assert results["withdraw"].status_code == (409 if used else 302)
    assert ("network.join_by_invite" in actions) == used

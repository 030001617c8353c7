"""Confirmed members: registering mails a link (signed, 48 hours, single use); until it
is followed the member reads what members read but nothing they write is published;
on confirmation it is, through the usual moderation rules. Registering an address that
has an account looks exactly like registering a new one."""

from datetime import timedelta

from itsdangerous import TimestampSigner
from sqlalchemy import select

from kb.core import signed_links as tokens
from kb.extensions import db
from kb.models import Comment, Experience, HelpfulVote, Notification, User
from tests.support.apps import PASSWORD
from tests.support.pages import (
    ask,
    csrf_token,
    full_form,
    link_in,
    main_content,
    outbox,
    post_form,
    register,
    without_csrf_tokens,
)


def _confirmation_link(app, email="karin@kommun.se") -> str:
    [mail] = outbox(app, recipient=email, kind="confirm")
    return link_in(mail.text, "/auth/confirm/")


def _user(app, email="karin@kommun.se") -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def _press(client, link):
    return client.post(link, data={"csrf_token": csrf_token(client.get(link))})


def test_the_link_confirms_with_a_button_and_only_once(client, app):
    register(client)
    link = _confirmation_link(app)
    page = client.get(link)
    assert page.status_code == 200
    assert "Bekräfta e-postadressen" in page.text
    assert _user(app).email_confirmed_at is None  # opening the link (a link checker) is not enough
    confirmed = _press(client, link)
    assert confirmed.status_code == 302
    assert "Din e-postadress är bekräftad" in client.get(confirmed.headers["Location"]).text
    assert _user(app).email_confirmed_at is not None
    again = client.get(link)
    assert "redan bekräftad" in again.text


def test_the_mail_reads_well_as_plain_text_and_links_to_the_site(client, app):
    register(client)
    [mail] = outbox(app, kind="confirm")
    assert mail.subject == "Bekräfta din e-postadress på kb"
    assert mail.text.startswith("Hej Karin Lönechef!")
    assert "https://kb.example.se/auth/confirm/" in mail.text  # BASE_URL, not the Host header
    assert "48 timmar" in mail.text
    assert "<" not in mail.text
    assert 'href="https://kb.example.se/auth/confirm/' in mail.html


def test_a_link_after_48_hours_or_for_another_purpose_fails(client, app, monkeypatch):
    register(client)
    link = _confirmation_link(app)
    with app.app_context():
        user = db.session.scalar(select(User))
        reset_token = tokens.sign(tokens.RESET, {"u": user.id, "e": user.email})
    assert client.get(f"/auth/confirm/{reset_token}").status_code == 400
    assert client.get("/auth/confirm/inte-en-token").status_code == 400
    later = TimestampSigner.get_timestamp(None) + int(timedelta(hours=48, minutes=1)
                                                      .total_seconds())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    expired = client.get(link)
    assert expired.status_code == 400
    assert "Länken är ogiltig, redan använd eller har gått ut." in expired.text


def test_an_existing_address_gets_the_same_answer_and_nobody_is_logged_in(client, app,
                                                                        factory):
    factory.user(email="lena@region.se", display_name="Lena Lönechef")
    new = register(client, email="karin@kommun.se")
    new_page = main_content(client.get(new.headers["Location"]))
    taken = register(client, email="lena@region.se", display_name="Inkräktare")
    taken_page = main_content(client.get(taken.headers["Location"]))
    assert (taken.status_code, taken.headers["Location"]) == (new.status_code,
                                                               new.headers["Location"])
    assert (without_csrf_tokens(taken_page).replace("lena@region.se", "karin@kommun.se")
            == without_csrf_tokens(new_page))
    assert client.get("/account").status_code == 302  # logged in as nobody
    [attempt] = outbox(app, recipient="lena@region.se")
    assert attempt.kind == "register_attempt"
    assert "/auth/confirm/" not in attempt.text  # nothing that would confirm anything
    assert "https://kb.example.se/auth/forgot" in attempt.text
    with app.app_context():
        assert db.session.scalar(select(User.display_name).where(
            User.email == "lena@region.se")) == "Lena Lönechef"


def test_an_unconfirmed_member_reads_for_members_but_what_they_write_waits(
        client, app, auth, factory):
    author = factory.user(email="lena@region.se")
    heroma = factory.system(slug="heroma", name="Heroma")
    secret = factory.experience(author, heroma, visibility="members",
                                title="Bara för medlemmar")
    register(client)
    auth.login("karin@kommun.se")
    assert "Bara för medlemmar" in client.get(f"/experiences/{secret}").text
    written = post_form(client, "/experiences/new",
                        full_form(heroma, factory.system(), factory.system()))
    own_url = written.headers["Location"]
    assert "publiceras när du har bekräftat din e-postadress" in client.get(own_url).text
    asked = ask(client, secret, "Hur gick semesteromställningen?")
    assert "publiceras när du har bekräftat" in client.get(asked.headers["Location"]).text
    with app.app_context():
        assert db.session.scalar(select(Experience.moderation_state).where(
            Experience.author_id != author)) == "unconfirmed"
        assert db.session.scalar(select(Notification)) is None  # nobody told yet
    auth.logout()
    assert client.get(own_url).status_code == 404
    auth.login("lena@region.se")
    assert "Hur gick semesteromställningen?" not in client.get(f"/experiences/{secret}").text
    auth.logout()

    # Confirmed: the question is published and its notification follows; the new
    # member's first experience goes to the moderators' queue, as it would have.
    _press(client, _confirmation_link(app))
    with app.app_context():
        assert db.session.scalar(select(Comment.moderation_state)) == "published"
        assert db.session.scalar(select(Notification.user_id)) == author
        assert db.session.scalar(select(Experience.moderation_state).where(
            Experience.author_id != author)) == "pending"
    auth.login("lena@region.se")
    assert "Hur gick semesteromställningen?" in client.get(f"/experiences/{secret}").text


def test_an_unconfirmed_member_neither_votes_nor_hides_with_flags(client, app, auth, factory):
    author = factory.user(email="lena@region.se")
    experience = factory.experience(author, factory.system())
    for n in range(2):
        factory.user(email=f"anmalare{n}@region.se")
        auth.login(f"anmalare{n}@region.se")
        page = client.get(f"/experiences/{experience}")
        client.post(f"/experiences/{experience}/flag",
                    data={"csrf_token": csrf_token(page), "reason": "Personuppgifter"})
        auth.logout()
    factory.user(email="ny@region.se", confirmed=False)
    auth.login("ny@region.se")
    page = client.get(f"/experiences/{experience}")
    voted = client.post(f"/experiences/{experience}/helpful",
                        data={"csrf_token": csrf_token(page), "helpful": "1"})
    assert voted.status_code == 403
    client.post(f"/experiences/{experience}/flag",
                data={"csrf_token": csrf_token(page), "reason": "Personuppgifter"})
    with app.app_context():
        assert db.session.scalar(select(HelpfulVote)) is None
        # A third report, but from an unconfirmed address: the experience stays up.
        assert db.session.get(Experience, experience).moderation_state == "published"


def test_the_link_can_be_sent_again(client, app, auth, factory):
    factory.user(email="ny@region.se", confirmed=False)
    auth.login("ny@region.se")
    page = client.get("/account")
    assert "är inte bekräftad än" in page.text
    response = client.post("/auth/confirm/resend", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert len(outbox(app, recipient="ny@region.se", kind="confirm")) == 1
    _press(client, _confirmation_link(app, "ny@region.se"))
    assert "(bekräftad)" in client.get("/account").text


def test_a_confirmed_member_logs_in_with_the_registered_password(client, app, auth):
    register(client)
    _press(client, _confirmation_link(app))
    assert auth.login("karin@kommun.se", PASSWORD).status_code == 302
    assert "Bekräfta din e-postadress med länken" not in client.get("/").text

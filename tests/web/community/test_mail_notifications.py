"""Notifications by e-mail, per member and kind: at once, in a weekly digest, or never;
a one-click unsubscribe link that needs no login; nothing quoted that the recipient
may not read."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from kb.access import policy
from kb.community import mail_settings, notification_mail, notifications
from kb.extensions import db
from kb.models import Comment, Experience, Follow, Notification, User, utcnow
from tests.support.pages import ask, comment_id, csrf_token, link_in, outbox


def checked(page, name: str) -> str | None:
    """The value of the checked radio button of a field on a page."""
    for tag in re.findall(r"<input [^>]*>", page.text):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def _thread(app, factory, auth, client, *, asker_confirmed=True):
    """Karin's experience; Erik asks a question and Karin answers it."""
    karin = factory.user(email="karin@region.se", display_name="Karin Karlsson")
    erik = factory.user(email="erik@kommun.se", display_name="Erik Eriksson",
                        confirmed=asker_confirmed)
    experience = factory.experience(karin, factory.system(name="Heroma"),
                                    title="Heroma i en stor region", anonymous=False)
    with app.app_context():
        question = Comment(experience_id=experience, author_id=erik,
                           body="Hur lång tid tog semesteromställningen?")
        db.session.add(question)
        db.session.commit()
        question_id = question.id
    auth.login("karin@region.se")
    ask(client, experience, "Ungefär ett halvår.\nMed konsultstöd.", question_id)
    auth.logout()
    return {"karin": karin, "erik": erik, "experience": experience, "question": question_id}


def test_an_answer_to_my_question_is_mailed_at_once_with_the_answer_quoted(
        app, factory, auth, client):
    _thread(app, factory, auth, client)
    [answer] = outbox(app, recipient="erik@kommun.se")
    assert answer.subject == "Nytt svar på din fråga: Heroma i en stor region"
    assert "Karin Karlsson (skribenten) skriver:" in answer.text
    assert "> Ungefär ett halvår.\n> Med konsultstöd." in answer.text
    notification_link = link_in(answer.text, "/notifications/")
    auth.login("erik@kommun.se")
    opened = client.get(notification_link)
    answer_id = comment_id(app, "Ungefär ett halvår.\nMed konsultstöd.")
    assert opened.headers["Location"].endswith(f"#kommentar-{answer_id}")
    # The text part stands on its own; the HTML part says the same.
    assert "Sluta få sådana mejl: https://kb.example.se/account/unsubscribe/" in answer.text
    assert "<blockquote" in answer.html and "Ungefär ett halvår." in answer.html


def test_the_unsubscribe_link_asks_then_stops_that_kind_without_a_login(
        app, factory, auth, client):
    world = _thread(app, factory, auth, client)
    [answer] = outbox(app, recipient="erik@kommun.se")
    unsubscribe = link_in(answer.text, "/account/unsubscribe/")
    assert answer.headers["List-Unsubscribe"] == f"<https://kb.example.se{unsubscribe}>"
    assert answer.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    visitor = app.test_client()
    page = visitor.get(unsubscribe)
    assert page.status_code == 200
    assert "Nytt svar på din fråga" in page.text and "Ja, sluta skicka" in page.text
    done = visitor.post(unsubscribe, data={"csrf_token": csrf_token(page)})
    assert done.status_code == 200
    assert "Du får inte längre e-post om" in done.text

    auth.login("karin@region.se")
    ask(client, world["experience"], "Ett svar till.", world["question"])
    assert len(outbox(app, recipient="erik@kommun.se")) == 1  # no new mail ...
    with app.app_context():  # ... but the notification is there, on the site
        assert db.session.scalar(select(Notification).where(
            Notification.user_id == world["erik"]).order_by(Notification.id.desc())
            .limit(1)).comment.body == "Ett svar till."
    auth.logout()
    auth.login("erik@kommun.se")
    assert checked(client.get("/account"), "mail-answer") == "never"


def test_a_mail_program_unsubscribes_in_one_click(app, factory, auth, client):
    _thread(app, factory, auth, client)
    unsubscribe = link_in(outbox(app, recipient="erik@kommun.se")[0].text,
                          "/account/unsubscribe/")
    # RFC 8058: a POST with this body, no cookies, no CSRF token.
    response = app.test_client().post(unsubscribe, data="List-Unsubscribe=One-Click",
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    with app.app_context():
        erik = db.session.scalar(select(Notification.user_id).where(
            Notification.kind == "answer"))
        assert mail_settings.frequency(erik, "answer") == "never"


def test_a_forged_unsubscribe_link_changes_nothing(client):
    assert client.get("/account/unsubscribe/eyJ1IjoxfQ.forged").status_code == 400
    assert client.post("/account/unsubscribe/eyJ1IjoxfQ.forged").status_code == 400


def test_no_mail_goes_to_an_unconfirmed_address(app, factory, auth, client):
    _thread(app, factory, auth, client, asker_confirmed=False)
    assert outbox(app, recipient="erik@kommun.se") == []


def _follow_and_publish(app, factory, *, published_at=None, visibility="public"):
    follower = factory.user(email="follower@kommun.se", display_name="Följare")
    author = factory.user(email="author@kommun.se")
    heroma = factory.system(name="Heroma")
    with app.app_context():
        db.session.add(Follow(user_id=follower, system_id=heroma))
        db.session.commit()
        experience = db.session.get(Experience, factory.experience(
            author, heroma, title="Nytt om Heroma", visibility=visibility))
        notifications.notify_followers(experience)
        if published_at is not None:
            db.session.query(Notification).update({"created_at": published_at})
            db.session.commit()
        return follower, experience.id


def _digests(app, now):
    with app.app_context():
        queued = notification_mail.send_digests(now=now)
        db.session.commit()
        return queued


def test_news_of_followed_systems_come_in_a_weekly_digest(app, factory):
    _follow_and_publish(app, factory)
    assert outbox(app, recipient="follower@kommun.se") == []  # weekly by default
    assert _digests(app, utcnow() + timedelta(days=3)) == 0  # the week is not over
    assert _digests(app, utcnow() + timedelta(days=7, minutes=1)) == 1
    [digest] = outbox(app, recipient="follower@kommun.se")
    assert digest.subject == "Veckans nytt på kb: 1 avisering"
    assert "Ny erfarenhet av ett system du följer: ”Nytt om Heroma” (Heroma)" in digest.text
    assert "/account/unsubscribe/" in digest.headers["List-Unsubscribe"]
    assert _digests(app, utcnow() + timedelta(days=8)) == 0  # never twice


def test_a_digest_leaves_out_what_was_read_on_the_site(app, factory):
    _follow_and_publish(app, factory, published_at=utcnow() - timedelta(days=8))
    with app.app_context():
        db.session.scalar(select(Notification)).read_at = utcnow()
        db.session.commit()
    assert _digests(app, utcnow()) == 0
    assert outbox(app) == []


def test_a_digest_leaves_out_what_is_no_longer_readable(app, factory):
    _follow_and_publish(app, factory, published_at=utcnow() - timedelta(days=8))
    with app.app_context():
        experience = db.session.scalar(select(Experience))
        experience.moderation_state = "hidden"  # hidden by a moderator meanwhile
        db.session.commit()
    assert _digests(app, utcnow()) == 0
    assert outbox(app) == []


def test_what_a_mail_may_quote_follows_the_recipients_audience(app, factory):
    follower, experience_id = _follow_and_publish(app, factory, visibility="members")
    with app.app_context():
        notification = db.session.scalar(select(Notification))
        assert notification_mail.describe(notification, policy.VISITOR, quote=True).title is None
        as_member = policy.audience_of(db.session.get(User, follower))
        assert notification_mail.describe(notification, as_member, quote=True).title == (
            "Nytt om Heroma")


def test_a_member_chooses_at_once_weekly_or_never_per_kind_on_the_account_page(
        app, factory, auth, client):
    factory.user(email="lena@region.se")
    auth.login("lena@region.se")
    page = client.get("/account")
    assert 'id="epost"' in page.text
    for kind, label in notifications.KINDS.items():
        assert label in page.text, kind
    assert checked(page, "mail-new_experience") == "weekly"
    assert checked(page, "mail-answer") == checked(page, "mail-question") == "at_once"
    # What a browser sends: every kind's choice, three of them changed.
    shown = {f"mail-{kind}": checked(page, f"mail-{kind}") for kind in notifications.KINDS}
    saved = client.post("/account/mail", data={
        **shown, "csrf_token": csrf_token(page), "mail-answer": "weekly",
        "mail-question": "never", "mail-new_experience": "at_once"})
    assert saved.status_code == 302
    page = client.get("/account")
    assert checked(page, "mail-answer") == "weekly"
    assert checked(page, "mail-question") == "never"
    assert checked(page, "mail-new_experience") == "at_once"
    refused = client.post("/account/mail", data={
        **shown, "csrf_token": csrf_token(page), "mail-answer": "ibland",
        "mail-question": "never", "mail-new_experience": "never"})
    assert refused.status_code == 422
    assert "Inte ett giltigt val" in refused.text
    assert checked(client.get("/account"), "mail-answer") == "weekly"  # nothing saved


def test_followed_news_at_once_when_the_member_wants_it(app, factory):
    follower = factory.user(email="follower@kommun.se")
    with app.app_context():
        mail_settings.save(db.session.get(User, follower),
                           {notifications.NEW_EXPERIENCE: mail_settings.AT_ONCE})
    author = factory.user(email="author@kommun.se")
    heroma = factory.system(name="Heroma")
    with app.app_context():
        db.session.add(Follow(user_id=follower, system_id=heroma))
        db.session.commit()
        notifications.notify_followers(db.session.get(Experience, factory.experience(
            author, heroma, title="Direkt till mig")))
    [news] = outbox(app, recipient="follower@kommun.se")
    assert "Direkt till mig" in news.subject


def test_a_new_kind_of_notification_is_mailed_without_a_change_to_the_mail_code(
        app, factory, monkeypatch):
    # What another area (network meetings, say) adds: a kind and its Swedish name.
    monkeypatch.setitem(notifications.KINDS, "meeting", "Nytt nätverksmöte")
    member = factory.user(email="lena@region.se")
    with app.app_context():
        notification = Notification(user_id=member, kind="meeting", created_at=utcnow())
        db.session.add(notification)
        notification_mail.notified(notification)
        db.session.commit()
    [news] = outbox(app, recipient="lena@region.se")
    assert news.subject == "Nytt nätverksmöte"
    assert "https://kb.example.se/notifications" in news.text

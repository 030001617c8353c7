"""Notifications by e-mail: at once, in a weekly digest, or never (kb.mail_settings).

Every notification kind is mailed the same way, so a kind added to
kb.notifications.KINDS is mailed without a change here. A notification is mailed
at most once: a NotificationMail row, written in the same transaction as the
outbox mail, records it.

Mail goes only to active members whose address is confirmed (an unconfirmed
address may belong to someone who never joined), and a mail quotes only what its
recipient may read (kb.policy); anything else is a link.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kb import mail, networks
from kb.access import policy
from kb.access.policy import Audience
from kb.community import comments, mail_settings, notifications
from kb.core import swedish
from kb.core.dates import utcnow
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.models import Notification, User
from kb.models.mail import NotificationMail

AT_ONCE_MAIL, DIGEST_MAIL = "notification", "digest"
# How far back a digest looks for notifications not yet mailed.
DIGEST_WINDOW_DAYS = 14


@dataclass(frozen=True)
class Item:
    """One notification as a mail tells it."""

    label: str
    url: str
    title: str | None = None
    # Where the titled thing belongs: the system of an experience, the network of a
    # meeting or a network question.
    context: str | None = None
    quote: str | None = None
    quote_author: str | None = None
    when: datetime | None = None  # a meeting's start, in Swedish local time
    calendar_url: str | None = None  # a meeting's .ics file


def mailable(user: User | None) -> bool:
    return user is not None and user.active and user.email_confirmed_at is not None


def describe(notification: Notification, audience: Audience, *, quote: bool) -> Item:
    """What a mail says about a notification, quoting only what `audience` may read.

    The link opens the notification, which marks it read and leads to what it tells
    about (the experience, the meeting, the question or the network)."""
    label = notifications.KINDS.get(notification.kind, "Ny avisering")
    url = mail.link("notifications.open_notification", notification_id=notification.id)
    if notification.network is not None:
        return _network_item(notification, audience, label, url)
    experience = notification.experience
    if experience is None or not policy.may_read(audience, experience):
        return Item(label=label, url=url)
    title, system = experience.title, experience.system.name
    comment = notification.comment
    if (not quote or comment is None or comment.moderation_state != ModerationState.PUBLISHED
            or not policy.may_read_comment(audience, comment)):
        return Item(label=label, url=url, title=title, context=system)
    return Item(label=label, url=url, title=title, context=system, quote=comment.body,
                quote_author=comments.author_label(comment, experience))


def _network_item(notification: Notification, audience: Audience, label: str,
                  url: str) -> Item:
    """A meeting or a network question is named only to a member of its network."""
    network = notification.network
    if not networks.is_member(audience, network):
        return Item(label=label, url=url)
    meeting, question = notification.meeting, notification.question
    if meeting is not None:
        calendar_url = None
        if notification.kind != notifications.MEETING_CANCELLED:
            calendar_url = mail.link("meetings.meeting_ics", slug=network.slug,
                                     meeting_id=meeting.id)
        return Item(label=label, url=url, title=meeting.title, context=network.name,
                    when=networks.local_time(meeting.starts_at),
                    calendar_url=calendar_url)
    if question is not None:
        return Item(label=label, url=url, title=question.title, context=network.name)
    return Item(label=label, url=url, context=network.name)


def _unsubscribe(user: User, kinds: list[str]) -> tuple[str, dict]:
    url = mail.link("account.unsubscribe",
                    token=mail_settings.unsubscribe_token(user.id, kinds))
    headers = {"List-Unsubscribe": f"<{url}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return url, headers


def notified(notification: Notification) -> None:
    """A notification was added to the session (kb.notifications.notify): queue its
    mail in the same transaction when the member wants this kind at once."""
    user = db.session.get(User, notification.user_id)
    if not mailable(user):
        return
    if mail_settings.frequency(user.id, notification.kind) != mail_settings.AT_ONCE:
        return
    db.session.flush()  # the notification's id, for the link
    item = describe(notification, policy.audience_of(user), quote=True)
    unsubscribe_url, headers = _unsubscribe(user, [notification.kind])
    subject = item.label + (f": {item.title}" if item.title else "")
    mail.queue(AT_ONCE_MAIL, user.email, subject[:150], "notification", user_id=user.id,
               headers=headers, name=user.display_name, item=item,
               unsubscribe_url=unsubscribe_url,
               settings_url=mail.link("account.index", _anchor="epost"))
    db.session.add(NotificationMail(notification_id=notification.id, user_id=user.id,
                                    via="at_once", mailed_at=utcnow()))


# Weekly digests -------------------------------------------------------------------------

def send_digests(now: datetime | None = None) -> int:
    """Queue a digest for every member whose week has passed and who has notifications
    not yet mailed, of kinds they want weekly. Returns how many digests were queued.

    A member's week starts at their previous digest (or at the oldest notification
    waiting for one), so nobody gets more than one digest in MAIL_DIGEST_DAYS.
    """
    now = now or utcnow()
    waiting = db.session.execute(
        select(Notification.id, Notification.user_id, Notification.kind,
               Notification.created_at)
        .outerjoin(NotificationMail, NotificationMail.notification_id == Notification.id)
        .where(NotificationMail.notification_id.is_(None), Notification.read_at.is_(None),
               Notification.created_at >= now - timedelta(days=DIGEST_WINDOW_DAYS))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all()
    by_member = defaultdict(list)
    for row in waiting:
        by_member[row.user_id].append(row)
    queued = 0
    for user_id, rows in by_member.items():
        try:
            queued += _digest(user_id, rows, now)
            db.session.commit()
        except IntegrityError:  # another process sent this member's digest just now
            db.session.rollback()
    return queued


def _digest(user_id: int, rows, now: datetime) -> int:
    user = db.session.get(User, user_id)
    if not mailable(user):
        return 0
    wanted = mail_settings.frequencies(user_id)
    weekly = [r for r in rows if wanted.get(r.kind, mail_settings.default(r.kind))
              == mail_settings.WEEKLY]
    if not weekly:
        return 0
    previous = db.session.scalar(
        select(func.max(NotificationMail.mailed_at))
        .where(NotificationMail.user_id == user_id, NotificationMail.via == "digest"))
    start = previous or min(r.created_at for r in weekly)
    if now < start + timedelta(days=float(current_app.config["MAIL_DIGEST_DAYS"])):
        return 0
    audience = policy.audience_of(user)
    readable = notifications.readable_among(user, [r.id for r in weekly])
    items = [describe(n, audience, quote=False) for n in readable]
    shown = {n.id for n in readable}
    for row in weekly:
        db.session.add(NotificationMail(
            notification_id=row.id, user_id=user_id,
            via="digest" if row.id in shown else "dropped", mailed_at=now))
    if not items:
        return 0
    kinds = sorted({r.kind for r in weekly})
    unsubscribe_url, headers = _unsubscribe(user, kinds)
    subject = "Veckans nytt på kb: " + swedish.plural(len(items), "avisering", "aviseringar")
    mail.queue(DIGEST_MAIL, user.email, subject, "digest", user_id=user.id, headers=headers,
               name=user.display_name, items=items,
               kind_labels=[notifications.KINDS.get(k, k) for k in kinds],
               unsubscribe_url=unsubscribe_url,
               notifications_url=mail.link("notifications.notification_list"),
               settings_url=mail.link("account.index", _anchor="epost"))
    return 1

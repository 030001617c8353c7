"""Putting mail in the outbox, waking the sender after commit, and what waits."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_mailman import make_msgid
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from kb.core import text
from kb.core.dates import utcnow
from kb.extensions import db
from kb.mail.composing import render
from kb.models.mail import FAILED, SENDING, WAITING, OutboxMail

log = logging.getLogger(__name__)

QUEUED_KEY = "kb_mail_queued"
# The background job that sends (kb.background); woken after a commit that queued mail.
JOB = "mail"

_registered = False


def queue(kind: str, recipient: str, subject: str, template: str, *,
          user_id: int | None = None, headers: dict | None = None, **context) -> OutboxMail:
    """Render a message and add it to the session: it is sent once the caller commits."""
    rendered = render(template, subject=subject, **context)
    mail = OutboxMail(
        kind=kind,
        user_id=user_id,
        recipient=recipient,
        subject=text.single_line(subject)[:300],  # no line break in a header
        text_body=rendered.text,
        html_body=rendered.html,
        headers=json.dumps(headers or {}, ensure_ascii=False),
        message_id=make_msgid(domain=_message_domain()),
        status=WAITING,
        attempts=0,
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    db.session.add(mail)
    db.session.info[QUEUED_KEY] = True
    return mail


def _message_domain() -> str:
    sender = str(current_app.config.get("MAIL_FROM") or "")
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] if "@" in address else "kb.localhost"


def _after_commit(session: Session) -> None:
    if not session.info.pop(QUEUED_KEY, False) or not has_app_context():
        return
    from kb.operations import background

    try:
        jobs = background.find(current_app)
        if jobs is not None:
            jobs.wake(JOB)
    except Exception:  # the job's own timer sends it a little later; the commit stands
        log.exception("Waking the mail sender failed.")


def _after_rollback(session: Session) -> None:
    session.info.pop(QUEUED_KEY, None)


def register_session_events() -> None:
    """Wake the sender after every commit that queued mail (once per process)."""
    global _registered
    if _registered:
        return
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _registered = True


@dataclass(frozen=True)
class Status:
    counts: dict[str, int]
    waiting: list[OutboxMail]
    failed: list[OutboxMail]


def status(limit: int = 20) -> Status:
    """How many mails are in each state, and the first waiting and failed ones."""
    counts = dict.fromkeys((WAITING, SENDING, "sent", FAILED), 0)
    for state, number in db.session.execute(
            select(OutboxMail.status, func.count()).group_by(OutboxMail.status)):
        counts[state] = number
    waiting = db.session.scalars(
        select(OutboxMail).where(OutboxMail.status.in_((WAITING, SENDING)))
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id).limit(limit)).all()
    failed = db.session.scalars(
        select(OutboxMail).where(OutboxMail.status == FAILED)
        .order_by(OutboxMail.id.desc()).limit(limit)).all()
    return Status(counts=counts, waiting=list(waiting), failed=list(failed))

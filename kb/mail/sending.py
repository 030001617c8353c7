"""Sending what waits in the outbox: claim, send, and retry with growing pauses.

Any number of processes may run `send_due` at once. Each mail is claimed with one
conditional UPDATE (waiting and due, or sending with a lapsed lease) that sets a
claim of this call's own and a lease: only the process whose UPDATE changed the
row sends it. A process that dies mid-way leaves its mail "sending" until the lease
lapses, and then another sends it (the Message-ID stays the same).

A failure is tried again after MAIL_RETRY_SECONDS, doubling each time up to
MAIL_RETRY_MAX_SECONDS; after MAIL_MAX_ATTEMPTS, or at once when the server refuses
the message for good (a 5xx answer), the mail is marked failed and `kb mail-status`
shows it. While the server cannot be reached, each run tries one mail and stops.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import and_, delete, or_, select, update

from kb.core.dates import utcnow
from kb.extensions import db, mail
from kb.models.mail import FAILED, SENDING, SENT, WAITING, OutboxMail

log = logging.getLogger(__name__)


@dataclass
class Report:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Claimed:
    """A claimed mail, read out of the database before the SMTP server is spoken to:
    no transaction stays open while a server takes its time (on PostgreSQL an open
    transaction would hold back every change-log follower)."""

    id: int
    recipient: str
    subject: str
    text_body: str
    html_body: str
    headers: str
    message_id: str
    attempts: int

    @classmethod
    def read(cls, mail_id: int) -> Claimed:
        row = db.session.get(OutboxMail, mail_id, populate_existing=True)
        claimed = cls(row.id, row.recipient, row.subject, row.text_body, row.html_body,
                      row.headers, row.message_id, row.attempts)
        db.session.commit()
        return claimed


class Unreachable(Exception):
    """The mail server could not be reached: stop this run, the rest waits."""


def _due():
    now = utcnow()
    return or_(
        and_(OutboxMail.status == WAITING, OutboxMail.next_attempt_at <= now),
        and_(OutboxMail.status == SENDING, OutboxMail.lease_until < now),
    )


def claim(mail_id: int, claim_id: str) -> bool:
    """Take one due mail for this run; False when another process was first."""
    lease = timedelta(seconds=float(current_app.config["MAIL_LEASE_SECONDS"]))
    taken = db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, _due())
        .values(status=SENDING, claim=claim_id, lease_until=utcnow() + lease,
                attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def send_due(limit: int = 100) -> Report:
    """Send up to `limit` due mails now."""
    report = Report()
    claim_id = secrets.token_hex(16)
    connection = None
    try:
        for _ in range(limit):
            mail_id = db.session.scalar(
                select(OutboxMail.id).where(_due())
                .order_by(OutboxMail.next_attempt_at, OutboxMail.id).limit(1))
            if mail_id is None:
                break
            if not claim(mail_id, claim_id):
                continue  # another process took it; look for the next
            outgoing = Claimed.read(mail_id)
            try:
                if connection is None:
                    connection = _open()
                _message(outgoing, connection).send()
            except Unreachable as error:
                _retry_or_fail(outgoing, claim_id, str(error.__cause__ or error), report)
                break
            except Exception as error:  # noqa: BLE001 (any refusal is recorded, not raised)
                if _permanent(error):
                    _finish(outgoing, claim_id, FAILED, _describe(error))
                    report.failed.append(mail_id)
                else:
                    _retry_or_fail(outgoing, claim_id, _describe(error), report)
                if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
                    break
            else:
                _finish(outgoing, claim_id, SENT)
                report.sent.append(mail_id)
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 (the server went away; nothing to keep)
                log.debug("Closing the mail connection failed.", exc_info=True)
    if report.retried or report.failed:
        log.warning("Mail: %d sent, %d to try again, %d failed.",
                    len(report.sent), len(report.retried), len(report.failed))
    return report


def _open():
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception as error:
        raise Unreachable(_describe(error)) from error
    return connection


def _message(outgoing: Claimed, connection) -> EmailMultiAlternatives:
    headers = {**json.loads(outgoing.headers or "{}"), "Message-ID": outgoing.message_id}
    message = EmailMultiAlternatives(
        subject=outgoing.subject, body=outgoing.text_body,
        from_email=current_app.config["MAIL_FROM"], to=[outgoing.recipient],
        headers=headers, connection=connection)
    if outgoing.html_body:
        message.attach_alternative(outgoing.html_body, "text/html")
    return message


def _permanent(error: Exception) -> bool:
    """The server refused this message for good (5xx), or it cannot be built."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return isinstance(error, ValueError | UnicodeError)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _retry_or_fail(outgoing: Claimed, claim_id: str, error: str, report: Report) -> None:
    config = current_app.config
    if outgoing.attempts >= int(config["MAIL_MAX_ATTEMPTS"]):
        _finish(outgoing, claim_id, FAILED, error)
        report.failed.append(outgoing.id)
        return
    pause = min(float(config["MAIL_RETRY_SECONDS"]) * 2 ** (outgoing.attempts - 1),
                float(config["MAIL_RETRY_MAX_SECONDS"]))
    pause *= random.uniform(0.9, 1.1)  # noqa: S311 (spreads retries, nothing secret)
    _finish(outgoing, claim_id, WAITING, error,
            next_attempt_at=utcnow() + timedelta(seconds=pause))
    report.retried.append(outgoing.id)


def _finish(outgoing: Claimed, claim_id: str, state: str, error: str = "",
            next_attempt_at=None) -> None:
    values = {"status": state, "claim": None, "lease_until": None, "last_error": error}
    if state == SENT:
        values["sent_at"] = utcnow()
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    db.session.execute(
        update(OutboxMail).where(OutboxMail.id == outgoing.id, OutboxMail.claim == claim_id)
        .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def retry_failed() -> int:
    """Put every failed mail back in line (after the server's problem is fixed)."""
    changed = db.session.execute(
        update(OutboxMail).where(OutboxMail.status == FAILED)
        .values(status=WAITING, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return changed


def cleanup() -> int:
    """Forget sent mail after MAIL_KEEP_SENT_DAYS and failed mail after
    MAIL_KEEP_FAILED_DAYS (the privacy policy says how long mail is kept)."""
    config = current_app.config
    now = utcnow()
    removed = db.session.execute(
        delete(OutboxMail).where(or_(
            and_(OutboxMail.status == SENT,
                 OutboxMail.sent_at < now - timedelta(days=int(config["MAIL_KEEP_SENT_DAYS"]))),
            and_(OutboxMail.status == FAILED,
                 OutboxMail.created_at
                 < now - timedelta(days=int(config["MAIL_KEEP_FAILED_DAYS"]))),
        )).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return removed

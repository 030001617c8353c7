"""Mail: the outbox every message waits in, and what each member wants mailed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kb.core.dates import utcnow
from kb.extensions import db

# An outbox mail's life: waiting (to be sent, perhaps again after a failure),
# sending (claimed by one process until lease_until), sent, or failed for good.
WAITING, SENDING, SENT, FAILED = "waiting", "sending", "sent", "failed"


class OutboxMail(db.Model):
    """One message, written in the same transaction as what caused it and sent after
    commit by whichever process claims it first."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What sort of mail (kb.mail.KINDS): confirmation, password reset, notification ...
    kind: Mapped[str] = mapped_column(String(30))
    # The member it is for; their waiting mail goes with their account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    # Extra headers as JSON (List-Unsubscribe ...).
    headers: Mapped[str] = mapped_column(Text, default="{}")
    # Fixed when queued, so a message sent again after a lost answer is one message.
    message_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default=WAITING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Who holds a sending mail, and until when; a lapsed lease frees it again.
    claim: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_mail_outbox_status_due", "status", "next_attempt_at"),)


class MailPreference(db.Model):
    """How often a member wants mail of one notification kind; without a row the
    kind's default holds (kb.mail_settings)."""

    __tablename__ = "mail_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class NotificationMail(db.Model):
    """A notification that has been mailed (at once or in a digest), so none goes twice."""

    __tablename__ = "notification_mail"

    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # "at_once" or "digest".
    via: Mapped[str] = mapped_column(String(10))
    mailed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

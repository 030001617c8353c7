"""Members helping each other: questions and answers, helpful votes, follows, notifications."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.core.dates import utcnow
from kb.core.vocab import ModerationState
from kb.extensions import db

if TYPE_CHECKING:
    from kb.models.experiences import Experience
    from kb.models.members import User
    from kb.models.networks import Meeting, Network, NetworkQuestion


class Comment(db.Model):
    """A question or an answer on an experience; answers are one level deep."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    moderation_state: Mapped[str] = mapped_column(String(12), default=ModerationState.PUBLISHED)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    experience: Mapped[Experience] = relationship()
    author: Mapped[User | None] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(
        back_populates="parent", order_by="Comment.created_at"
    )

    @property
    def is_published(self) -> bool:
        return self.moderation_state == ModerationState.PUBLISHED

    @property
    def is_hidden(self) -> bool:
        return self.moderation_state == ModerationState.HIDDEN

    @property
    def is_unconfirmed(self) -> bool:
        """Waiting for its author to confirm their address."""
        return self.moderation_state == ModerationState.UNCONFIRMED

    @property
    def is_deleted(self) -> bool:
        """A question its author removed, kept for its answers."""
        return self.moderation_state == ModerationState.DELETED


class HelpfulVote(db.Model):
    """One member found one experience helpful (one vote each, never on one's own)."""

    __tablename__ = "helpful_vote"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Follow(db.Model):
    """A member follows a system to hear of new experiences of it."""

    __tablename__ = "follow"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    system_id: Mapped[int] = mapped_column(
        ForeignKey("payroll_system.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Notification(db.Model):
    """Something new for a member: an answer, a question, a new experience of a followed system."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    experience_id: Mapped[int | None] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE")
    )
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    # Network notifications (kb.meetings, kb.network_questions): shown only while the
    # member is in the network.
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_question.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    experience: Mapped[Experience | None] = relationship()
    comment: Mapped[Comment | None] = relationship()
    network: Mapped[Network | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    question: Mapped[NetworkQuestion | None] = relationship()

    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

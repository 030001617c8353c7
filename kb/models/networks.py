"""Networks of payroll people: members, invites, meetings and questions asked to a network."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.core.dates import utcnow
from kb.extensions import db

if TYPE_CHECKING:
    from kb.models.catalogue import PayrollSystem
    from kb.models.experiences import Experience
    from kb.models.members import User

# An experience shared with networks (visibility "networks") is read by the members of
# these networks only (kb.policy, kb.reach).
experience_network = Table(
    "experience_network",
    db.metadata,
    Column("experience_id", ForeignKey("experience.id", ondelete="CASCADE"), primary_key=True),
    Column("network_id", ForeignKey("network.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

# The systems a meeting is about.
meeting_system = Table(
    "meeting_system",
    db.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("system_id", ForeignKey("payroll_system.id", ondelete="CASCADE"), primary_key=True),
)

# Member states: asked to join, in, or out (kept so the audit log names a row).
REQUESTED, ACTIVE, LEFT, REMOVED, DECLINED = "requested", "active", "left", "removed", "declined"
LEADER, MEMBER = "leader", "member"


class Network(db.Model):
    """A network of payroll people: for one role, or open to every role."""

    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))  # vocab.NETWORK_KINDS
    region: Mapped[str] = mapped_column(String(60), default="")
    access: Mapped[str] = mapped_column(String(10), default="open")  # vocab.NETWORK_ACCESS
    # Open networks: a request is approved by a leader, or at once when this is set.
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False)
    # Closed by a moderator: kept for its members to read, nothing new happens in it.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    memberships: Mapped[list[NetworkMembership]] = relationship(
        back_populates="network", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class NetworkMembership(db.Model):
    """One member's place in one network: requested, active (member or leader), or gone
    (which of these counts as being in the network: kb.access.membership)."""

    __tablename__ = "network_membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(10), default=MEMBER)
    status: Mapped[str] = mapped_column(String(10), default=REQUESTED)
    # The secret in the member's calendar feed URL (kb.meetings); a new one revokes the old.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    network: Mapped[Network] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("network_id", "user_id", name="uq_network_membership_member"),
        Index("ix_network_membership_network_status", "network_id", "status"),
    )


class NetworkInvite(db.Model):
    """A single-use link a leader creates to let one person into the network: a link the
    leader passes on, or an invitation mailed to one address (`email`), which only the
    member with that confirmed address can use (kb.networks.invitations)."""

    __tablename__ = "network_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"),
                                            index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A mailed invitation: the address it was sent to (lower case) and the name the
    # leader pasted with it; None for a link the leader passes on.
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    # "Skicka igen" mails a new link and ends this one (revoked_at), pointing here to it.
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_invite.id", ondelete="SET NULL"))

    network: Mapped[Network] = relationship()
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (
        Index("ix_network_invite_network_email", "network_id", "email"),
    )


class Meeting(db.Model):
    """A meeting of a network: physical, digital or both, with its agenda and notes."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    # The calendar's identity of the event (RFC 5545 UID), stable across changes.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    # Incremented on every change the calendar should see (RFC 5545 SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(150))
    # Naive UTC like every time kb stores; shown and exported in Europe/Stockholm.
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    mode: Mapped[str] = mapped_column(String(10))  # vocab.MEETING_MODES
    address: Mapped[str] = mapped_column(Text, default="")
    # Shown to members only, like everything about a meeting.
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    network: Mapped[Network] = relationship()
    systems: Mapped[list[PayrollSystem]] = relationship(secondary=meeting_system,
                                                        order_by="PayrollSystem.name")
    responses: Mapped[list[MeetingResponse]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True)
    items: Mapped[list[MeetingItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MeetingItem.id")

    __table_args__ = (Index("ix_meeting_network_starts", "network_id", "starts_at"),)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class MeetingResponse(db.Model):
    """A member's answer: kommer, kommer inte or kanske, and how they take part."""

    __tablename__ = "meeting_response"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    answer: Mapped[str] = mapped_column(String(10))  # vocab.MEETING_ANSWERS
    attendance: Mapped[str | None] = mapped_column(String(10))  # vocab.MEETING_ATTENDANCE
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="responses")
    user: Mapped[User] = relationship()


class MeetingItem(db.Model):
    """An experience or a network question discussed at a meeting."""

    __tablename__ = "meeting_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    experience_id: Mapped[int | None] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_question.id", ondelete="CASCADE"))

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    experience: Mapped[Experience | None] = relationship()
    question: Mapped[NetworkQuestion | None] = relationship()


class NetworkQuestion(db.Model):
    """A question asked to a network, or (with a parent) an answer to one.

    Read by the network's members (and moderators) only; the asker marks the answer
    that helped."""

    __tablename__ = "network_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_question.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")  # questions only
    body: Mapped[str] = mapped_column(Text, default="")
    # On an answer: the asker says this one helped.
    helped: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    network: Mapped[Network] = relationship()
    author: Mapped[User | None] = relationship()
    parent: Mapped[NetworkQuestion | None] = relationship(remote_side=[id],
                                                          back_populates="answers")
    answers: Mapped[list[NetworkQuestion]] = relationship(
        back_populates="parent", order_by="NetworkQuestion.created_at",
        cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        Index("ix_network_question_network_updated", "network_id", "updated_at"),
    )

    @property
    def answered(self) -> bool:
        return any(answer.helped for answer in self.answers)

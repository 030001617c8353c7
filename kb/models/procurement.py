"""Procurement: earlier contract facts of an answer, members open to procuring together,
their messages, and shared requirement lists (kb.procurement)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.core.dates import utcnow
from kb.extensions import db

if TYPE_CHECKING:
    from kb.models.experiences import Experience
    from kb.models.members import User


class ContractHistory(db.Model):
    """The contract facts an answer stated before it was confirmed or updated (like
    SatisfactionHistory for its satisfaction)."""

    __tablename__ = "contract_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), index=True)
    contract_end_year: Mapped[int | None] = mapped_column(Integer)
    contract_end_month: Mapped[int | None] = mapped_column(Integer)
    contract_extension: Mapped[str] = mapped_column(String(60), default="")
    procurement_route: Mapped[str | None] = mapped_column(String(20))
    procured_with: Mapped[str] = mapped_column(String(300), default="")
    next_procurement_year: Mapped[int | None] = mapped_column(Integer)
    contract_audience: Mapped[str] = mapped_column(String(10), default="same")
    # When these facts were last stated, and what happened next.
    stated_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    change: Mapped[str] = mapped_column(String(12))  # "confirmed" or "updated"


class ProcurementOpening(db.Model):
    """A member's "öppen för samordnad upphandling": the years she would procure in, the
    answer whose contract it is about, and what other open members may see."""

    __tablename__ = "procurement_opening"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), index=True)
    year_from: Mapped[int] = mapped_column(Integer)
    year_to: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(30), default="")
    # Show the organisation's name to other open members (never for an anonymous answer).
    show_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    experience: Mapped[Experience] = relationship()

    __table_args__ = (
        CheckConstraint("year_from <= year_to", name="window"),
    )


class ProcurementMessage(db.Model):
    """A message from one open member to another through kb. Neither address is shown
    until the recipient answers; then both get the other's."""

    __tablename__ = "procurement_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # What the sender was open to when she wrote (shown to the recipient).
    sender_summary: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    reply_body: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)

    sender: Mapped[User] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])


class ProcurementRequirement(db.Model):
    """The requirement list of a member's procurement: kb's capabilities marked must or
    should (`items`, JSON), and optionally the document itself (stored under the
    instance folder by a random name)."""

    __tablename__ = "procurement_requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    year: Mapped[int | None] = mapped_column(Integer)
    # The author's context when shared (codes of vocab.SECTORS and SIZE_BANDS).
    sector: Mapped[str] = mapped_column(String(20), default="")
    size_band: Mapped[str] = mapped_column(String(20), default="")
    items: Mapped[str] = mapped_column(Text, default="{}")
    visibility: Mapped[str] = mapped_column(String(10), default="members")
    document_key: Mapped[str | None] = mapped_column(String(64))
    document_name: Mapped[str] = mapped_column(String(150), default="")
    document_type: Mapped[str] = mapped_column(String(8), default="")
    document_size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User] = relationship()

"""The change log table: one row per change that a projection of the database must
follow, written in the same transaction as the change itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, FetchedValue, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.dates import utcnow
from kb.extensions import db

# What a row names: re-read this object and project what is there now.
EXPERIENCE = "experience"
SYSTEM = "system"


class ChangeLogEntry(db.Model):
    """One change: the kind of object and its id, never its content (followers re-read it)."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_txid_id", "txid", "id"),
        {"sqlite_autoincrement": True},  # ids are never reused
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    # PostgreSQL: the writing transaction's id (a server default); NULL on SQLite.
    txid: Mapped[int | None] = mapped_column(BigInteger, server_default=FetchedValue())
    kind: Mapped[str] = mapped_column(String(12))
    object_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

"""The change log table: one row per change that a projection of the database must
follow, written in the same transaction as the change itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, FetchedValue, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.core.dates import utcnow
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


class ChangeLogFollower(db.Model):
    """A projection that follows the log from outside the database (one search-index
    generation on one server), with its cursor and when it was last heard of. Rows
    every live follower has applied may be deleted (kb.changelog.pruning); a follower
    not heard of for longer than a setting is forgotten."""

    __tablename__ = "change_log_follower"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    cursor_txid: Mapped[int] = mapped_column(BigInteger, default=0)
    cursor_id: Mapped[int] = mapped_column(BigInteger, default=0)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The last failure to apply the log (cleared by the next success), for /healthz.
    error: Mapped[str | None] = mapped_column(String(300))
    error_at: Mapped[datetime | None] = mapped_column(DateTime)


class ChangeLogState(db.Model):
    """One row that every follower checks itself against: which database this is (a
    random id, so an index built from another database is noticed), the rebuilds
    asked of every server (bulk loads that bypass the log), and how far the log has
    been pruned (a follower behind that point has missed changes)."""

    __tablename__ = "change_log_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    database_id: Mapped[str] = mapped_column(String(32))
    rebuild_request: Mapped[int] = mapped_column(Integer, default=0)
    rebuild_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    pruned_txid: Mapped[int] = mapped_column(BigInteger, default=0)
    pruned_id: Mapped[int] = mapped_column(BigInteger, default=0)
    pruned_at: Mapped[datetime | None] = mapped_column(DateTime)

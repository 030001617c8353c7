"""Following the change log: cursors, the rows after one, the head.

A follower (a search index, the figure snapshot, the mail sender) keeps a cursor:
how far it has applied. On PostgreSQL each row carries its transaction id, and
rows are applied in (txid, id) order, only below the snapshot's xmin: every
transaction below it has committed or rolled back, so no row can appear behind
the cursor later even when ids commit out of order. SQLite serialises writers,
so ids are that order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.orm import Session

from kb.changelog.table import ChangeLogEntry

_XMIN = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


@dataclass(frozen=True)
class Cursor:
    """How far a follower has applied the log."""

    txid: int = 0
    id: int = 0

    @classmethod
    def from_dict(cls, data: dict | None) -> Cursor:
        data = data or {}
        return cls(int(data.get("txid") or 0), int(data.get("id") or 0))

    def as_dict(self) -> dict:
        return {"txid": self.txid, "id": self.id}

    def before(self, other: Cursor, by_txid: bool) -> bool:
        """Whether this cursor is behind `other` in applying order ((txid, id) on
        PostgreSQL, id on SQLite)."""
        if by_txid:
            return (self.txid, self.id) < (other.txid, other.id)
        return self.id < other.id


@dataclass(frozen=True)
class Entry:
    id: int
    txid: int | None
    kind: str
    object_id: int

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.txid or 0, self.id)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def entries_after(session: Session, cursor: Cursor, limit: int) -> list[Entry]:
    """Rows not yet applied whose transactions are final, in applying order."""
    q = ChangeLogEntry
    query = select(q.id, q.txid, q.kind, q.object_id)
    if _postgres(session):
        query = query.where(
            q.txid < _XMIN, tuple_(q.txid, q.id) > tuple_(cursor.txid, cursor.id)
        ).order_by(q.txid, q.id)
    else:
        query = query.where(q.id > cursor.id).order_by(q.id)
    return [Entry(*row) for row in session.execute(query.limit(limit))]


def head(session: Session) -> Cursor:
    """The cursor just past every final row: where a follower that read everything
    from the database itself (a rebuild) starts following."""
    q = ChangeLogEntry
    if _postgres(session):
        row = session.execute(
            select(q.txid, q.id).where(q.txid < _XMIN).order_by(q.txid.desc(), q.id.desc())
            .limit(1)
        ).first()
        return Cursor(row.txid, row.id) if row else Cursor()
    return Cursor(0, session.scalar(select(func.max(q.id))) or 0)


def waiting(session: Session, cursor: Cursor) -> int:
    """Rows after the cursor (final or not): the work a follower has left."""
    q = ChangeLogEntry
    if _postgres(session):
        where = tuple_(func.coalesce(q.txid, 0), q.id) > tuple_(cursor.txid, cursor.id)
    else:
        where = q.id > cursor.id
    return session.scalar(select(func.count()).select_from(q).where(where)) or 0


def oldest_waiting(session: Session, cursor: Cursor) -> tuple[int, object] | None:
    """(id, created_at) of the first row after the cursor (final or not), or None."""
    q = ChangeLogEntry
    query = select(q.id, q.created_at)
    if _postgres(session):
        query = query.where(
            tuple_(func.coalesce(q.txid, 0), q.id) > tuple_(cursor.txid, cursor.id)
        ).order_by(q.txid, q.id)
    else:
        query = query.where(q.id > cursor.id).order_by(q.id)
    row = session.execute(query.limit(1)).first()
    return (row.id, row.created_at) if row else None


def waiting_up_to_expression(session: Session, cursor: Cursor, limit: int):
    """Rows after the cursor, counted no further than `limit` (a bounded index range),
    as a scalar subquery to combine with other counts in one statement."""
    q = ChangeLogEntry
    if _postgres(session):
        where = tuple_(func.coalesce(q.txid, 0), q.id) > tuple_(cursor.txid, cursor.id)
    else:
        where = q.id > cursor.id
    rows = select(q.id).where(where).limit(limit).subquery()
    return select(func.count()).select_from(rows).scalar_subquery()


def waiting_up_to(session: Session, cursor: Cursor, limit: int) -> int:
    """Like `waiting`, but counts no further than `limit`."""
    return session.scalar(select(waiting_up_to_expression(session, cursor, limit))) or 0


def beyond(session: Session, cursor: Cursor) -> bool:
    """Whether the cursor points past everything this database has logged or handed
    out: an index following another database, or this one before a restore."""
    q = ChangeLogEntry
    newest = session.scalar(select(func.max(q.id))) or 0
    if cursor.id > newest:
        return True
    if _postgres(session) and cursor.txid:
        next_txid = session.scalar(text("SELECT pg_snapshot_xmax(pg_current_snapshot())"
                                         "::text::bigint"))
        return cursor.txid >= next_txid
    return False


def since(connection, low: int) -> list[tuple[int, str, int]]:
    """(id, kind, object id) of every row with an id above `low`, committed or visible
    to this connection: the figure snapshot re-examines a window of recent ids."""
    q = ChangeLogEntry
    return [tuple(row) for row in connection.execute(
        select(q.id, q.kind, q.object_id).where(q.id > low))]


def newest_id_expression():
    """The newest row's id as a scalar subquery (None while the log is empty)."""
    return select(func.max(ChangeLogEntry.id)).scalar_subquery()


def count_above_expression(low):
    """How many rows have an id above `low` (an SQL expression), as a scalar subquery."""
    q = ChangeLogEntry
    return select(func.count()).select_from(q).where(q.id > low).scalar_subquery()

"""The change queue: every change the index must follow, written in the same
transaction as the change itself.

Rows are written from SQLAlchemy session events:
- after_flush: experiences created, changed or deleted, systems renamed
  (ids are known after the flush, and the insert joins the flush's transaction);
- before_flush: a member deleted (their experiences lose their author);
- do_orm_execute: ORM bulk `update(...)` / `delete(...)` statements, whose ids
  are read with the statement's own WHERE clause before it runs.
A rolled-back transaction takes its queue rows with it. After commit the
session asks for a drain (see kb.search.indexer).

On PostgreSQL each row carries its transaction id (`txid`), so a drain can
apply rows in the order their transactions became final, even when ids
commit out of order; SQLite serialises writers, so ids are that order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    FetchedValue,
    Index,
    Integer,
    String,
    event,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from kb.extensions import db
from kb.models import Experience, PayrollSystem, User, utcnow

EXPERIENCE = "experience"
SYSTEM = "system"
# Changes to these attributes of a system change its experiences' documents.
SYSTEM_FIELDS = ("name", "slug", "aliases", "vendor")

PENDING_KEY = "kb_search_pending"
DIRTY_KEY = "kb_search_dirty"


class SearchQueueEntry(db.Model):
    """One change the index must apply: re-read this object and index what is there now."""

    __tablename__ = "search_queue"
    __table_args__ = (
        Index("ix_search_queue_txid_id", "txid", "id"),
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


def _system_changed(system: PayrollSystem) -> bool:
    state = inspect(system)
    return any(state.attrs[name].history.has_changes() for name in SYSTEM_FIELDS)


def _before_flush(session: Session, _context, _instances) -> None:
    deleted_authors = [o.id for o in session.deleted if isinstance(o, User) and o.id]
    if deleted_authors:
        ids = session.execute(
            select(Experience.id).where(Experience.author_id.in_(deleted_authors))
        ).scalars()
        _pending(session).update((EXPERIENCE, i) for i in ids)


def _after_flush(session: Session, _context) -> None:
    changes = _pending(session)
    for obj in session.new:
        if isinstance(obj, Experience):
            changes.add((EXPERIENCE, obj.id))
    for obj in session.deleted:
        if isinstance(obj, Experience):
            changes.add((EXPERIENCE, obj.id))
    for obj in session.dirty:
        if isinstance(obj, Experience):
            if session.is_modified(obj, include_collections=False):
                changes.add((EXPERIENCE, obj.id))
        elif isinstance(obj, PayrollSystem) and _system_changed(obj):
            changes.add((SYSTEM, obj.id))
    session.info.pop(PENDING_KEY, None)
    _write(session, changes)


def _on_orm_execute(state) -> None:
    """Bulk UPDATE/DELETE bypass the unit of work: queue the rows they touch."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is None:
        return
    if mapper.class_ is Experience:
        kind = EXPERIENCE
    elif mapper.class_ is PayrollSystem:
        kind = SYSTEM
    else:
        return
    statement = state.statement
    table = mapper.local_table
    params = state.parameters
    if isinstance(params, list) and params and "id" in params[0]:
        ids = {p["id"] for p in params}  # bulk UPDATE by primary key
    else:
        where = statement.whereclause
        query = select(table.c.id)
        if where is not None:
            query = query.where(where)
        ids = set(state.session.connection().execute(query).scalars())
    _write(state.session, {(kind, i) for i in ids})


def _write(session: Session, changes: set[tuple[str, int]]) -> None:
    changes = {(kind, i) for kind, i in changes if i is not None}
    if not changes:
        return
    now = utcnow()
    session.connection().execute(
        insert(SearchQueueEntry.__table__),
        [
            {"kind": kind, "object_id": i, "created_at": now}
            for kind, i in sorted(changes)
        ],
    )
    session.info[DIRTY_KEY] = True


def _pending(session: Session) -> set:
    return session.info.setdefault(PENDING_KEY, set())


def _after_rollback(session: Session) -> None:
    # The queue rows went with the transaction; nothing to drain.
    session.info.pop(DIRTY_KEY, None)
    session.info.pop(PENDING_KEY, None)


_registered = False


def register_session_events(after_commit) -> None:
    """Listen on every ORM session (Flask-SQLAlchemy's and plain ones), once per process."""
    global _registered
    if _registered:
        return
    FlaskSession = Session  # noqa: N806  (all sessions, including db.session)

    def _after_commit(session: Session) -> None:
        if session.info.pop(DIRTY_KEY, False):
            after_commit()

    event.listen(FlaskSession, "before_flush", _before_flush)
    event.listen(FlaskSession, "after_flush", _after_flush)
    event.listen(FlaskSession, "do_orm_execute", _on_orm_execute)
    event.listen(FlaskSession, "after_commit", _after_commit)
    event.listen(FlaskSession, "after_rollback", _after_rollback)
    _registered = True

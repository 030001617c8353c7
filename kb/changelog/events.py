"""Writing the change log from SQLAlchemy session events, and telling followers after commit.

Rows are written from session events on every ORM session (Flask-SQLAlchemy's
and plain ones):
- after_flush: experiences created, changed or deleted, systems renamed
  (ids are known after the flush, and the insert joins the flush's transaction);
- before_flush: a member deleted (their experiences lose their author);
- do_orm_execute: ORM bulk `update(...)` / `delete(...)` statements, whose ids
  are read with the statement's own WHERE clause before it runs.
A rolled-back transaction takes its rows with it. After a commit that wrote
rows, every callback given to `on_commit` runs (the search index, the mail
sender...); each must never raise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from kb.changelog.table import EXPERIENCE, SYSTEM, ChangeLogEntry
from kb.core.dates import utcnow
from kb.models import Experience, PayrollSystem, User

log = logging.getLogger(__name__)

# Changes to these attributes of a system change its experiences' projections.
SYSTEM_FIELDS = ("name", "slug", "aliases", "vendor")

PENDING_KEY = "kb_changelog_pending"
DIRTY_KEY = "kb_changelog_dirty"

_callbacks: list[Callable[[], None]] = []
_registered = False


def on_commit(callback: Callable[[], None]) -> None:
    """Run `callback()` after every commit that wrote change-log rows (once per callback)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def mark_written(session: Session) -> None:
    """Code that inserts change-log rows itself (bulk loads) asks for the after-commit run."""
    session.info[DIRTY_KEY] = True


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
            # The networks it is shared with decide who reads it (kb.reach).
            if session.is_modified(obj, include_collections=False) or \
                    inspect(obj).attrs.networks.history.has_changes():
                changes.add((EXPERIENCE, obj.id))
        elif isinstance(obj, PayrollSystem) and _system_changed(obj):
            changes.add((SYSTEM, obj.id))
    session.info.pop(PENDING_KEY, None)
    write(session, changes)


def _on_orm_execute(state) -> None:
    """Bulk UPDATE/DELETE bypass the unit of work: log the rows they touch."""
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
    table = mapper.local_table
    params = state.parameters
    if isinstance(params, list) and params and "id" in params[0]:
        ids = {p["id"] for p in params}  # bulk UPDATE by primary key
    else:
        where = state.statement.whereclause
        query = select(table.c.id)
        if where is not None:
            query = query.where(where)
        ids = set(state.session.connection().execute(query).scalars())
    write(state.session, {(kind, i) for i in ids})


def write(session: Session, changes: set[tuple[str, int]]) -> None:
    """Insert change-log rows for (kind, object id) pairs in the session's transaction."""
    changes = {(kind, i) for kind, i in changes if i is not None}
    if not changes:
        return
    now = utcnow()
    session.connection().execute(
        insert(ChangeLogEntry.__table__),
        [{"kind": kind, "object_id": i, "created_at": now} for kind, i in sorted(changes)],
    )
    mark_written(session)


def _pending(session: Session) -> set:
    return session.info.setdefault(PENDING_KEY, set())


def _after_rollback(session: Session) -> None:
    # The rows went with the transaction; nobody needs telling.
    session.info.pop(DIRTY_KEY, None)
    session.info.pop(PENDING_KEY, None)


def _after_commit(session: Session) -> None:
    if not session.info.pop(DIRTY_KEY, False):
        return
    for callback in list(_callbacks):
        try:
            callback()
        except Exception:  # a follower catches up at its next turn; the commit stands
            log.exception("A change-log follower failed after commit.")


def register_session_events() -> None:
    """Listen on every ORM session, once per process."""
    global _registered
    if _registered:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_orm_execute)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _registered = True

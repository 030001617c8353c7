"""Followers outside the database register themselves and their cursors, so the log
keeps what they still need (kb.changelog.pruning).

A follower is one search-index generation on one server. It is registered when its
build starts (at the cursor it will follow from), and heard from at every drain and
on its timer. One not heard from for longer than CHANGE_LOG_FORGET_AFTER_SECONDS is
forgotten: rows it has not applied may then be pruned, and when it comes back its
cursor is behind the pruned point and it is rebuilt.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kb.changelog.reading import Cursor
from kb.changelog.table import ChangeLogFollower
from kb.core.dates import utcnow
from kb.database import sql

F = ChangeLogFollower


def register(session: Session, name: str, cursor: Cursor) -> None:
    """Insert or move a follower to `cursor`, seen now, without an error."""
    values = {"cursor_txid": cursor.txid, "cursor_id": cursor.id, "seen_at": utcnow(),
              "error": None, "error_at": None}
    session.execute(
        sql.insert(session.connection(), F.__table__).values(name=name, **values)
        .on_conflict_do_update(index_elements=["name"], set_=values)
    )


def heard_from(session: Session, name: str, cursor: Cursor | None = None,
               error: str | None = None, clear_error: bool = False) -> bool:
    """A registered follower is alive (at `cursor`, when given; with `error` as its
    last failure, or with its error cleared). False if it is not registered."""
    values: dict = {"seen_at": utcnow()}
    if cursor is not None:
        values.update(cursor_txid=cursor.txid, cursor_id=cursor.id)
    if error is not None:
        values.update(error=error[:300], error_at=utcnow())
    elif clear_error:
        values.update(error=None, error_at=None)
    return session.execute(update(F).where(F.name == name).values(**values)).rowcount > 0


def find(session: Session, name: str) -> ChangeLogFollower | None:
    return session.get(F, name, populate_existing=True)


def forget(session: Session, names) -> None:
    names = list(names)
    if names:
        session.execute(delete(F).where(F.name.in_(names)))


def forget_starting(session: Session, prefix: str, keep: str) -> None:
    """Forget every follower whose name starts with `prefix`, except `keep`."""
    session.execute(delete(F).where(F.name.startswith(prefix, autoescape=True), F.name != keep))


def forget_silent(session: Session, seen_before: datetime) -> list[str]:
    """Forget the followers not heard from since `seen_before`; their names."""
    names = list(session.scalars(select(F.name).where(F.seen_at < seen_before)))
    forget(session, names)
    return names


def slowest(session: Session) -> Cursor | None:
    """The cursor of the follower furthest behind (None without followers)."""
    postgres = sql.postgres(session.get_bind())
    order = (F.cursor_txid, F.cursor_id) if postgres else (F.cursor_id,)
    row = session.execute(select(F.cursor_txid, F.cursor_id).order_by(*order).limit(1)).first()
    return Cursor(row.cursor_txid, row.cursor_id) if row else None

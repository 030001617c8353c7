"""Deleting the rows every live follower has applied.

The figure snapshot (kb.stats.snapshot) is no registered follower: it re-examines
the newest kb.stats.cache.WINDOW rows by id and reloads in full when it is further
behind, so the newest KEEP_NEWEST rows (at least WINDOW) always stay, and its data
version (which counts the rows in that window) does not move when rows are pruned.
Without any registered follower nothing is deleted: a follower that has not
registered yet may still need every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.orm import Session

from kb.changelog import followers, state
from kb.changelog.reading import Cursor
from kb.changelog.table import ChangeLogEntry, ChangeLogState
from kb.core.dates import utcnow
from kb.database import sql

KEEP_NEWEST = 1000
BATCH = 10_000


@dataclass
class Pruned:
    deleted: int = 0
    forgotten: list[str] = field(default_factory=list)
    # The newest row deleted (followers behind it have missed changes).
    through: Cursor | None = None


def prune(session: Session, forget_after: float, keep: int = KEEP_NEWEST) -> Pruned:
    """Forget followers silent for `forget_after` seconds, then delete the rows every
    remaining follower has applied, except the newest `keep`. Commits."""
    q = ChangeLogEntry
    result = Pruned(forgotten=followers.forget_silent(
        session, utcnow() - timedelta(seconds=forget_after)))
    slowest = followers.slowest(session)
    newest = session.scalar(select(func.max(q.id)))
    if slowest is None or newest is None:
        session.commit()
        return result
    postgres = sql.postgres(session.get_bind())
    applied = (tuple_(q.txid, q.id) <= tuple_(slowest.txid, slowest.id) if postgres
               else q.id <= slowest.id)
    condition = (q.id <= newest - keep) & applied
    last = session.execute(
        select(q.txid, q.id).where(condition)
        .order_by(*((q.txid.desc(), q.id.desc()) if postgres else (q.id.desc(),))).limit(1)
    ).first()
    if last is None:
        session.commit()
        return result
    result.through = Cursor(last.txid or 0, last.id)
    state.current(session)
    while True:
        batch = select(q.id).where(condition).limit(BATCH)
        deleted = session.execute(delete(q).where(q.id.in_(batch))).rowcount
        result.deleted += deleted
        if deleted < BATCH:
            break
    s = ChangeLogState
    behind = (tuple_(s.pruned_txid, s.pruned_id) < tuple_(last.txid, last.id) if postgres
              else s.pruned_id < last.id)
    session.execute(update(s).where(s.id == state.ROW_ID, behind).values(
        pruned_txid=last.txid or 0, pruned_id=last.id, pruned_at=utcnow()))
    session.commit()
    return result

"""Keeping the search index a projection of the database.

The index follows the change log (kb.changelog): after every commit that wrote
change-log rows, the process that gets the index lock without waiting applies
the rows after the index's cursor, re-reading each experience (an experience
gone from the database leaves the index), so replays are harmless; a process
that cannot get the lock leaves the work to the next drain. Searches catch up
at most once a second, so changes other processes made arrive too. The whole
index can be rebuilt from the database at any time (kb.indexing.rebuild).

Before each drain the generation in use is judged (kb.indexing.validity): one
that is wrong – missing, unreadable, foreign, incomplete, forgotten by the change
log – is rebuilt from the database into a fresh generation (kb.indexing.upkeep),
never re-created empty and fed the change log; the old one keeps answering until
the new one is complete.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb import changelog
from kb.changelog import followers
from kb.core.dates import utcnow
from kb.database import sql
from kb.extensions import db, search_index
from kb.indexing import merging, state, upkeep, validity
from kb.indexing.documents import document, rows, system_texts
from kb.indexing.rebuilding import rebuild
from kb.models import Experience
from kb.search import Changes, IndexStore
from kb.search.index import describe_error

log = logging.getLogger(__name__)

__all__ = ["after_commit", "catch_up", "document", "drain", "follow",
           "last_drain_error", "merge_segments", "rebuild", "status"]

BATCH = 5000
# Segments the index may have before the small ones are merged (kb.indexing.merging:
# in a thread of its own in a web process, one process of the server at a time).
MERGE_AT_SEGMENTS = 6
# A search applies changes other processes logged at most this often.
CATCH_UP_SECONDS = 1.0
# A follower with nothing to apply tells the change log it is alive this often.
HEARTBEAT_SECONDS = 60.0
# How long a drain waits for changes just committed to become final (PostgreSQL).
SETTLE_SECONDS = 0.25


def store() -> IndexStore:
    return search_index.current


def _experience_ids(session: Session, entries) -> set[int]:
    ids = {e.object_id for e in entries if e.kind == changelog.EXPERIENCE}
    systems = {e.object_id for e in entries if e.kind == changelog.SYSTEM}
    if systems:
        ids.update(session.scalars(
            select(Experience.id).where(
                Experience.system_id.in_(systems)
                | Experience.switched_from_id.in_(systems)
                | Experience.considering_switch_to_id.in_(systems)
            )
        ))
    return ids


def apply_ids(changes: Changes, session: Session, ids: set[int]) -> None:
    """Index what the database holds now for these experiences (idempotent)."""
    systems = system_texts(session)
    found = set()
    documents = []
    for row in rows(session, ids):
        found.add(row.id)
        documents.append(document(row, systems))
    changes.update(documents)
    changes.delete(ids - found)


def drain(batch: int = BATCH, wait: float = 0.0, merge: bool = True) -> int:
    """Apply the waiting changes if this process gets the index lock (at once, or
    within `wait` seconds); otherwise leave them to the next drain. Returns rows applied.

    Without `merge` the changes go into a segment of their own (a few
    milliseconds); merging segments can take a tenth of a second at 100,000
    documents, so requests leave it until their response is sent."""
    applied = 0
    index = store()
    known = state.of(index)
    with index.try_writer(wait) as changes:
        known.lock_was_busy = changes is None
        if changes is None:
            return 0
        path = changes.path
        with Session(db.engine) as session:
            cursor = changelog.Cursor.from_dict(IndexStore.read_cursor(path))
            entries = changelog.entries_after(session, cursor, batch)
            if not entries:
                changes.cancel()
                if known.drain_error is not None:  # this drain went well: it is over
                    _heard_from(session, index, path, cursor)
                return 0
            while entries:
                apply_ids(changes, session, _experience_ids(session, entries))
                applied += len(entries)
                cursor = entries[-1].cursor
                if len(entries) < batch:
                    break
                entries = changelog.entries_after(session, cursor, batch)
            changes.commit(merge=merge)
            IndexStore.write_cursor(path, cursor.as_dict())
            _heard_from(session, index, path, cursor)
    return applied


def _heard_from(session: Session, index: IndexStore, path: str,
                cursor: changelog.Cursor) -> None:
    """Tell the change log where this generation is (registering it again if it was
    forgotten while it is the one in use), and that its last drain went well."""
    name = validity.follower_name(path)
    if not followers.heard_from(session, name, cursor, clear_error=True) and \
            index.current_path() == path:
        followers.register(session, name, cursor)
    session.commit()
    known = state.of(index)
    known.drain_error = None
    known.last_heartbeat = time.monotonic()


def _note_failure(index: IndexStore, error: Exception) -> None:
    """Keep a failed drain's error for /healthz: in this process, and with the
    generation's follower row for the other processes and `kb index-status`."""
    known = state.of(index)
    known.drain_error = (time.time(), describe_error(error))
    path = index.current_path()
    if path is None:
        return
    try:
        with Session(db.engine) as session:
            followers.heard_from(session, validity.follower_name(path),
                                 error=known.drain_error[1])
            session.commit()
    except Exception:  # the database may be what failed; this process still knows
        log.debug("Could not record the drain failure.", exc_info=True)


def last_drain_error() -> str | None:
    """Why this process's last drain failed, until a drain succeeds (None: it did not)."""
    error = state.of(store()).drain_error
    return error[1] if error is not None else None


def merge_segments() -> bool:
    """Merge small segments (Whoosh's default policy) now, unless another process or
    thread is merging or the write lock stays taken."""
    index = store()
    return merging.merge(index)


def follow() -> None:
    """After a commit that logged changes (and on this process's timer): judge the
    generation in use, have a wrong one rebuilt, and apply the waiting changes to a
    readable one now, never failing the caller."""
    index = search_index.find()
    if index is None:
        return
    try:
        with Session(db.engine) as session:
            verdict = validity.judge(session, index, deep=False)
        if verdict.wrong:
            upkeep.mend(verdict)
            verdict = _judge_again(index, verdict)
        if not verdict.readable:
            return
        if not drain(merge=False) and not _settle(index, verdict):
            _heartbeat(index, verdict)
            return
        if index.segment_count() >= MERGE_AT_SEGMENTS:
            merging.soon(index)
    except Exception as error:  # the change log keeps the work for the next drain
        _note_failure(index, error)
        log.exception("Applying the change log to the search index failed; it stays logged.")


def _judge_again(index: IndexStore, verdict: validity.Verdict) -> validity.Verdict:
    """After mending: a rebuild done at once (no background jobs) swapped in another
    generation."""
    if index.current_generation() == verdict.generation:
        return verdict
    with Session(db.engine) as session:
        return validity.judge(session, index, deep=False)


def _settle(index: IndexStore, verdict: validity.Verdict) -> int:
    """PostgreSQL: a change just committed is applied only once every older transaction
    of the cluster has ended (kb.changelog.reading), which another session can delay
    by a few milliseconds. A drain that found only such young changes tries again for
    up to SETTLE_SECONDS, so a member's own submission is searchable when its page
    answers. Returns rows applied."""
    if state.of(index).lock_was_busy or not sql.postgres(db.engine):
        return 0
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        with Session(db.engine) as session:
            oldest = changelog.oldest_waiting(session, changelog.Cursor.from_dict(
                IndexStore.read_cursor(verdict.path)))
        if oldest is None or (utcnow() - oldest[1]).total_seconds() > SETTLE_SECONDS * 4:
            return 0
        time.sleep(0.02)
        applied = drain(merge=False)
        if applied:
            return applied
    return 0


def _heartbeat(index: IndexStore, verdict: validity.Verdict) -> None:
    """Nothing to apply: tell the change log this follower is alive, now and then."""
    if verdict.wrong or time.monotonic() - state.of(index).last_heartbeat < HEARTBEAT_SECONDS:
        return
    with Session(db.engine) as session:
        cursor = changelog.Cursor.from_dict(IndexStore.read_cursor(verdict.path))
        _heard_from(session, index, verdict.path, cursor)


def after_commit() -> None:
    """The change-log callback (kb.changelog.on_commit); `follow` is looked up when it
    runs, so it can be replaced while the process lives."""
    follow()


def catch_up() -> None:
    """Changes logged by other processes (or left by a crash) reach this index at
    the next search, at most once a second per index and process."""
    known = state.of(store())
    now = time.monotonic()
    if now - known.last_catch_up < CATCH_UP_SECONDS:
        return
    known.last_catch_up = now
    follow()


def status() -> dict:
    """Rows in the database, documents in the index, changes waiting, and drift
    (every id compared: for `kb index-status`, not for polling)."""
    index = store()
    path = index.current_path()
    with Session(db.engine) as session:
        db_ids = set(session.scalars(select(Experience.id)))
        queued = changelog.waiting(session, changelog.Cursor.from_dict(
            IndexStore.read_cursor(path) if path else None))
    try:
        index_ids, documents = index.document_ids(path) if path else (set(), 0)
    except Exception:  # an unreadable generation holds nothing that can be searched
        index_ids, documents = set(), 0
    missing = len(db_ids - index_ids)
    extra = len(index_ids - db_ids)
    return {
        "rows": len(db_ids),
        "documents": documents,
        "queued": queued,
        "missing": missing,
        "extra": extra,
        "drift": bool(missing or extra or queued or documents != len(db_ids)),
    }

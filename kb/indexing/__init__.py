"""Keeping the search index a projection of the database.

The index follows the change log (kb.changelog): after every commit that wrote
change-log rows, the process that gets the index lock without waiting applies
the rows after the index's cursor, re-reading each experience (an experience
gone from the database leaves the index), so replays are harmless; a process
that cannot get the lock leaves the work to the next drain. Searches catch up
at most once a second, so changes other processes made arrive too. The whole
index can be rebuilt from the database at any time (kb.indexing.rebuild).
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb import changelog
from kb.extensions import db, search_index
from kb.indexing.documents import document, rows, system_texts
from kb.indexing.rebuilding import rebuild
from kb.models import Experience
from kb.search import IndexStore, delete_documents, update_documents

log = logging.getLogger(__name__)

__all__ = ["after_commit", "catch_up", "document", "drain", "follow", "merge_segments",
           "rebuild", "status"]

BATCH = 5000
# Segments the index may have before a merge of the small ones is wanted (web
# requests do it after their response is sent) ...
MERGE_AT_SEGMENTS = 6
# ... and the number at which the drain merges at once, wherever it runs.
MERGE_NOW_AT_SEGMENTS = 16
# A search applies changes other processes logged at most this often.
CATCH_UP_SECONDS = 1.0


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


def apply_ids(writer, session: Session, ids: set[int]) -> None:
    """Index what the database holds now for these experiences (idempotent)."""
    systems = system_texts(session)
    found = set()
    documents = []
    for row in rows(session, ids):
        found.add(row.id)
        documents.append(document(row, systems))
    update_documents(writer, documents)
    delete_documents(writer, ids - found)


def drain(batch: int = BATCH, wait: float = 0.0, merge: bool = True) -> int:
    """Apply the waiting changes if this process gets the index lock (at once, or
    within `wait` seconds); otherwise leave them to the next drain. Returns rows applied.

    Without `merge` the changes go into a segment of their own (a few
    milliseconds); merging segments can take a tenth of a second at 100,000
    documents, so requests leave it until their response is sent."""
    applied = 0
    with store().try_writer(wait) as (writer, path):
        if writer is None:
            return 0
        with Session(db.engine) as session:
            cursor = changelog.Cursor.from_dict(IndexStore.read_cursor(path))
            entries = changelog.entries_after(session, cursor, batch)
            if not entries:
                writer.cancel()
                return 0
            while entries:
                apply_ids(writer, session, _experience_ids(session, entries))
                applied += len(entries)
                cursor = entries[-1].cursor
                if len(entries) < batch:
                    break
                entries = changelog.entries_after(session, cursor, batch)
            writer.commit(merge=merge)
            IndexStore.write_cursor(path, cursor.as_dict())
    return applied


def merge_segments() -> bool:
    """Merge small segments (Whoosh's default policy) if the lock is free now."""
    index = store()
    index.merge_wanted = False
    with index.try_writer() as (writer, _path):
        if writer is None:
            return False
        writer.commit(merge=True)
        return True


def follow() -> None:
    """After a commit that logged changes: apply them now, never failing the caller."""
    index = search_index.find()
    if index is None:
        return
    try:
        if not drain(merge=False):
            return
        segments = index.segment_count()
        if segments >= MERGE_NOW_AT_SEGMENTS:
            merge_segments()
        elif segments >= MERGE_AT_SEGMENTS:
            index.merge_wanted = True
    except Exception:  # the change log keeps the work for the next drain
        log.exception("Applying the change log to the search index failed; it stays logged.")


def after_commit() -> None:
    """The change-log callback (kb.changelog.on_commit); `follow` is looked up when it
    runs, so it can be replaced while the process lives."""
    follow()


def catch_up() -> None:
    """Changes logged by other processes (or left by a crash) reach this index at
    the next search, at most once a second per index and process."""
    index = store()
    now = time.monotonic()
    if now - index.last_catch_up < CATCH_UP_SECONDS:
        return
    index.last_catch_up = now
    follow()


def status() -> dict:
    """Rows in the database, documents in the index, changes waiting, and drift."""
    index = store()
    path = index.current_path()
    with Session(db.engine) as session:
        db_ids = set(session.scalars(select(Experience.id)))
        queued = changelog.waiting(session, changelog.Cursor.from_dict(
            IndexStore.read_cursor(path)))
    index_ids, documents = index.document_ids(path)
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

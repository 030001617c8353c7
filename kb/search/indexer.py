"""Keeping the index a projection of the database: drain the queue, rebuild, status."""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import shutil
from collections.abc import Iterable, Iterator

from flask import after_this_request, current_app, g, has_app_context, has_request_context
from sqlalchemy import func, select, text, tuple_
from sqlalchemy.orm import Session
from whoosh.query import Term

from kb.extensions import db
from kb.models import Experience, PayrollSystem
from kb.search import bulk, whoosh_internals
from kb.search.index import BUILDING, IndexStore
from kb.search.queue import EXPERIENCE, SYSTEM, SearchQueueEntry

log = logging.getLogger(__name__)

BATCH = 1000
# Below this many rows a single process is quicker than starting a second one.
PARALLEL_FROM = 5000
MAX_PROCS = 2
# Segments the index may have before a request schedules a merge of the small
# ones (after its response is sent).
MERGE_AT_SEGMENTS = 6

_TEXT_COLUMNS = ("title", "pros", "cons", "tips", "body", "switch_reason")
_COLUMNS = (
    "id", "author_id", "system_id", "switched_from_id", "considering_switch_to_id",
    "sector", "size_band", "reviewer_role", "usage_status", "satisfaction",
    "visibility", "moderation_state", "created_at", "helpful_count", "confirmed_at",
    *_TEXT_COLUMNS,
)


def store() -> IndexStore:
    return current_app.extensions["kb_search"]


# Documents -------------------------------------------------------------------


def _system_texts(session: Session) -> dict[int, tuple[str, str]]:
    """Per system: (name, aliases, vendor and slug) and its name alone."""
    rows = session.execute(
        select(PayrollSystem.id, PayrollSystem.name, PayrollSystem.aliases,
               PayrollSystem.vendor, PayrollSystem.slug)
    )
    return {
        r.id: (" ".join([r.name, r.aliases or "", r.vendor or "", r.slug.replace("-", " ")]),
               r.name)
        for r in rows
    }


def _document(row, systems: dict[int, tuple[str, str]]) -> dict:
    body = "\n".join(getattr(row, c) or "" for c in _TEXT_COLUMNS[1:])
    others = " ".join(
        systems.get(i, ("", ""))[1] for i in (row.switched_from_id, row.considering_switch_to_id)
        if i
    )
    return {
        "id": str(row.id),
        "title": row.title or "",
        "body": body,
        "parts": f"{row.title or ''}\n{body}",
        "system_names": systems.get(row.system_id, ("", ""))[0],
        "other_systems": others,
        "system_id": str(row.system_id),
        "sector": row.sector or "",
        "size_band": row.size_band or "",
        "role": row.reviewer_role or "",
        "status": row.usage_status or "",
        "visibility": row.visibility,
        "state": row.moderation_state,
        "author_id": str(row.author_id or 0),
        "satisfaction": row.satisfaction,
        "created": row.created_at,
        "helpful": row.helpful_count or 0,
        "confirmed": row.confirmed_at or row.created_at,
    }


def _rows(session: Session, ids: Iterable[int] | None = None, low: int = 0,
          high: int | None = None) -> Iterator:
    """Experience rows in id order, a batch at a time: these ids, or all with
    low < id <= high."""
    columns = [getattr(Experience, c) for c in _COLUMNS]
    if ids is not None:
        ids = sorted(ids)
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            yield from session.execute(
                select(*columns).where(Experience.id.in_(chunk)).order_by(Experience.id)
            )
        return
    last = low
    while True:
        query = select(*columns).where(Experience.id > last)
        if high is not None:
            query = query.where(Experience.id <= high)
        batch = session.execute(query.order_by(Experience.id).limit(BATCH)).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


# The queue -------------------------------------------------------------------


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _entries_after(session: Session, cursor: dict, limit: int) -> list:
    """Queue rows not yet applied whose transactions are final, in applying order."""
    q = SearchQueueEntry
    query = select(q.id, q.txid, q.kind, q.object_id)
    if _postgres(session):
        # Transactions below the snapshot's xmin have all committed or rolled
        # back: their rows can no longer appear behind the cursor.
        xmin = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        query = query.where(
            q.txid < xmin,
            tuple_(q.txid, q.id) > tuple_(cursor.get("txid", 0), cursor.get("id", 0)),
        ).order_by(q.txid, q.id)
    else:
        query = query.where(q.id > cursor.get("id", 0)).order_by(q.id)
    return session.execute(query.limit(limit)).all()


def _head(session: Session) -> dict:
    """The cursor just past every final queue row: where a rebuild starts following."""
    q = SearchQueueEntry
    if _postgres(session):
        xmin = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        row = session.execute(
            select(q.txid, q.id).where(q.txid < xmin).order_by(q.txid.desc(), q.id.desc())
            .limit(1)
        ).first()
        return {"txid": row.txid, "id": row.id} if row else {"txid": 0, "id": 0}
    last = session.scalar(select(func.max(q.id)))
    return {"txid": 0, "id": last or 0}


def _queued(session: Session, cursor: dict) -> int:
    q = SearchQueueEntry
    if _postgres(session):
        where = tuple_(func.coalesce(q.txid, 0), q.id) > tuple_(
            cursor.get("txid", 0), cursor.get("id", 0)
        )
    else:
        where = q.id > cursor.get("id", 0)
    return session.scalar(select(func.count()).select_from(q).where(where)) or 0


def _experience_ids(session: Session, entries) -> set[int]:
    ids = {e.object_id for e in entries if e.kind == EXPERIENCE}
    systems = {e.object_id for e in entries if e.kind == SYSTEM}
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
    systems = _system_texts(session)
    found = set()
    for row in _rows(session, ids):
        found.add(row.id)
        writer.update_document(**_document(row, systems))
    for missing in ids - found:
        writer.delete_by_term("id", str(missing))


def drain(batch: int = 5000, wait: float = 0.0, merge: bool = True) -> int:
    """Apply the waiting changes if this process gets the index lock without
    waiting; otherwise leave them to the next drain. Returns entries applied.

    Without `merge` the changes go into a segment of their own (a few
    milliseconds); merging segments can take a tenth of a second at 100,000
    documents, so requests leave it to `merge_segments` after their response."""
    applied = 0
    with store().try_writer(wait) as (writer, path):
        if writer is None:
            return 0
        with Session(db.engine) as session:
            cursor = IndexStore.read_cursor(path)
            entries = _entries_after(session, cursor, batch)
            if not entries:
                writer.cancel()
                return 0
            while entries:
                apply_ids(writer, session, _experience_ids(session, entries))
                applied += len(entries)
                last = entries[-1]
                cursor = {"txid": last.txid or 0, "id": last.id}
                if len(entries) < batch:
                    break
                entries = _entries_after(session, cursor, batch)
            writer.commit(merge=merge)
            IndexStore.write_cursor(path, cursor)
    return applied


def merge_segments() -> bool:
    """Merge small segments (Whoosh's default policy) if the lock is free now."""
    with store().try_writer() as (writer, _path):
        if writer is None:
            return False
        writer.commit(merge=True)
        return True


def segment_count() -> int:
    return whoosh_internals.segment_count(store().open_index())


def drain_quietly() -> None:
    """After a commit: try to drain, never fail the request."""
    if not has_app_context() or "kb_search" not in current_app.extensions:
        return
    try:
        if not has_request_context():
            drain()
            return
        # Only a drain that wrote can have added a segment.
        if drain(merge=False) and segment_count() >= MERGE_AT_SEGMENTS:
            _merge_after_response()
    except Exception:  # the queue keeps the work for the next drain
        log.exception("Applying the search queue failed; it stays queued.")


def _merge_after_response() -> None:
    """Merge once this request's response has been sent (once per request)."""
    if g.get("kb_merge_scheduled"):
        return
    g.kb_merge_scheduled = True
    app = current_app._get_current_object()

    def merge() -> None:
        with app.app_context():
            try:
                merge_segments()
            except Exception:  # a later request tries again
                log.exception("Merging index segments failed.")

    @after_this_request
    def merge_when_closed(response):
        response.call_on_close(merge)
        return response


# Rebuild and status ------------------------------------------------------------


def rebuild(progress: bool = False) -> int:
    """Build the whole index from the database into a fresh generation, then
    swap it in; searches keep using the old one meanwhile.

    The rows are split by id into one part per CPU (two at most; one below
    PARALLEL_FROM rows); a forked worker process reads and indexes each part
    but the last, which this process does, each into its own segment
    (kb.search.bulk); the segments are committed together.
    """
    ix_store = store()
    ix_store.ensure()
    path = ix_store.new_generation()
    with open(os.path.join(path, BUILDING), "w", encoding="utf-8") as f:
        f.write(str(os.getpid()))
    try:
        with Session(db.engine) as session:
            cursor = _head(session)  # before reading: later changes are replayed
            total = session.scalar(select(func.count()).select_from(Experience)) or 0
            systems = _system_texts(session)
            bounds = _split(session, total)
            ix = ix_store.open_index(path)
            bar = _progress(progress, total)
            counts: list[int] = []
            try:
                def build():
                    workers = [_Worker(path, bounds[i], bounds[i + 1], systems)
                               for i in range(len(bounds) - 2)]
                    try:
                        segment, n = bulk.build_segment(
                            ix, (_document(row, systems)
                                 for row in _rows(session, low=bounds[-2], high=bounds[-1])),
                            progress=bar.update)
                        results = [w.result(bar) for w in workers]
                    finally:
                        for worker in workers:
                            worker.stop()
                    counts.extend([n, *(c for _s, c in results)])
                    return [segment, *(s for s, _c in results)]

                bulk.commit_segments(ix, build)
            finally:
                bar.finish()
            count = sum(counts)
        IndexStore.write_cursor(path, cursor)
        os.remove(os.path.join(path, BUILDING))
        ix_store.swap_in(path)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    drain_quietly()  # changes made while building
    return count


def _split(session: Session, total: int) -> list[int]:
    """Id bounds [b0, b1, ..., bn]: part i holds b[i] < id <= b[i+1]."""
    parts = 1
    url = session.get_bind().url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if total >= PARALLEL_FROM and not in_memory and "fork" in mp.get_all_start_methods():
        parts = max(1, min(MAX_PROCS, os.cpu_count() or 1))
    if parts == 1:
        return [0, 2**31 - 1]
    ids = session.scalars(select(Experience.id).order_by(Experience.id)).all()
    return [0, *(ids[len(ids) * i // parts - 1] for i in range(1, parts)), 2**31 - 1]


class _Worker:
    """A forked process that indexes the rows low < id <= high into a segment."""

    def __init__(self, path: str, low: int, high: int, systems: dict):
        ctx = mp.get_context("fork")
        self._done = ctx.Value("q", 0)
        self._reported = 0
        self._queue = ctx.Queue()
        url = db.engine.url.render_as_string(hide_password=False)
        self._process = ctx.Process(
            target=_work, args=(url, path, low, high, systems, self._done, self._queue),
            daemon=True)
        self._process.start()

    def result(self, bar):
        """Wait for the segment (reporting progress); re-raise a worker's error."""
        while True:
            try:
                kind, value = self._queue.get(timeout=0.5)
                break
            except queue.Empty:
                self._report(bar)
                if not self._process.is_alive() and self._queue.empty():
                    raise RuntimeError("An index worker process died") from None
        self._report(bar)
        if kind == "error":
            raise RuntimeError(f"An index worker failed:\n{value}")
        return value

    def _report(self, bar) -> None:
        done = self._done.value
        bar.update(done - self._reported)
        self._reported = done

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._queue.close()


def _work(url, path, low, high, systems, done, results) -> None:
    """In the worker: its own database connection, its own segment."""
    from sqlalchemy import create_engine
    from whoosh import index as whoosh_index

    try:
        engine = create_engine(url)

        def progress(n):
            with done.get_lock():
                done.value += n

        try:
            with Session(engine) as session:
                ix = whoosh_index.open_dir(path)
                documents = (_document(row, systems)
                             for row in _rows(session, low=low, high=high))
                results.put(("ok", bulk.build_segment(ix, documents, progress=progress)))
        finally:
            engine.dispose()
    except BaseException:
        import traceback

        results.put(("error", traceback.format_exc()))


class _NoBar:
    def update(self, n):
        pass

    def finish(self):
        pass


class _ClickBar:
    def __init__(self, total: int):
        import click

        self._bar = click.progressbar(length=total, label="Indexerar erfarenheter",
                                      file=None)
        self._bar.__enter__()

    def update(self, n):
        self._bar.update(n)

    def finish(self):
        self._bar.__exit__(None, None, None)


def _progress(enabled: bool, total: int):
    return _ClickBar(total) if enabled else _NoBar()


def status() -> dict:
    """Rows in the database, documents in the index, changes waiting, and drift."""
    ix_store = store()
    path = ix_store.current_path()
    with Session(db.engine) as session:
        db_ids = set(session.scalars(select(Experience.id)))
        queued = _queued(session, IndexStore.read_cursor(path))
    ix = ix_store.open_index(path)
    with ix.searcher() as searcher:
        index_ids = {int(fields["id"]) for fields in searcher.all_stored_fields()}
        documents = searcher.doc_count()
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


def document_ids_matching(field: str, value: str) -> set[int]:
    """Ids of indexed experiences with this term (for tests and diagnostics)."""
    with store().searcher() as searcher:
        return {
            int(searcher.stored_fields(n)["id"])
            for n in searcher.docs_for_query(Term(field, value))
        }

"""Rebuilding the whole index from the database into a fresh generation.

The rows are split by id into one part per CPU (two at most; one below
PARALLEL_FROM rows); a forked worker process reads and indexes each part but
the last, which this process does, each into segments of its own of at most
SEGMENT_DOCUMENTS (kb.search.bulk), one at a time, so memory stays bounded at any
size; the segments are committed together and the generation is swapped in when
complete, so searches keep using the old one meanwhile.

The new generation is registered with the change log's followers before any row
is read, at the cursor it will follow from, so pruning keeps what it needs; it
records what it was built from (kb.indexing.validity.manifest_for) when complete.
One process of a server builds at a time (the index directory's rebuild lock).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import os
import queue
import traceback

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb import changelog
from kb.changelog import followers
from kb.extensions import db, search_index
from kb.indexing.documents import document, rows, system_texts
from kb.indexing.validity import follower_name, manifest_for, server_prefix
from kb.models import Experience
from kb.search import IndexStore, build_segment, commit_segments

log = logging.getLogger(__name__)

# Below this many rows a single process is quicker than starting a second one.
PARALLEL_FROM = 5000
MAX_PROCS = 2
# Documents per segment: a process holds one segment's postings in memory while it
# writes it (about 12 KB a document), so this bounds a rebuild's memory at any size.
SEGMENT_DOCUMENTS = 25_000


def rebuild(progress: bool = False, wait: bool = True, parallel: bool = True) -> int | None:
    """Build the index from the database and swap it in; returns documents indexed,
    or None when `wait` is off and another process of this server is building."""
    from kb import indexing

    index = search_index.current
    with index.rebuild_lock(wait=wait) as locked:
        if not locked:
            return None
        count = _build(index, progress, parallel)
    indexing.follow()  # changes made while building
    return count


def _build(index, progress: bool, parallel: bool) -> int:
    path = index.new_generation(building=True)
    name = follower_name(path)
    try:
        with Session(db.engine) as session:
            cursor = changelog.head(session)  # before reading: later changes are replayed
            manifest = manifest_for(session, 0)
            followers.register(session, name, cursor)
            session.commit()
            total = session.scalar(select(func.count()).select_from(Experience)) or 0
            systems = system_texts(session)
            bounds = _split(session, total if parallel else 0)
            ix = index.open_index(path)
            bar = _progress(progress, total)
            counts: list[int] = []
            try:
                def build():
                    workers = [_Worker(path, bounds[i], bounds[i + 1], systems)
                               for i in range(len(bounds) - 2)]
                    try:
                        segments, n = build_segments(
                            ix, (document(row, systems)
                                 for row in rows(session, low=bounds[-2], high=bounds[-1])),
                            progress=bar.update)
                        results = [w.result(bar) for w in workers]
                    finally:
                        for worker in workers:
                            worker.stop()
                    counts.extend([n, *(c for _s, c in results)])
                    return [*segments, *(s for built, _c in results for s in built)]

                commit_segments(ix, build)
            finally:
                bar.finish()
        IndexStore.write_cursor(path, cursor.as_dict())
        IndexStore.write_manifest(path, {**manifest, "documents": sum(counts)})
        index.finish_generation(path)
    except BaseException:
        index.discard_generation(path)
        _forget([name])
        raise
    index.swap_in(path)
    _forget_replaced(index.root, keep=name)
    return sum(counts)


def build_segments(ix, documents, progress=None) -> tuple[list, int]:
    """The documents written as consecutive segments of SEGMENT_DOCUMENTS at most,
    so a process holds one segment's postings at a time however large the table;
    (the segments, documents written)."""
    segments, total = [], 0
    documents = iter(documents)
    while (first := next(documents, None)) is not None:
        batch = itertools.chain([first], itertools.islice(documents, SEGMENT_DOCUMENTS - 1))
        segment, n = build_segment(ix, batch, progress=progress)
        segments.append(segment)
        total += n
    return segments, total


def _forget(names: list[str]) -> None:
    """A generation never completed follows nothing."""
    try:
        with Session(db.engine) as session:
            followers.forget(session, names)
            session.commit()
    except Exception:  # it is forgotten after CHANGE_LOG_FORGET_AFTER_SECONDS anyway
        log.warning("Could not remove the change-log follower %s.", names, exc_info=True)


def _forget_replaced(root: str, keep: str) -> None:
    """The server's generations replaced by `keep` (and any lost with their directory)
    follow nothing any more; rows only they needed may be pruned."""
    try:
        with Session(db.engine) as session:
            followers.forget_starting(session, server_prefix(root), keep=keep)
            session.commit()
    except Exception:  # they are forgotten after CHANGE_LOG_FORGET_AFTER_SECONDS anyway
        log.warning("Could not remove replaced change-log followers.", exc_info=True)


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

    try:
        engine = create_engine(url)

        def progress(n):
            with done.get_lock():
                done.value += n

        try:
            with Session(engine) as session:
                ix = IndexStore.open_generation(path)
                documents = (document(row, systems)
                             for row in rows(session, low=low, high=high))
                results.put(("ok", build_segments(ix, documents, progress=progress)))
        finally:
            engine.dispose()
    except BaseException:
        results.put(("error", traceback.format_exc()))


class _NoBar:
    def update(self, n):
        pass

    def finish(self):
        pass


class _ClickBar:
    def __init__(self, total: int):
        import click

        self._bar = click.progressbar(length=total, label="Indexerar erfarenheter", file=None)
        self._bar.__enter__()

    def update(self, n):
        self._bar.update(n)

    def finish(self):
        self._bar.__exit__(None, None, None)


def _progress(enabled: bool, total: int):
    return _ClickBar(total) if enabled else _NoBar()

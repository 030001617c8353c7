"""Merges of small segments run in one process of a server at a time (the index's
merge lock), never on a request's path, and a merge does not lose what it merges."""

import multiprocessing
import time
from datetime import datetime

from kb.search import IndexStore
from kb.search.writing import Changes


def document(n: int) -> dict:
    return {"id": str(n), "title": f"Lönekörning {n}", "body": "", "parts": "",
            "created": datetime(2024, 1, n % 28 + 1)}


def in_use(root) -> IndexStore:
    store = IndexStore(str(root))
    store.ensure()
    store.swap_in(store.new_generation())
    for n in range(12):  # small segments, one a write
        with store.try_writer() as changes:
            changes.update([document(n)])
            changes.commit(merge=False)
    return store


def _hold(root, held, release) -> None:
    store = IndexStore(root)
    with store.merge_lock() as mine:
        assert mine
        held.set()
        release.wait(10)


def test_while_another_process_merges_this_one_does_not(tmp_path):
    store = in_use(tmp_path / "index")
    context = multiprocessing.get_context("fork")
    held, release = context.Event(), context.Event()
    other = context.Process(target=_hold, args=(store.root, held, release))
    other.start()
    try:
        assert held.wait(10)
        assert not store.merge_segments()  # at once, without waiting for the other
        assert store.segment_count() == 12
    finally:
        release.set()
        other.join(10)
    assert other.exitcode == 0
    assert store.merge_segments()
    assert store.segment_count() < 12
    assert store.document_ids() == (set(range(12)), 12)
    store.close()


def _merge_repeatedly(root, log, start) -> None:
    store = IndexStore(root)
    start.wait(10)
    for _ in range(15):
        store.merge_segments()
    store.close()


def test_two_processes_merging_at_once_never_overlap(tmp_path, monkeypatch):
    store = in_use(tmp_path / "index")
    log = tmp_path / "merges.log"
    commit = Changes.commit

    def slow_commit(self, merge=True):
        """Each merge notes when it ran, and takes long enough to collide."""
        started = time.monotonic()
        time.sleep(0.02)
        commit(self, merge=merge)
        if merge:
            with open(log, "a", encoding="utf-8") as f:
                f.write(f"{started} {time.monotonic()}\n")

    monkeypatch.setattr(Changes, "commit", slow_commit)
    context = multiprocessing.get_context("fork")
    start = context.Event()
    workers = [context.Process(target=_merge_repeatedly, args=(store.root, str(log), start))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    spans = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
    assert len(spans) >= 2
    for (_start, end), (next_start, _end) in zip(spans, spans[1:], strict=False):
        assert next_start >= end  # one merge ended before the next began
    assert store.document_ids() == (set(range(12)), 12)
    store.close()

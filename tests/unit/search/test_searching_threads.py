"""Searches in several threads of one process share its searcher: Whoosh's readers
read their files by seek and read, which is not safe in two threads at once, so a
process lets one thread search at a time (KB_THREADS above 1)."""

import threading
from datetime import datetime

from kb.search import IndexStore
from kb.search import whoosh_internals as internals


def document(n: int) -> dict:
    title = f"Lönesystemet nummer {n} fungerar med semesterberäkning och support"
    return {"id": str(n), "title": title, "body": title * 3, "parts": title,
            "created": datetime(2024, 1, n % 28 + 1)}


def test_threads_searching_at_once_read_what_one_thread_reads(tmp_path):
    store = IndexStore(str(tmp_path / "index"))
    store.ensure()
    store.swap_in(store.new_generation())
    for start in range(0, 600, 200):  # three segments
        with store.try_writer() as changes:
            changes.update(document(n) for n in range(start, start + 200))
            changes.commit(merge=False)
    with store.searcher() as searcher:
        expected = sorted(int(f["id"]) for f in searcher.all_stored_fields())
    failures = []

    def read():
        try:
            for _ in range(15):
                with store.searcher() as searcher:
                    found = sorted(int(f["id"]) for f in searcher.all_stored_fields())
                    for leaf in internals.leaf_readers(searcher.reader()):
                        internals.term_postings(leaf, "body", "semesterberäkning")
                if found != expected:
                    failures.append("different documents")
        except Exception as error:  # noqa: BLE001 (any error is the finding)
            failures.append(repr(error))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert failures == []

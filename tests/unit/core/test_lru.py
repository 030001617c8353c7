"""The least-recently-used store behind the search and figure caches (kb.lru)."""

import sys
import threading

import numpy as np
import pytest

from kb.core.lru import LeastRecentlyUsed


def test_the_least_recently_used_entry_goes_first():
    store = LeastRecentlyUsed(entries=3)
    for key in "abc":
        store.put(key, key.upper())
    assert store.get("a") == "A"  # now b is the least recently used
    store.put("d", "D")
    assert set(store) == {"a", "c", "d"}
    assert store.get("b") is None and len(store) == 3


def test_a_byte_budget_counts_what_each_value_holds():
    def size(postings):
        ids, weights = postings
        return ids.nbytes + weights.nbytes

    store = LeastRecentlyUsed(budget=1000, size=size)
    postings = {key: (np.zeros(n, dtype=np.int64), np.zeros(n)) for key, n in
                (("lön", 30), ("system", 20), ("semester", 25))}  # 480, 320, 400 bytes
    for key, value in postings.items():
        assert store.put(key, value) is value
    assert set(store) == {"system", "semester"}  # 480 + 320 + 400 > 1000: lön went
    huge = (np.zeros(100, dtype=np.int64), np.zeros(100))
    assert store.put("pension", huge) is huge  # larger than the budget: handed back,
    assert store.get("pension") is None  # not kept,
    assert set(store) == {"system", "semester"}  # and nothing else pushed out


def test_the_first_value_kept_stays():
    store = LeastRecentlyUsed(entries=2)
    first, second = object(), object()
    assert store.put("k", first) is first
    assert store.put("k", second) is first  # another thread's value came first
    assert store.get("k") is first


def test_keep_only_forgets_every_other_key():
    store = LeastRecentlyUsed(budget=100, size=len)
    store.put(("gen-1", "a"), "x" * 40)
    store.put(("gen-1", "b"), "x" * 40)
    store.keep_only({("gen-2", "c"), ("gen-1", "b")})
    assert list(store) == [("gen-1", "b")]
    store.put(("gen-2", "c"), "x" * 60)  # the forgotten bytes no longer count
    assert set(store) == {("gen-1", "b"), ("gen-2", "c")}


def test_one_limit_is_needed():
    for kwargs in ({}, {"entries": 2, "budget": 10, "size": len}, {"budget": 10}):
        with pytest.raises(ValueError):
            LeastRecentlyUsed(**kwargs)


def test_threads_share_one_store_safely():
    # Threads switch every microsecond instead of every 5 ms: an unlocked
    # LRUCache then loses its byte count or raises KeyError while evicting.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    store = LeastRecentlyUsed(budget=64 * 50, size=len)
    errors = []

    def work(worker: int):
        try:
            for n in range(2000):
                key = (worker * 7 + n) % 120
                value = store.get(key) or store.put(key, b"x" * (32 + key % 32))
                assert len(value) == 32 + key % 32
                if n % 500 == 0:
                    store.keep_only(set(range(0, 120, 2)))
                    list(store)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    assert errors == []
    assert sum(32 + key % 32 for key in store) <= 64 * 50

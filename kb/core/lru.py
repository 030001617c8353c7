"""A least-recently-used store, safe across threads, for the per-process caches
(search postings and masks per segment, figure profiles): cachetools' LRUCache
behind a lock, since cachetools' caches are not thread-safe."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterator

from cachetools import LRUCache


class LeastRecentlyUsed:
    """At most `entries` values, or at most `budget` bytes in all (as `size` counts
    a value); the least recently used go first. A value larger than the whole
    budget is handed back but not kept."""

    def __init__(self, entries: int | None = None, budget: int | None = None,
                 size: Callable[[object], int] | None = None):
        if (entries is None) == (budget is None) or (budget is not None and size is None):
            raise ValueError("give either entries, or budget and size")
        self._values = (LRUCache(maxsize=entries) if budget is None
                        else LRUCache(maxsize=budget, getsizeof=size))
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            return self._values.get(key)

    def put(self, key: Hashable, value):
        """Keep the value (the first one stays if another thread kept one meanwhile)."""
        with self._lock:
            kept = self._values.get(key)
            if kept is not None:
                return kept
            with contextlib.suppress(ValueError):  # larger than the whole budget
                self._values[key] = value
            return value

    def keep_only(self, keys: set) -> None:
        """Forget every value whose key is not in `keys`."""
        with self._lock:
            for key in [key for key in self._values if key not in keys]:
                del self._values[key]

    def __iter__(self) -> Iterator:
        with self._lock:
            return iter(list(self._values))

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

"""A small least-recently-used store, safe across threads, for the per-process caches
(search postings and masks per segment, figure profiles)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator


class LeastRecentlyUsed:
    """At most `entries` values, or at most `budget` bytes in all (as `size` counts
    a value); the least recently used go first."""

    def __init__(self, entries: int | None = None, budget: int | None = None,
                 size: Callable[[object], int] | None = None):
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._entries, self._budget, self._size = entries, budget, size
        self._bytes = 0

    def get(self, key: Hashable):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value):
        """Keep the value (the first one stays if another thread kept one meanwhile)."""
        with self._lock:
            if key in self._values:
                return self._values[key]
            self._values[key] = value
            if self._size:
                self._bytes += self._size(value)
            while len(self._values) > 1 and (
                    (self._entries and len(self._values) > self._entries)
                    or (self._budget and self._bytes > self._budget)):
                _key, old = self._values.popitem(last=False)
                if self._size:
                    self._bytes -= self._size(old)
            return value

    def keep_only(self, keys: set) -> None:
        """Forget every value whose key is not in `keys`."""
        with self._lock:
            for key in [key for key in self._values if key not in keys]:
                old = self._values.pop(key)
                if self._size:
                    self._bytes -= self._size(old)

    def __iter__(self) -> Iterator:
        with self._lock:
            return iter(list(self._values))

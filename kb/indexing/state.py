"""What this process's indexing remembers about each index store: when it last
caught up and told the change log it follows, its last drain failure, whether
and whether the write lock was taken (merges: kb.indexing.merging).

Kept here, beside the store (kb.search.IndexStore, which knows searching and
files only), one State per store for as long as the store lives.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from kb.search import IndexStore


@dataclass
class State:
    # When this process last applied changes other processes logged (kb.indexing.catch_up).
    last_catch_up: float = float("-inf")
    # When this process last told the change log it follows, and its last drain
    # failure as (epoch seconds, error) until a drain succeeds.
    last_heartbeat: float = float("-inf")
    drain_error: tuple[float, str] | None = None
    # Whether this process's last drain found the write lock taken.
    lock_was_busy: bool = False


_states: weakref.WeakKeyDictionary[IndexStore, State] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def of(store: IndexStore) -> State:
    """The indexing state of this store in this process (made at first use)."""
    with _lock:
        state = _states.get(store)
        if state is None:
            state = _states[store] = State()
        return state

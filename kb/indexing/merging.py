"""Merging small index segments off the request path, one process at a time.

Every drain writes its changes as a small segment of their own (a few
milliseconds); the small segments are merged (Whoosh's default policy: the
smallest few into one) once there are MERGE_AT_SEGMENTS of them. In a web
process whose timed jobs run (kb.background) the merge runs in a thread of its
own, at most one per process, so no request waits for it; across the server's
processes the index's merge lock (IndexStore.merge_lock, a file lock) lets one
merge while the others skip. Where no timed jobs run (tests, `kb` commands) the
merge is done at once by the caller.

Other processes' searchers take the merged segment at their next search and
keep their open readers (and cached postings) of the large segments.
"""

from __future__ import annotations

import logging
import threading

from flask import current_app

from kb.operations import background

log = logging.getLogger(__name__)

_lock = threading.Lock()
_threads: dict[int, threading.Thread] = {}


def merge(index) -> bool:
    """Merge now if no other process or thread is merging (and the write lock is
    free within a moment). Returns whether this call merged."""
    return index.merge_segments(wait=0.5)


def soon(index) -> bool:
    """Have the small segments merged: in a thread of this process when its timed
    jobs run, else at once. Returns False when no merge was started (one is running)."""
    app = current_app._get_current_object()
    if not app.config.get("BACKGROUND_JOBS", True) or not background.ticker(app).running:
        return merge(index)
    with _lock:
        thread = _threads.get(id(index))
        if thread is not None and thread.is_alive():
            return False
        thread = threading.Thread(target=_run, args=(index,), name="kb-index-merge",
                                  daemon=True)
        _threads[id(index)] = thread
        thread.start()
        return True


def running(index) -> bool:
    """Whether this process is merging the index's segments in a thread now."""
    thread = _threads.get(id(index))
    return thread is not None and thread.is_alive()


def _run(index) -> None:
    try:
        merge(index)
    except Exception:  # the next drain asks again
        log.exception("Merging index segments failed.")

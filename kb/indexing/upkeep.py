"""Rebuilding a wrong index without stopping the server.

In a web process whose timed jobs run (kb.background), a wrong generation is
rebuilt in a thread of its own while requests go on: searches answer from the
generation still in use (or, without one, from an empty index) and /healthz says
503 until the new generation is swapped in. One process per server builds (the
index directory's rebuild lock); the others find the lock taken and wait for the
swap. The forked helper processes of `kb reindex` are left out there: forking a
process that runs threads is not safe.

Where no timed jobs run – the test suite, `kb` commands – a wrong generation is
rebuilt at once where it is noticed (`BACKGROUND_JOBS = False`), or left to the
command (`kb index-sync`, `kb reindex`) when a command's process notices it.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app

from kb.operations import background

log = logging.getLogger(__name__)

# A background rebuild that failed (a full disk, say) is tried again after this long.
RETRY_SECONDS = 30.0

_lock = threading.Lock()
_threads: dict[int, threading.Thread] = {}
_failed_at: dict[int, float] = {}
_inline = threading.local()


def rebuilding() -> bool:
    """Whether this process is building a generation for the app in use."""
    thread = _threads.get(id(current_app._get_current_object()))
    return thread is not None and thread.is_alive()


def mend(verdict) -> None:
    """Have the wrong generation `verdict` judged replaced by a complete rebuild."""
    app = current_app._get_current_object()
    if not app.config.get("BACKGROUND_JOBS", True):
        _rebuild_now(verdict)
    elif background.ticker(app).running:
        _start(app, verdict)


def _rebuild_now(verdict) -> None:
    from kb.indexing.rebuilding import rebuild

    if getattr(_inline, "active", False):
        return  # the rebuild's own final drain judged it: nothing more to do here
    _inline.active = True
    try:
        log.warning("Rebuilding the search index: %s.", "; ".join(verdict.wrong))
        rebuild()
    finally:
        _inline.active = False


def _start(app, verdict) -> None:
    with _lock:
        thread = _threads.get(id(app))
        if thread is not None and thread.is_alive():
            return
        if time.monotonic() - _failed_at.get(id(app), float("-inf")) < RETRY_SECONDS:
            return
        thread = threading.Thread(target=_run, args=(app, list(verdict.wrong)),
                                  name="kb-index-rebuild", daemon=True)
        _threads[id(app)] = thread
        thread.start()


def _run(app, reasons: list[str]) -> None:
    from kb.extensions import db
    from kb.indexing.rebuilding import rebuild

    with app.app_context():
        try:
            log.warning("Rebuilding the search index in the background: %s.",
                        "; ".join(reasons))
            count = rebuild(wait=False, parallel=False)
            if count is not None:
                log.warning("The rebuilt search index holds %d experiences.", count)
        except Exception:  # a later judgement starts another
            _failed_at[id(app)] = time.monotonic()
            log.exception("Rebuilding the search index failed; trying again in %.0f s.",
                          RETRY_SECONDS)
        finally:
            db.session.remove()

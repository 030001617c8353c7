"""Work a web process does on a timer, apart from requests.

Each process runs one daemon thread that calls the registered jobs (following
the change log into this server's index, sending waiting mail, ...) every few
seconds inside an app context, so a server that gets no traffic still catches
up, and a request never waits for the work. The thread starts with the
process's first request (after gunicorn has forked its workers) and is started
again in a forked child; `BACKGROUND_JOBS = False` turns it off (the test suite
does, and drives the jobs itself where it tests them).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

log = logging.getLogger(__name__)

EXTENSION = "kb_background"


@dataclass
class Job:
    name: str
    run: Callable[[], None]
    every: float
    due: float = 0.0


class Ticker:
    """The jobs of one app and the thread that runs them in this process."""

    def __init__(self, app: Flask, tick: float = 0.5):
        self.app = app
        self.tick = tick
        self.jobs: list[Job] = []
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._stop = threading.Event()

    def add(self, name: str, run: Callable[[], None], every: float) -> None:
        self.jobs.append(Job(name, run, every))

    def ensure_running(self) -> None:
        """Start the thread unless it runs in this process already (a forked child
        inherits the flag but not the thread)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop.clear()
            threading.Thread(target=self._loop, name="kb-background", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def run_due(self, now: float | None = None) -> None:
        """Run every job whose time has come (what the thread does each tick)."""
        now = time.monotonic() if now is None else now
        for job in self.jobs:
            if now < job.due:
                continue
            job.due = now + job.every
            with self.app.app_context():
                try:
                    job.run()
                except Exception:  # the job tries again at its next turn
                    log.exception("Background job %s failed.", job.name)
                finally:
                    from kb.extensions import db

                    db.session.remove()

    def _loop(self) -> None:
        while not self._stop.wait(self.tick):
            self.run_due()


def init_app(app: Flask) -> Ticker:
    ticker = Ticker(app)
    app.extensions[EXTENSION] = ticker
    if app.config.get("BACKGROUND_JOBS", True):
        app.before_request(ticker.ensure_running)
    return ticker


def ticker(app: Flask) -> Ticker:
    return app.extensions[EXTENSION]

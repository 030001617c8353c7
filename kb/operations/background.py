"""Work a web process does on a timer, apart from requests.

Each process runs the registered jobs (following the change log into this
server's index, sending waiting mail, ...) every few seconds inside an app
context, so a server that gets no traffic still catches up, and a request never
waits for the work. Jobs run in lanes, one daemon thread each: a slow mail server
holds up the mail lane only, never the index. `wake(name)` runs a job at once
(the mail sender after a commit that queued mail) instead of at its next turn.
The threads start with the process's first request (after gunicorn has forked its
workers) and are started again in a forked child; `BACKGROUND_JOBS = False` turns
them off (the test suite does, and drives the jobs itself where it tests them).
`hold()` keeps them from starting in this process only: the gunicorn master's
warm-up (kb.web.warmup) serves requests before it forks, and a thread running
there at the fork – a job, or the index rebuild that waits for running jobs –
would leave the workers its locks and its half-done database transaction.
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
MAIN = "main"


@dataclass
class Job:
    name: str
    run: Callable[[], None]
    every: float
    lane: str = MAIN
    due: float = 0.0


class Ticker:
    """The jobs of one app and the threads that run them in this process."""

    def __init__(self, app: Flask, tick: float = 0.5):
        self.app = app
        self.tick = tick
        self.jobs: list[Job] = []
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._held_in: int | None = None
        self._stop = threading.Event()
        self._wakes: dict[str, threading.Event] = {}
        self._threads: list[threading.Thread] = []

    def add(self, name: str, run: Callable[[], None], every: float, lane: str = MAIN) -> None:
        self.jobs.append(Job(name, run, every, lane))
        self._wakes.setdefault(lane, threading.Event())

    def wake(self, name: str) -> None:
        """Run the job at its lane's next look (within moments), not at its next turn."""
        for job in self.jobs:
            if job.name == name:
                job.due = 0.0
                self._wakes[job.lane].set()

    def ensure_running(self) -> None:
        """Start the threads unless they run in this process already (a forked child
        inherits the flag but not the threads), or while they are held here."""
        if self._pid == os.getpid() or self._held_in == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop.clear()
            self._threads = []
            for lane in self._wakes:
                name = "kb-background" if lane == MAIN else f"kb-background-{lane}"
                thread = threading.Thread(target=self._loop, args=(lane,), name=name,
                                          daemon=True)
                thread.start()
                self._threads.append(thread)

    def hold(self) -> None:
        """Start no threads in this process (a forked child starts its own)."""
        self._held_in = os.getpid()

    def stop(self, wait: float = 0.0) -> None:
        """Stop the threads after their current job; wait up to `wait` seconds for that."""
        self._stop.set()
        for wake in self._wakes.values():
            wake.set()
        deadline = time.monotonic() + wait
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    @property
    def running(self) -> bool:
        """Whether the threads run in this process (a web process that has served)."""
        return self._pid == os.getpid() and not self._stop.is_set()

    def run_due(self, now: float | None = None, lane: str | None = None) -> None:
        """Run every job (of one lane, or of all) whose time has come."""
        now = time.monotonic() if now is None else now
        for job in self.jobs:
            if (lane is not None and job.lane != lane) or now < job.due:
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

    def _loop(self, lane: str) -> None:
        wake = self._wakes[lane]
        while not self._stop.is_set():
            wake.wait(self.tick)
            wake.clear()
            if self._stop.is_set():
                break
            self.run_due(lane=lane)


def init_app(app: Flask) -> Ticker:
    ticker = Ticker(app)
    app.extensions[EXTENSION] = ticker
    if app.config.get("BACKGROUND_JOBS", True):
        app.before_request(ticker.ensure_running)
    return ticker


def ticker(app: Flask) -> Ticker:
    return app.extensions[EXTENSION]


def find(app: Flask) -> Ticker | None:
    """The app's ticker, or None before init_app."""
    return app.extensions.get(EXTENSION)

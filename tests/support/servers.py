"""kb on a real port for system tests: werkzeug in a thread (`LiveKb`), or gunicorn in
a process (`gunicorn_environment`, `wait_until_serving`, `worker_pids`, `stop_gunicorn`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from kb.operations import background
from tests.support.http import HttpClient

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds: float = 15):
    """Poll `condition` until it gives something true or `seconds` pass; its last value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return condition()


class LiveKb:
    """An app served on 127.0.0.1 in a thread (threaded werkzeug), jobs running."""

    def __init__(self, app, port: int):
        self.app = app
        self.url = f"http://127.0.0.1:{port}"
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveKb:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        # The jobs finish what they do before the app's connections are closed.
        background.ticker(self.app).stop(wait=30)


def gunicorn_environment(database_url: str, instance) -> dict:
    """The environment of a kb process (gunicorn, `kb` commands) on this database, its
    index, mail and documents under `instance`."""
    env = dict(os.environ)
    env.update({
        "KB_DATABASE_URL": database_url,
        "KB_INDEX_DIR": str(instance / "index"),
        # Mail and shared documents stay with the test, not in the checkout's instance/.
        "KB_MAIL_DIR": str(instance / "mail"),
        "KB_PROCUREMENT_DIR": str(instance / "procurement"),
        "KB_SECRET_KEY": "workers-test-secret",
        "KB_SESSION_COOKIE_SECURE": "false",
        "KB_REMEMBER_COOKIE_SECURE": "false",
        "KB_RATELIMIT_ENABLED": "false",
        "KB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    return env


def worker_pids(master: int) -> list[int]:
    """The process ids of a gunicorn master's workers."""
    try:
        with open(f"/proc/{master}/task/{master}/children", encoding="ascii") as f:
            return [int(pid) for pid in f.read().split()]
    except OSError:
        return []


def start_gunicorn(env: dict, log, workers: int, timeout: int = 30) -> tuple[subprocess.Popen, str]:
    """gunicorn serving kb on a free loopback port with `workers` workers, its output to
    `log` (an open file): the process and its base URL. Wait with wait_until_serving,
    end with stop_gunicorn."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", str(timeout), "--graceful-timeout", "5", "--no-control-socket",
         "kb:create_app()"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def wait_until_serving(base: str, process, deadline: float) -> None:
    """Until /healthz answers 200 (fails the test if gunicorn exits or time runs out)."""
    client = HttpClient(base, timeout=2)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}")
        try:
            if client.request("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("gunicorn did not answer /healthz in time")


def stop_gunicorn(process) -> None:
    """SIGTERM a gunicorn master; SIGKILL it and its workers if it does not end."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            for pid in worker_pids(process.pid):
                os.kill(pid, signal.SIGKILL)
            process.kill()
            process.wait(timeout=10)

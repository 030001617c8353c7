"""gunicorn on the throw-away instance, started with the shipped gunicorn.conf.py,
and what can be read of it from outside: when it listens, its workers' memory."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

CONFIG = Path(__file__).resolve().parents[3] / "gunicorn.conf.py"
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(workdir: str, port: int, warm: bool = True) -> dict:
    """The bench server's settings: the throw-away database and index, CSRF on (the
    clients send each form's token, as browsers do), no throttling (every client
    comes from one address), a cheap password hash, no premoderation (an edit is
    published at once, as a trusted member's is)."""
    env = dict(os.environ)
    env.update({
        "KB_DATABASE_URL": f"sqlite:///{os.path.join(workdir, 'kb.sqlite3')}",
        "KB_INDEX_DIR": os.path.join(workdir, "index"),
        "KB_MAIL_DIR": os.path.join(workdir, "mail"),
        "KB_SECRET_KEY": secrets.token_hex(16),
        "KB_RATELIMIT_ENABLED": "false",
        "KB_SESSION_COOKIE_SECURE": "false",
        "KB_REMEMBER_COOKIE_SECURE": "false",
        "KB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "KB_PREMODERATION": "false",
        "KB_BIND": f"127.0.0.1:{port}",
        "KB_WORKERS": str(WORKERS),
        "KB_WARMUP": "1" if warm else "0",
    })
    return env


class Server:
    """One gunicorn master and its workers; `started_s` is how long it took to listen."""

    def __init__(self, workdir: str, warm: bool = True):
        if not CONFIG.exists():
            raise click.ClickException(f"{CONFIG} is missing: kb bench runs from a checkout.")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(workdir, f"gunicorn-{self.port}.log")
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c", str(CONFIG)],
            cwd=CONFIG.parent, env=environment(workdir, self.port, warm),
            stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_listening(time.monotonic() + 900)
        self.started_s = round(time.perf_counter() - started, 2)

    def _wait_listening(self, deadline: float) -> None:
        """Until the port accepts a connection (no request is sent: the first one
        is measured by the caller)."""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise click.ClickException(f"gunicorn exited: {self.log()[-2000:]}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    while len(self.workers()) < WORKERS and time.monotonic() < deadline:
                        time.sleep(0.02)
                    return
            time.sleep(0.05)
        raise click.ClickException("gunicorn did not listen in time")

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
                return [int(child) for child in f.read().split()]
        except OSError:
            return []

    def log(self) -> str:
        self._log.flush()
        with open(self.log_path, encoding="utf-8") as f:
            return f.read()

    def warmup(self) -> dict[str, float]:
        """The warm-up's steps as gunicorn.conf.py logged them (seconds)."""
        match = re.search(r"kb warmed up in [\d.]+ s: (.*)", self.log())
        if match is None:
            return {}
        return {step: float(seconds) for step, seconds in
                re.findall(r"(\w+) ([\d.]+) s", match.group(1))}

    def memory(self) -> dict:
        """Per worker (and the master): peak resident memory, resident and proportional
        set size now (PSS counts pages shared with the master and the other worker
        once, divided among them), in MB."""
        def read(pid: int) -> dict:
            figures = {}
            for path, fields in ((f"/proc/{pid}/status", ("VmHWM", "VmRSS")),
                                 (f"/proc/{pid}/smaps_rollup", ("Pss",))):
                try:
                    with open(path, encoding="ascii") as f:
                        for line in f:
                            name = line.split(":")[0]
                            if name in fields:
                                figures[name] = round(int(line.split()[1]) / 1024, 1)
                except OSError:
                    pass
            return {"peak_mb": figures.get("VmHWM"), "rss_mb": figures.get("VmRSS"),
                    "pss_mb": figures.get("Pss")}

        return {"master": read(self.process.pid),
                "workers": [read(pid) for pid in self.workers()]}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                for pid in self.workers():
                    os.kill(pid, signal.SIGKILL)
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()

"""Warm before serving: the process has its figures and index words in memory before
the first visitor, and keeps nothing that must not cross a fork; the shipped
gunicorn.conf.py serves with it."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.parse
from pathlib import Path

from kb.extensions import db, figure_caches, search_index
from kb.web import warmup
from tests.support.apps import make_app
from tests.support.http import HttpClient
from tests.support.servers import (
    BIN,
    free_port,
    gunicorn_environment,
    stop_gunicorn,
    wait_until_serving,
    worker_pids,
)

ROOT = Path(__file__).resolve().parents[2]


def _seeded(app) -> None:
    from kb import indexing
    from kb.tools import demo

    with app.app_context():
        demo.seed(120, seed=5)
        indexing.rebuild()
        db.session.remove()


def _open_index_files(index_dir: str) -> list[str]:
    names = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(index_dir):
            names.append(target)
    return names


def test_warming_reads_the_figures_and_leaves_nothing_open_to_fork(app):
    _seeded(app)
    timings = warmup.warm(app)
    assert set(timings) == {"templates", "figures", "pages", "searches"}
    with app.app_context():
        # The figure snapshot is in memory: a worker's first system page does not read it.
        assert len(figure_caches.current.snapshot.snapshot) == 120
        # No database connection and no index file is kept open across the fork.
        assert db.engine.pool.checkedout() == 0
        assert _open_index_files(app.config["INDEX_DIR"]) == []
    # Compiled templates are kept: rendering a page compiles nothing new.
    compiled = len(app.jinja_env.cache)
    assert compiled >= len([n for n in app.jinja_env.list_templates() if n.endswith(".html")])
    page = app.test_client().get("/search?q=" + urllib.parse.quote("lönekörning"))
    assert page.status_code == 200 and 'href="/experiences/' in page.text
    assert len(app.jinja_env.cache) == compiled


def test_the_shipped_gunicorn_settings_warm_the_master_and_serve(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    _seeded(app)
    with app.app_context():
        db.engine.dispose()
        search_index.current.close()
    port = free_port()
    env = {**gunicorn_environment(database_url, tmp_path), "KB_BIND": f"127.0.0.1:{port}",
           "KB_WORKERS": "2"}
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(base, process, time.monotonic() + 60)
            deadline = time.monotonic() + 30  # the second worker may still be forking
            while len(worker_pids(process.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(worker_pids(process.pid)) == 2
            # Each worker opens its own connections and index files: every request of
            # several in a row, spread over both workers, is answered.
            visitor = HttpClient(base)
            for n in range(12):
                status, page = visitor.search(["lönekörning", "semester", "AGI"][n % 3])
                assert status == 200
                assert 'href="/experiences/' in page
                assert visitor.request("/systems/heroma")[0] == 200
        finally:
            stop_gunicorn(process)
    text = log_path.read_text()
    assert "kb warmed up in" in text and "figures" in text, text
    assert "Warm-up step" not in text and "Traceback" not in text, text


def test_warming_an_app_without_an_index_leaves_no_thread_to_cut_in_half(app_with):
    """The master warms with its timed jobs on (as gunicorn runs it) and no index yet:
    nothing may be left running in a thread when it forks – no job and no rebuild,
    whose locks and open transaction the workers would inherit half done. The workers
    judge the index and rebuild it."""
    import threading

    from kb.tools import demo

    app = app_with(BACKGROUND_JOBS=True)
    with app.app_context():
        demo.seed(40, seed=7)
        db.session.remove()
    before = {thread.ident for thread in threading.enumerate()}
    warmup.warm(app)
    started = [thread.name for thread in threading.enumerate()
               if thread.ident not in before and thread.is_alive()]
    assert started == []

"""A server that gets no requests still follows the change log, on its timer."""

import time

from kb import indexing
from kb.access import policy
from kb.experiences import searching as experience_search
from kb.operations import background


def test_a_quiet_server_catches_up_on_its_timer(app, app_with, factory, tmp_path):
    quiet = app_with(INDEX_DIR=str(tmp_path / "quiet-index"), BACKGROUND_JOBS=True,
                     INDEX_FOLLOW_SECONDS=0.1)
    with quiet.test_request_context():
        assert experience_search.search({"q": "tystnaden"}, policy.VISITOR).total == 0
    jobs = background.ticker(quiet)
    jobs.ensure_running()  # what the server's first request does
    try:
        _wait_for(lambda: all(job.due for job in jobs.jobs))  # every job ran once
        factory.experience(factory.user(), factory.system(), title="Skrivet i tystnaden")
        _wait_for(lambda: _agrees(quiet))
        assert _agrees(quiet)
    finally:
        jobs.stop()


def _agrees(app) -> bool:
    with app.app_context():
        return not indexing.status()["drift"]


def _wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.1)


def test_a_failing_job_is_logged_and_runs_again(app, caplog):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")

    jobs = background.Ticker(app)
    jobs.add("flaky", flaky, every=1.0)
    jobs.run_due(now=100.0)
    jobs.run_due(now=100.5)  # not due yet
    jobs.run_due(now=101.0)
    assert len(calls) == 2
    assert "Background job flaky failed" in caplog.text

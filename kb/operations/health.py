"""Is this server fit to answer, and would its searches be right?

`report()` is what /healthz and `kb index-status` say: the database reachable;
the index generation in use readable, writable and a true projection of this
database (kb.indexing.validity); how far it lags behind the change log (the
oldest change not applied and its age); the last failure to apply the log; and
documents in the index against experiences in the database. It is unhealthy when
searches would give wrong answers: a wrong or unreadable generation (a rebuild is
then under way), an index that cannot be written, a lag over
INDEX_LAG_LIMIT_SECONDS, a failed last drain, or documents that disagree with the
rows while nothing is waiting.

The full report is for operators: `kb index-status`, and /healthz for a logged-in
moderator or admin. Anyone else – a load balancer, a visitor – gets `public(report)`:
the status (200 or 503) and the reasons as short codes (REASONS), never a count or
an age that tells how much the site holds or how busy it is.

Polling it is cheap: indexed lookups of single rows, a searcher opened on the
generation, and a file created and removed in it; the two counts (documents and
experiences) are taken at most every HEALTH_COUNT_SECONDS per process
(docs/operations.md has the figures at 100,000 experiences).
"""

from __future__ import annotations

import os
import time
import weakref
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kb import changelog, indexing
from kb.changelog import followers
from kb.core.dates import utcnow
from kb.extensions import db, search_index
from kb.indexing import upkeep, validity
from kb.models import Experience
from kb.search import IndexStore
from kb.search.index import MANIFEST, describe_error

# Changes counted as waiting at most (a bounded index range, never the whole log).
WAITING_COUNTED_UP_TO = 100_000
# A generation newer than this is not rebuilt again for documents that disagree
# with the rows (a fault it would not mend would otherwise rebuild it for ever).
DRIFT_REBUILD_AFTER_SECONDS = 600


@dataclass
class _Counts:
    at: float
    generation: str | None
    experiences: int
    documents: int
    waiting: int


# The reasons a server is unhealthy, as short codes: what /healthz tells anyone.
REASONS = {
    "database_unreachable": "the database does not answer",
    "index_missing": "the index directory is missing",
    "index_wrong": "the index generation is missing, unreadable or not this database's "
                   "(a rebuild is under way)",
    "index_unwritable": "the index cannot be written",
    "index_lagging": "the index lags the change log by more than INDEX_LAG_LIMIT_SECONDS",
    "index_drain_failed": "the last application of the change log failed",
    "index_drift": "the index's documents disagree with the experiences",
    "check_failed": "a check failed",
}


class _Problems:
    """What is wrong: each problem in words (the full report), and its reason's code."""

    def __init__(self):
        self.texts: list[str] = []
        self.reasons: list[str] = []

    def add(self, reason: str, text: str) -> None:
        self.texts.append(text)
        if reason not in self.reasons:
            self.reasons.append(reason)


def public(body: dict) -> dict:
    """What /healthz tells anyone who is not a moderator: the status and the reasons'
    codes."""
    return {"status": body["status"], "reasons": list(body.get("reasons", []))}


# The last counts per index store (one per app) in this process.
_counted: weakref.WeakKeyDictionary[IndexStore, _Counts] = weakref.WeakKeyDictionary()


def report() -> dict:
    """The health of this server as JSON-ready data (the full report: `public` is what
    anyone may see of it); never raises."""
    problems = _Problems()
    body: dict = {"status": "ok", "problems": problems.texts, "reasons": problems.reasons,
                  "database": {"reachable": True}}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not reachable"
        db.session.rollback()
        body["database"]["reachable"] = False
        problems.add("database_unreachable", f"database: unreachable ({type(error).__name__})")
    index = search_index.current
    if not os.path.isdir(index.root):
        problems.add("index_missing", "index: directory missing")
    if body["database"]["reachable"]:
        try:
            _index_report(index, body, problems)
        except Exception as error:  # a check that fails is a problem, not a 500
            problems.add("check_failed", f"health check failed ({describe_error(error)})")
    if problems.texts:
        body["status"] = "unavailable"
    return body


def _index_report(index: IndexStore, body: dict, problems: _Problems) -> None:
    config = current_app.config
    with Session(db.engine) as session:
        verdict = validity.judge(session, index)
        for reason in verdict.wrong:
            problems.add("index_wrong", f"index: {reason}")
        if verdict.wrong:
            upkeep.mend(verdict)  # already under way, or started now
            if index.current_generation() != verdict.generation:
                # Rebuilt at once (no background jobs): describe the new generation,
                # still unhealthy for this answer.
                verdict = validity.judge(session, index)
        writable = None
        if verdict.readable:
            reason = IndexStore.unwritable(verdict.path)
            writable = reason is None
            if reason:
                problems.add("index_unwritable", f"index: not writable ({reason})")
        oldest = changelog.oldest_waiting(session, verdict.cursor) if verdict.readable else None
        lag = _age(oldest[1]) if oldest else 0.0
        limit = float(config["INDEX_LAG_LIMIT_SECONDS"])
        if lag > limit:
            problems.add("index_lagging",
                         f"index: lagging the change log by {lag:.0f} s (limit {limit:.0f} s)")
        error = _last_drain_error(session, verdict)
        if error:
            problems.add("index_drain_failed", f"index: the last drain failed ({error})")
        counts = _counts(index, verdict, float(config["HEALTH_COUNT_SECONDS"]))
    drift = None
    if counts is not None:
        drift = counts.waiting == 0 and counts.documents != counts.experiences
        if drift:
            problems.add("index_drift", f"index: {counts.documents} documents for "
                                        f"{counts.experiences} experiences")
            _rebuild_after_drift(verdict)
    manifest = verdict.manifest or {}
    body["index"] = {
        "generation": verdict.generation,
        "serving": index.serving,
        "readable": verdict.readable,
        "writable": writable,
        "right": not verdict.wrong,
        "rebuilding": upkeep.rebuilding(),
        "built_documents": manifest.get("documents"),
        "documents": counts.documents if counts else None,
        "experiences": counts.experiences if counts else None,
        "drift": drift,
        "counted_seconds_ago": round(time.time() - counts.at, 1) if counts else None,
    }
    body["change_log"] = {
        "cursor": verdict.cursor.as_dict(),
        "oldest_waiting_id": oldest[0] if oldest else None,
        "oldest_waiting_at": oldest[1].isoformat(timespec="seconds") + "Z" if oldest else None,
        "lag_seconds": round(lag, 1),
        "waiting": counts.waiting if counts else None,
        "last_drain_error": error,
    }


def _age(moment: datetime) -> float:
    return max(0.0, (utcnow() - moment).total_seconds())


def _last_drain_error(session: Session, verdict) -> str | None:
    """This process's last failure, or another process's kept with the generation."""
    error = indexing.last_drain_error()
    if error is not None:
        return error
    if verdict.follower is None:
        return None
    row = followers.find(session, verdict.follower)
    return row.error if row is not None else None


def _counts(index: IndexStore, verdict, every: float) -> _Counts | None:
    """Documents and experiences, at most every `every` seconds. In this order, so
    that nothing waiting means both describe the same changes: the cursor (read by
    the verdict), the searcher (every segment committed before that cursor was
    written), then rows and waiting changes in one statement."""
    if not verdict.readable or verdict.wrong:
        return None
    cached = _counted.get(index)
    if cached is not None and cached.generation == verdict.generation and \
            time.time() - cached.at < every:
        return cached
    serving, documents = index.document_count()
    if serving != verdict.generation:
        return None
    with Session(db.engine) as session:
        waiting = changelog.waiting_up_to_expression(session, verdict.cursor,
                                                     WAITING_COUNTED_UP_TO)
        experiences, waiting = session.execute(select(
            select(func.count()).select_from(Experience).scalar_subquery(), waiting)).one()
    counts = _Counts(time.time(), verdict.generation, experiences, documents, waiting)
    _counted[index] = counts
    return counts


def _rebuild_after_drift(verdict) -> None:
    built = _built_seconds_ago(verdict.path)
    if built is None or built > DRIFT_REBUILD_AFTER_SECONDS:
        verdict.wrong.append("its documents disagree with the experiences")
        upkeep.mend(verdict)


def _built_seconds_ago(path: str | None) -> float | None:
    try:
        return time.time() - os.path.getmtime(os.path.join(path, MANIFEST))
    except (OSError, TypeError):
        return None

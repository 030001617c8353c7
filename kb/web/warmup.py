"""Warming a web process before it serves, so the first visitor after a restart
does not pay for what every later one gets from memory.

A fresh process otherwise compiles each template at its first use, reads the
figure snapshot (kb.stats.snapshot) at its first system page and decodes the
postings of each word at its first search. `warm(app)` does all of that up
front by asking the app for its own hot pages (through the test client, so
nothing is warmed that a real request would not use): the start page, the
system list and every system page, one comparison, and searches for the
index's most frequent words, plus a misspelt one (the suggestions' word lists).

gunicorn.conf.py runs it in the master before the workers are forked (with
`preload_app`), so every worker starts with these pages of memory shared copy on
write; the master then gives up its database connections and index files, which
must not be shared across a fork, and each worker opens its own at its first
request. What was read stays valid: the snapshot and the profiles are keyed by
the data version, the decoded postings by segment, and each worker brings them
up to date as a running worker does.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from flask import Flask

log = logging.getLogger(__name__)

# The most frequent words of each text field searched at warm-up.
SEARCH_WORDS = 40
TEXT_FIELDS = ("title", "body")
# A misspelt search loads what suggestions compare against.
MISSPELT = "lönesystm"


def warm(app: Flask) -> dict[str, float]:
    """Compile the templates, read the figures and open the index of this process;
    the seconds each step took. The process keeps no database connection or open
    index file afterwards (safe to fork)."""
    from kb.operations import background

    timings: dict[str, float] = {}
    # Nothing runs beside the warm-up in a thread that the fork would cut in half:
    # a wrong index is judged again, and rebuilt, by the workers.
    background.ticker(app).hold()
    try:
        with app.app_context():
            _timed(timings, "templates", lambda: _compile_templates(app))
            _timed(timings, "figures", _read_figures)
            words = _frequent_words()
        client = app.test_client()
        _timed(timings, "pages", lambda: _request_pages(client))
        _timed(timings, "searches", lambda: _search(client, words))
    finally:
        release(app)
    log.info("Warmed up in %.2f s (%s).", sum(timings.values()),
             ", ".join(f"{step} {seconds:.2f} s" for step, seconds in timings.items()))
    return timings


def release(app: Flask) -> None:
    """Close what must not cross a fork: background threads, database connections,
    the index's open files (each worker opens its own again)."""
    from kb.extensions import db, search_index
    from kb.operations import background

    jobs = background.find(app)
    if jobs is not None and jobs.running:
        jobs.stop(wait=10.0)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        search_index.current.close()


def _timed(timings: dict[str, float], step: str, run) -> None:
    started = time.perf_counter()
    try:
        run()
    except Exception:  # a step that fails is done by the first request instead
        log.exception("Warm-up step %s failed.", step)
    timings[step] = round(time.perf_counter() - started, 3)


def _compile_templates(app: Flask) -> None:
    env = app.jinja_env
    names = [name for name in env.list_templates() if name.endswith((".html", ".txt"))]
    if env.cache is not None and getattr(env.cache, "capacity", len(names)) < len(names):
        env.cache.capacity = len(names) * 2  # every compiled template stays
    for name in names:
        env.get_template(name)


def _read_figures() -> None:
    from kb.stats import cache, snapshot

    snapshot.current(cache.data_version())


def _frequent_words() -> list[str]:
    """The index's most frequent words (stems) of the text fields, most frequent first."""
    from kb import indexing

    words: list[str] = []
    with indexing.store().searcher() as searcher:
        reader = searcher.reader()
        for field in TEXT_FIELDS:
            try:
                terms = reader.most_frequent_terms(field, number=SEARCH_WORDS)
            except KeyError:  # an empty index has no such field yet
                continue
            for _frequency, term in sorted(terms, reverse=True):
                word = term.decode("utf-8") if isinstance(term, bytes) else term
                if word not in words:
                    words.append(word)
    return words


def _request_pages(client) -> None:
    from sqlalchemy import select

    from kb.extensions import db
    from kb.models import PayrollSystem

    with client.application.app_context():
        slugs = list(db.session.scalars(
            select(PayrollSystem.slug).where(PayrollSystem.status == "active")
            .order_by(PayrollSystem.id)))
        db.session.remove()
    paths = ["/", "/systems", "/search", *(f"/systems/{slug}" for slug in slugs)]
    if len(slugs) >= 2:
        paths.append("/compare?" + urlencode([("s", slug) for slug in slugs[:3]]))
    for path in paths:
        client.get(path).close()


def _search(client, words: list[str]) -> None:
    for word in [*words, MISSPELT]:
        client.get("/search?" + urlencode({"q": word})).close()

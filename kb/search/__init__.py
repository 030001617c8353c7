"""Full-text search over experiences (Whoosh). No Flask views in here.

The index is a projection of the database: every change is queued in the
same transaction (kb.search.queue), applied after commit by whichever
process gets the index lock (kb.search.indexer), and the whole index can be
rebuilt from the database at any time. Every Whoosh call lives in this package.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Mapping

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb.extensions import db
from kb.search import indexer
from kb.search.index import IndexStore
from kb.search.query import Hit, SearchParams, SearchResult, run
from kb.search.queue import SearchQueueEntry, register_session_events
from kb.search.snippets import MatchWords, first_word_with_stem, highlight_all, snippet

__all__ = [
    "SearchParams",
    "close",
    "SearchQueueEntry",
    "SearchResult",
    "drain",
    "init_app",
    "rebuild_index",
    "search_experiences",
    "status",
]

# A search checks for changes other processes queued at most this often.
CATCH_UP_SECONDS = 1.0


def init_app(app: Flask) -> None:
    """Open (or create) the index, follow the session's commits, add the commands."""
    store = IndexStore(app.config["INDEX_DIR"])
    try:
        store.ensure()
    except OSError as error:  # reported by /healthz and at the first search
        app.logger.warning("The search index at %s is unavailable: %s", store.root, error)
    app.extensions["kb_search"] = store
    weakref.finalize(app, store.close)
    register_session_events(lambda: indexer.drain_quietly())

    from kb.search.commands import register

    register(app)


def close(app: Flask) -> None:
    """Close this app's searcher and its open index files."""
    store = app.extensions.get("kb_search")
    if store is not None:
        store.close()


def rebuild_index(progress: bool = False) -> int:
    """Rebuild the index from the database (inside an app context); returns documents."""
    return indexer.rebuild(progress=progress)


def drain(wait: float = 0.0) -> int:
    """Apply the queued changes now if the index lock is free (or frees within
    `wait` seconds); returns entries applied."""
    return indexer.drain(wait=wait)


def status() -> dict:
    """rows, documents, queued, missing, extra and drift (bool)."""
    return indexer.status()


def _surface_word(experience_id: int, key: str) -> str | None:
    """A word of this experience's own text whose stem is `key`, lower-cased."""
    from kb.models import Experience

    experience = db.session.get(Experience, experience_id)
    if experience is None:
        return None
    return first_word_with_stem(
        [experience.title, experience.pros, experience.cons, experience.tips,
         experience.body, experience.switch_reason], key)


def _catch_up_with_queue() -> None:
    """Changes queued by other processes (or left by a crash) reach this index
    at the next search, at most once a second per index and process."""
    store = indexer.store()
    now = time.monotonic()
    if now - store.last_catch_up < CATCH_UP_SECONDS:
        return
    store.last_catch_up = now
    indexer.drain_quietly()


def search_experiences(params: SearchParams | Mapping, viewer) -> SearchResult:
    """Search what this viewer (a User, or None for a visitor) may read.

    `params` is a SearchParams or a mapping of the URL parameters (q, system,
    sector, size, role, status, min_rating, since, sort, page); unusable values
    are dropped. Hits carry the Experience rows, in result order.
    """
    from kb.models import Experience, PayrollSystem

    if not isinstance(params, SearchParams):
        params = SearchParams.from_mapping(params)
    if viewer is not None and not getattr(viewer, "is_authenticated", False):
        viewer = None
    _catch_up_with_queue()

    systems = {
        row.id: (row.slug, row.name)
        for row in db.session.execute(
            select(PayrollSystem.id, PayrollSystem.slug, PayrollSystem.name)
        )
    }
    system_id = next((i for i, (slug, _n) in systems.items() if slug == params.system), None)
    with indexer.store().searcher() as searcher:
        found = run(searcher, params, viewer, system_id, systems, _surface_word)

    rows = {}
    if found.ids:
        rows = {
            e.id: e
            for e in db.session.scalars(
                select(Experience)
                .options(joinedload(Experience.system), joinedload(Experience.author))
                .where(Experience.id.in_(found.ids))
            )
        }
    words = MatchWords(found.text_query)
    hits = []
    for experience_id in found.ids:
        experience = rows.get(experience_id)
        if experience is None or not experience.visible_to(viewer):
            continue  # changed since it was indexed; the queue brings the index up to date
        texts = [experience.pros, experience.cons, experience.tips, experience.body,
                 experience.switch_reason]
        hits.append(Hit(experience_id, experience, highlight_all(experience.title, words),
                        snippet(texts, words)))
    result = SearchResult(params, hits, found.total, found.page, found.pages, found.facets,
                          found.suggestion)
    return result

"""Searching experiences for an audience: the index's ids turned into what a page shows.

The index (kb.search) answers with document ids under the audience's Reach;
here they become experiences, checked once more against the database (an
experience may have changed since it was indexed), with the title and a
snippet highlighted from the row the audience may read – never from text
stored in the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb import catalogue, freshness, indexing, policy
from kb.extensions import db
from kb.models import Experience
from kb.models.experiences import TEXT_FIELDS
from kb.policy import Audience
from kb.search import (
    FacetValue,
    MatchWords,
    SearchParams,
    base_form_in,
    highlight_all,
    run,
    snippet,
)


@dataclass
class Hit:
    """One experience on the page, with its title and a snippet as safe HTML."""

    id: int
    experience: Experience
    title: Markup
    snippet: Markup


@dataclass
class SearchResult:
    params: SearchParams
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    # "all" (every word matched), "most" (the experiences with most of the words:
    # none or few had all), "parts" (compounds matched through their parts) or
    # "none" (only stop words: nothing searched).
    match: str = "all"
    # The corrected query the hits are for, when the typed one found nothing.
    corrected: str | None = None
    search_notices: list[str] = field(default_factory=list)

    @property
    def notices(self) -> list[str]:
        return [*self.params.notices, *self.search_notices]


def _surface_word(experience_id: int, key: str) -> str | None:
    """The base form of a word of this experience's own text whose stem is `key`."""
    experience = db.session.get(Experience, experience_id)
    if experience is None:
        return None
    return base_form_in([getattr(experience, name) for name in TEXT_FIELDS], key)


def _catalogue_names() -> dict[str, str]:
    """Each word of the listed systems' names and aliases (public catalogue data,
    never a pending proposal) by its lower case, as the catalogue writes it."""
    names: dict[str, str] = {}
    for system in catalogue.listed_systems():
        for text in (system.name, *(system.aliases or "").splitlines()):
            for word in text.split():
                if len(word) >= 4 and word.isalpha():
                    names.setdefault(word.lower(), word)
    return names


def search(params: SearchParams | Mapping, audience: Audience) -> SearchResult:
    """Search what this audience may read.

    `params` is a SearchParams or a mapping of the URL parameters (q, system,
    sector, size, role, status, min_rating, since, fresh, sort, page; the five
    filters may repeat, a MultiDict or lists give every value); unusable values are
    dropped. Hits carry the Experience rows, in result order.
    """
    if not isinstance(params, SearchParams):
        params = SearchParams.from_mapping(params)
    indexing.catch_up()
    reach = policy.readable(audience)
    systems = catalogue.system_names()
    system_ids = {slug: i for i, (slug, _name) in systems.items() if slug in params.system}
    with indexing.store().searcher() as searcher:
        found = run(searcher, params, reach, system_ids, systems, _surface_word,
                    confirmed_since=freshness.leave_out_before(),
                    names=_catalogue_names() if params.q else None)
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
        if experience is None or not reach.includes(experience):
            continue  # changed since it was indexed; the change log brings the index up to date
        hits.append(Hit(experience_id, experience, highlight_all(experience.title, words),
                        snippet(experience.free_texts(), words)))
    return SearchResult(params, hits, found.total, found.page, found.pages, found.facets,
                        found.suggestion, found.match, found.corrected, found.notices)

"""Searching experiences for an audience: the index's ids turned into what a page shows.

The URL's parameters are read by kb.experiences.search_params; the index
(kb.search) answers with document ids under the audience's Reach; here they
become experiences, checked once more against the database (an experience may
have changed since it was indexed), with the title and a snippet highlighted
from the row the audience may read – never from text stored in the index – as
text with the matches' spans (pages mark them: kb.web.templating.marked).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb import catalogue, indexing
from kb import search as index_search
from kb.access import policy
from kb.access.policy import Audience
from kb.core.lru import LeastRecentlyUsed
from kb.experiences import direction, freshness, search_params
from kb.experiences.search_params import SearchParams
from kb.extensions import db
from kb.models import Experience
from kb.models.experiences import TEXT_FIELDS
from kb.search import FacetValue, Highlighted, base_form_in, highlight_all, run, snippet


@dataclass
class Hit:
    """One experience on the page, with its title and a snippet, each with the
    words that matched."""

    id: int
    experience: Experience
    title: Highlighted
    snippet: Highlighted

    @property
    def card_key(self) -> tuple:
        """Everything a hit's line of facts (system, stars, author, context, status,
        date, badges) is made of: equal keys, equal lines (CARD_FRAGMENTS)."""
        e = self.experience
        return (e.id, e.updated_at, e.confirmed_at, e.created_at, e.system.slug, e.system.name,
                e.named_author, e.satisfaction, e.reviewer_role, e.sector, e.size_band,
                e.in_use_since, e.usage_status, e.visibility, e.is_demo, e.moderation_state)


class Fragments:
    """Pieces of pages kept per process by a key of everything they are made of
    (a hit's line of facts: Hit.card_key), so a hit shown again is not rendered
    again; least recently used out."""

    def __init__(self, entries: int):
        self._kept = LeastRecentlyUsed(entries=entries)

    def get(self, key):
        return self._kept.get(key)

    def put(self, key, fragment):
        return self._kept.put(key, fragment)


# The hits' lines of facts kept in this process (a page shows 20).
CARD_FRAGMENTS = Fragments(entries=4096)


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
    # The direction read into the words (switch filters) and the rest of the words
    # searched; None when the words were searched as they are.
    understood: direction.Understood | None = None
    # Values of the switch filters that name no system (param, value): left out.
    rejected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def notices(self) -> list[str]:
        return [*self.params.notices, *self.search_notices]

    @property
    def fragments(self) -> Fragments:
        """Where the page keeps its hits' rendered lines of facts (CARD_FRAGMENTS)."""
        return CARD_FRAGMENTS


def _surface_word(experience_id: int, key: str) -> str | None:
    """The base form of a word of this experience's own text whose stem is `key`."""
    experience = db.session.get(Experience, experience_id)
    if experience is None:
        return None
    return base_form_in([getattr(experience, name) for name in TEXT_FIELDS], key)


def _catalogue_names(listed) -> dict[str, str]:
    """Each word of the listed systems' names and aliases (public catalogue data,
    never a pending proposal) by its lower case, as the catalogue writes it."""
    names: dict[str, str] = {}
    for system in listed:
        for text in (system.name, *(system.aliases or "").splitlines()):
            for word in text.split():
                if len(word) >= 4 and word.isalpha():
                    names.setdefault(word.lower(), word)
    return names


def search(params: SearchParams | Mapping, audience: Audience) -> SearchResult:
    """Search what this audience may read.

    `params` is a SearchParams or a mapping of the URL parameters (q, system,
    switched_from, switched_to, sector, size, role, status, min_rating, since, fresh,
    literal, sort, page; the seven filters may repeat, a MultiDict or lists give every
    value); unusable values are dropped (SearchParams.from_mapping; a switch filter's
    value that names no system with a notice). Unless `literal`, a direction in the
    words (kb.experiences.direction: `byta från Personec P`) becomes switch filters
    and the rest of the words are searched. Hits carry the Experience rows, in result
    order.
    """
    if not isinstance(params, SearchParams):
        params = SearchParams.from_mapping(params)
    indexing.catch_up()
    reach = policy.readable(audience)
    systems = catalogue.system_names(audience)
    rejected = _leave_out_unknown(params, systems)
    listed = catalogue.listed_systems() if params.q else []
    understood = None
    if params.q and not params.literal and direction.mentions_switch(params.q):
        understood = direction.understand(params.q, [
            direction.Named(system.slug, system.name, tuple(system.alias_list))
            for system in listed])
    criteria = params.criteria(confirmed_since=freshness.leave_out_before(),
                               understood=understood)
    with indexing.store().searcher() as searcher:
        found = run(searcher, criteria, reach, systems, _surface_word,
                    names=_catalogue_names(listed) if criteria.text else None)
        if understood is not None and index_search.ONLY_STOP_WORDS in found.notes:
            # Nothing but small words beside the direction: the filtered list.
            criteria = dataclasses.replace(criteria, text="")
            found = run(searcher, criteria, reach, systems, _surface_word)
    if understood is not None:
        _only_chosen_ticked(found, params)
        found.suggestion = _in_full(params.q, criteria.text, found.suggestion)
        found.corrected = _in_full(params.q, criteria.text, found.corrected)
    rows = {}
    if found.ids:
        rows = {
            e.id: e
            for e in db.session.scalars(
                select(Experience)
                .options(joinedload(Experience.system), joinedload(Experience.author),
                         joinedload(Experience.organisation))
                .where(Experience.id.in_(found.ids))
            )
        }
    words = found.words
    hits = []
    for experience_id in found.ids:
        experience = rows.get(experience_id)
        if experience is None or not reach.includes(experience):
            continue  # changed since it was indexed; the change log brings the index up to date
        hits.append(Hit(experience_id, experience, highlight_all(experience.title, words),
                        snippet(experience.free_texts(), words)))
    return SearchResult(params, hits, found.total, found.page, found.pages, found.facets,
                        found.suggestion, found.match, found.corrected,
                        search_params.notices(found, params.q), understood, rejected)


def _leave_out_unknown(params: SearchParams,
                       systems: Mapping[int, tuple[str, str]]) -> list[tuple[str, str]]:
    """Take out of the switch filters each value that names no system this audience
    may see, with a notice; the values left out."""
    known = {slug for slug, _name in systems.values()}
    rejected = []
    for name in index_search.SWITCH_FILTERS:
        values = getattr(params, name)
        for value in values:
            if value not in known:
                rejected.append((name, value))
                params.notices.append(search_params.unknown_system(name, value))
        setattr(params, name, tuple(value for value in values if value in known))
    return rejected


def _only_chosen_ticked(found, params: SearchParams) -> None:
    """The switch facets tick what the URL chose, not what the words were read as (the
    chip "Tolkat som" stands for that), so the form never makes it a filter of its own."""
    for name in index_search.SWITCH_FILTERS:
        chosen = set(getattr(params, name))
        found.facets[name] = [
            dataclasses.replace(value, selected=value.code in chosen)
            for value in found.facets.get(name, []) if value.count or value.code in chosen]


_WORD = re.compile(r"\w+")


def _in_full(typed: str, rest: str, fixed: str | None) -> str | None:
    """A correction of the rest of the words (`fixed`) as a correction of the whole
    query typed, direction words and all; the correction alone when the words do not
    pair up."""
    if fixed is None:
        return None
    before, after = _WORD.findall(rest), _WORD.findall(fixed)
    if len(before) != len(after):
        return fixed
    replaced = {old: new for old, new in zip(before, after, strict=True) if old != new}
    return _WORD.sub(lambda m: replaced.get(m.group(0), m.group(0)), typed)

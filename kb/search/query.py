"""Searching experiences: parameters, the query, facets, snippets and suggestions.

Free of Flask requests: the views and the JSON API pass a plain mapping of
parameters and the viewer (a User or None).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from whoosh import qparser
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.query import And, DateRange, Every, NullQuery, NumericRange, Or, Term
from whoosh.sorting import FieldFacet, MultiFacet

from kb import vocab
from kb.search.analysis import highlight_keys, nfc
from kb.search.schema import FACET_FIELDS, TEXT_FIELDS

PER_PAGE = 20
MAX_PAGE = 500
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 24
TIME_LIMIT = 2.0  # seconds for one collector pass
SUGGEST_BELOW = 3  # hits below which "Menade du …?" is tried
SORTS = ("relevance", "newest", "rating", "helpful")

# Parameter name -> index field, for the code filters.
CODE_FILTERS = {
    "sector": ("sector", vocab.SECTORS),
    "size": ("size_band", vocab.SIZE_BANDS),
    "role": ("role", vocab.PROFESSIONAL_ROLES),
    "status": ("status", vocab.USAGE_STATUSES),
}


@dataclass
class SearchParams:
    """Validated search parameters; anything unusable is dropped, never an error."""

    q: str = ""
    system: str | None = None
    sector: str | None = None
    size: str | None = None
    role: str | None = None
    status: str | None = None
    min_rating: int | None = None
    since: int | None = None
    sort: str = "relevance"
    # Leave out experiences not confirmed for 24 months (kb.freshness).
    fresh: bool = False
    page: int = 1
    notices: list[str] = field(default_factory=list)

    @classmethod
    def from_mapping(cls, args: Mapping) -> SearchParams:
        def one(name: str) -> str:
            value = args.get(name)
            if isinstance(value, (list, tuple)):
                value = value[0] if value else None
            return str(value).strip() if value is not None else ""

        params = cls()
        q = nfc(one("q")).replace("\x00", " ")
        if len(q) > MAX_QUERY_CHARS:
            q = q[:MAX_QUERY_CHARS]
            params.notices.append(
                f"Sökfrågan var för lång och har kortats till {MAX_QUERY_CHARS} tecken."
            )
        params.q = " ".join(q.split())
        system = one("system")
        if system and len(system) <= 80 and re.fullmatch(r"[a-z0-9-]+", system):
            params.system = system
        for name, (_field, vocabulary) in CODE_FILTERS.items():
            value = one(name)
            if value in vocabulary:
                setattr(params, name, value)
        params.min_rating = _int_in(one("min_rating"), 1, 5)
        params.since = _int_in(one("since"), 1900, 2100)
        sort = one("sort")
        params.sort = sort if sort in SORTS else ("relevance" if params.q else "newest")
        params.fresh = one("fresh").lower() in ("1", "on", "true", "yes")
        page = one("page")
        params.page = min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1
        return params

    def as_args(self, **changes) -> dict:
        """The parameters as URL arguments (for links), with some changed."""
        values = {
            "q": self.q, "system": self.system, "sector": self.sector, "size": self.size,
            "role": self.role, "status": self.status, "min_rating": self.min_rating,
            "since": self.since, "sort": self.sort, "fresh": 1 if self.fresh else None,
            "page": None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "") and not (k == "page"
                and v == 1)}


def _int_in(value: str, low: int, high: int) -> int | None:
    if not value or not value.isdigit() or len(value) > 6:
        return None
    number = int(value)
    return number if low <= number <= high else None


@dataclass
class Hit:
    """One experience on the page, with its title and a snippet as safe HTML."""

    id: int
    experience: object
    title: str
    snippet: str


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    params: SearchParams
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    timed_out: bool = False

    @property
    def notices(self) -> list[str]:
        return self.params.notices


# Parsing -----------------------------------------------------------------------


def make_parser(schema) -> qparser.QueryParser:
    """Words, "phrases", AND/OR/NOT and parentheses; no wildcards, no fields, no ranges."""
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=TEXT_FIELDS,
                                      group=qparser.AndGroup)
    for plugin in (qparser.WildcardPlugin, qparser.FieldsPlugin, qparser.RangePlugin,
                   qparser.BoostPlugin):
        parser.remove_plugin_class(plugin)
    return parser


def _clean_query_text(q: str) -> str:
    """Drop stray wildcard characters and cap the number of words."""
    q = q.replace("*", " ").replace("?", " ")
    if q.count('"') % 2:
        q = q.replace('"', " ")
    words = q.split()
    return " ".join(words[:MAX_QUERY_WORDS])


def parse_text_query(schema, q: str):
    """The user's words as a Whoosh query, or None when nothing searchable is left."""
    text = _clean_query_text(q)
    if not text:
        return None
    try:
        parsed = _parse(schema, text)
    except Exception:  # e.g. "NOT NOT lön" breaks Whoosh's parser: search the plain words
        parsed = _parse(schema, re.sub(r"[^\w\s]", " ", text).lower())
    return None if parsed is None or parsed is NullQuery else parsed


def _parse(schema, text: str):
    parsed = make_parser(schema).parse(text)
    return None if parsed is None else parsed.normalize()


def visibility_query(viewer):
    """Who may see what, as a query (never `filter=`: see docs/search.md)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return And([Term("state", "published"), Term("visibility", "public")])
    if viewer.is_moderator:
        return None
    return Or([Term("state", "published"), Term("author_id", str(viewer.id))])


def filter_queries(params: SearchParams, system_id: int | None, skip: str | None = None):
    queries = []
    if params.system and skip != "system":
        queries.append(Term("system_id", str(system_id or 0)))
    for name, (fieldname, _vocabulary) in CODE_FILTERS.items():
        value = getattr(params, name)
        if value and skip != name:
            queries.append(Term(fieldname, value))
    if params.min_rating:
        queries.append(NumericRange("satisfaction", params.min_rating, 5))
    if params.since:
        queries.append(DateRange("created", datetime(params.since, 1, 1), None))
    if params.fresh and skip != "fresh":
        from kb.freshness import leave_out_before

        queries.append(DateRange("confirmed", leave_out_before(), None))
    return queries


def combine(parts: list):
    parts = [p for p in parts if p is not None]
    if not parts:
        return Every()
    return parts[0] if len(parts) == 1 else And(parts)


# Running -------------------------------------------------------------------------


def _sort_facet(sort: str):
    if sort == "newest":
        return FieldFacet("created", reverse=True)
    if sort == "rating":
        return MultiFacet([FieldFacet("satisfaction", reverse=True),
                           FieldFacet("created", reverse=True)])
    if sort == "helpful":
        return MultiFacet([FieldFacet("helpful", reverse=True),
                           FieldFacet("created", reverse=True)])
    return None


def collect(searcher, query, *, limit: int | None, sort: str = "relevance",
            scored: bool = True):
    """Run a query under the time limit: (results, timed_out)."""
    sortedby = _sort_facet(sort)
    if sortedby is not None:
        collector = searcher.collector(limit=limit, sortedby=sortedby)
    else:
        collector = searcher.collector(limit=limit, scored=scored)
    timed = TimeLimitCollector(collector, timelimit=TIME_LIMIT, use_alarm=False)
    try:
        searcher.search_with_collector(query, timed)
        timed_out = False
    except TimeLimit:
        timed_out = True
    return timed.results(), timed_out


def count(searcher, query) -> int:
    results, _timed_out = collect(searcher, query, limit=1, scored=False)
    return len(results)


_FACET_LABELS = {
    "sector": vocab.SECTORS,
    "size_band": vocab.SIZE_BANDS,
    "role": vocab.PROFESSIONAL_ROLES,
    "status": vocab.USAGE_STATUSES,
}


def facet_counts(searcher, docnums, params: SearchParams,
                 systems: Mapping[int, tuple[str, str]]) -> dict[str, list[FacetValue]]:
    """Counts per value among the matching documents, read from the column stores."""
    counts = {name: Counter() for name in FACET_FIELDS}
    reader = searcher.reader()
    columns = [(counts[name], reader.column_reader(name)) for name in FACET_FIELDS
               if docnums and reader.has_column(name)]
    for docnum in docnums:
        for counter, column in columns:
            counter[column[docnum]] += 1
    selected = {"sector": params.sector, "size_band": params.size, "role": params.role,
                "status": params.status}
    facets: dict[str, list[FacetValue]] = {}
    systems_found = []
    for code, n in counts.pop("system_id").items():
        system = systems.get(int(code)) if code.isdigit() else None
        if system is not None:
            slug, name = system
            systems_found.append(FacetValue(slug, name, n, slug == params.system))
    systems_found.sort(key=lambda v: (-v.count, v.label.lower()))
    facets["system"] = systems_found
    for name, counter in counts.items():
        vocabulary = _FACET_LABELS[name]
        order = list(vocabulary)
        values = [FacetValue(code, vocab.label(vocabulary, code), n, code == selected[name])
                  for code, n in counter.items() if code in vocabulary]
        values.sort(key=lambda v: order.index(v.code))
        facets[name] = values
    return facets


@dataclass
class Found:
    """What the index answered: ids for the page, the total, facets, the query."""

    ids: list[int]
    total: int
    page: int
    pages: int
    facets: dict
    text_query: object
    timed_out: bool
    suggestion: str | None = None


def run(searcher, params: SearchParams, viewer, system_id: int | None,
        systems: Mapping[int, tuple[str, str]], surface_word=None) -> Found:
    text_query = parse_text_query(searcher.schema, params.q) if params.q else None
    if params.q and text_query is None:
        # Only stop words or symbols: nothing to look for.
        return Found([], 0, 1, 1, {}, None, False)
    sort = params.sort
    if text_query is None and sort == "relevance":
        sort = "newest"
    filters = [visibility_query(viewer), *filter_queries(params, system_id)]
    query = combine([text_query, *filters])

    # Every match once, unscored: the total and the facet counts.
    everything, timed_out = collect(searcher, query, limit=None, scored=False)
    docnums = list(everything.docs())
    total = len(docnums)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(params.page, pages)
    facets = facet_counts(searcher, docnums, params, systems)

    # The page itself, scored or sorted; `limit` bounds the work.
    results, page_timed_out = collect(searcher, query, limit=page * PER_PAGE, sort=sort)
    start = (page - 1) * PER_PAGE
    end = min(results.scored_length(), start + PER_PAGE)
    ids = [int(searcher.stored_fields(results.docnum(n))["id"]) for n in range(start, end)]
    found = Found(ids, total, page, pages, facets, text_query, timed_out or page_timed_out)
    if text_query is not None and total < SUGGEST_BELOW and surface_word is not None:
        found.suggestion = suggest(searcher, params.q, total, filters, surface_word)
    return found


# "Menade du …?" ----------------------------------------------------------------------

_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_WORD = re.compile(r"\w+")


def suggest(searcher, q: str, total: int, filters: list, surface_word) -> str | None:
    """The query with misspelt words replaced, when that finds more.

    Candidates are stems near the word's stem in the text fields' lexicon. A
    candidate counts only if a document this viewer may see contains it
    (checked with the viewer's filters), and the word shown is taken from
    that document's own text (`surface_word(experience_id, stem)`), so text the
    viewer cannot read never leaks through a suggestion, even though the
    lexicon still holds words of deleted or members-only documents.
    """
    corrector = searcher.corrector("body")
    schema = searcher.schema
    replaced = {}
    for word in dict.fromkeys(_WORD.findall(q)):
        key, _parts = highlight_keys(word)
        if word in _OPERATORS or key is None or len(key) < 3 or key.isdigit():
            continue
        if _visible_doc(searcher, key, filters) is not None:
            continue
        for candidate in corrector.suggest(key, limit=5, maxdist=2, prefix=1):
            experience_id = _visible_doc(searcher, candidate, filters)
            shown = surface_word(experience_id, candidate) if experience_id else None
            if shown:
                replaced[word] = shown
                break
    if not replaced:
        return None
    corrected = _WORD.sub(lambda m: replaced.get(m.group(0), m.group(0)), q)
    query = parse_text_query(schema, corrected)
    if query is None or count(searcher, combine([query, *filters])) <= total:
        return None
    return corrected


def _visible_doc(searcher, key: str, filters: list) -> int | None:
    """An experience this viewer may see with this stem in its title or text."""
    query = combine([Or([Term("title", key), Term("body", key)]), *filters])
    results, _timed_out = collect(searcher, query, limit=1, scored=False)
    for docnum in results.docs():
        return int(searcher.stored_fields(docnum)["id"])
    return None

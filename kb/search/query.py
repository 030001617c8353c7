"""Searching the index: parameters, the query, facets and suggestions.

Plain in, plain out: the caller passes the parameters, the Reach of the audience
(kb.reach) and the catalogue's names; it gets document ids, the total, facet
counts and a suggestion back.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from whoosh import qparser
from whoosh.query import And, NullQuery, Or

from kb import parsing, vocab
from kb.search.analysis import highlight_keys, nfc
from kb.search.docsets import DocSets, docsets
from kb.search.ranking import top_documents
from kb.search.schema import QUERY_FIELDS

PER_PAGE = 20
MAX_PAGE = 500
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 24
SUGGEST_BELOW = 3  # hits below which "Menade du …?" is tried
SORTS = ("relevance", "newest", "rating", "helpful")

# The filters that take several values (OR inside one, AND across them), by URL parameter.
FILTERS = ("system", *(context.param for context in vocab.CONTEXT_FIELDS))
MAX_SYSTEMS_CHOSEN = 20  # more slugs than a person would tick; the rest are dropped
_SLUG = re.compile(r"[a-z0-9-]{1,80}")


def _values(args: Mapping, name: str) -> list[str]:
    """Every value of a URL parameter: a MultiDict's list, a list, or one string."""
    if hasattr(args, "getlist"):
        values = args.getlist(name)
    else:
        values = args.get(name)
        if values is None:
            values = []
        elif not isinstance(values, (list, tuple)):
            values = [values]
    return [str(value).strip() for value in values if value is not None]


@dataclass
class SearchParams:
    """Validated search parameters; anything unusable is dropped, never an error.

    `system`, `sector`, `size`, `role` and `status` hold every value chosen, in the
    order of their vocabulary (systems as given): a document matches a filter when it
    has one of its values, and every filter chosen.
    """

    q: str = ""
    system: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    size: tuple[str, ...] = ()
    role: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
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
            values = _values(args, name)
            return values[0] if values else ""

        params = cls()
        q = nfc(one("q")).replace("\x00", " ")
        if len(q) > MAX_QUERY_CHARS:
            q = q[:MAX_QUERY_CHARS]
            params.notices.append(
                f"Sökfrågan var för lång och har kortats till {MAX_QUERY_CHARS} tecken."
            )
        params.q = " ".join(q.split())
        systems = [slug for slug in _values(args, "system") if _SLUG.fullmatch(slug)]
        params.system = tuple(dict.fromkeys(systems))[:MAX_SYSTEMS_CHOSEN]
        for context in vocab.CONTEXT_FIELDS:
            chosen = set(_values(args, context.param))
            setattr(params, context.param,
                    tuple(code for code in context.vocabulary if code in chosen))
        params.min_rating = parsing.integer_in(one("min_rating"), 1, 5)
        params.since = parsing.integer_in(one("since"), 1900, 2100)
        sort = one("sort")
        params.sort = sort if sort in SORTS else ("relevance" if params.q else "newest")
        params.fresh = parsing.flag(one("fresh"))
        params.page = min(parsing.page(one("page")), MAX_PAGE)
        return params

    def as_args(self, **changes) -> dict:
        """The parameters as URL arguments (for links), with some changed; a filter's
        values become a repeated parameter."""
        values = {
            "q": self.q, **{name: list(getattr(self, name)) for name in FILTERS},
            "min_rating": self.min_rating, "since": self.since, "sort": self.sort,
            "fresh": 1 if self.fresh else None, "page": None,
        }
        values.update(changes)
        if values["sort"] == ("relevance" if values["q"] else "newest"):
            values["sort"] = None  # the default order needs no parameter
        return {k: v for k, v in values.items() if v not in (None, "", [], ())
                and not (k == "page" and v == 1)}

    def toggled(self, name: str, code: str) -> dict:
        """URL arguments with one value of a filter added, or removed if it was chosen."""
        chosen = list(getattr(self, name))
        chosen = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
        return self.as_args(**{name: chosen})

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the results besides the words."""
        return bool(any(getattr(self, name) for name in FILTERS) or self.min_rating
                    or self.since or self.fresh)


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


# Parsing -----------------------------------------------------------------------


def make_parser(schema) -> qparser.QueryParser:
    """Words, "phrases", AND/OR/NOT and parentheses; no wildcards, no fields, no ranges."""
    parser = qparser.MultifieldParser(list(QUERY_FIELDS), schema, fieldboosts=QUERY_FIELDS,
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
    return None if parsed is None else _dedupe(parsed.normalize())


def _dedupe(q):
    """Repeated words of one AND or OR group count once (`lön lön lön …` is
    `lön`): each copy would be matched and scored again."""
    if isinstance(q, (And, Or)):
        unique = list(dict.fromkeys(_dedupe(sub) for sub in q.subqueries))
        if len(unique) == 1:
            return unique[0]
        if len(unique) < len(q.subqueries) or any(
                a is not b for a, b in zip(unique, q.subqueries, strict=True)):
            copy = q.copy()
            copy.subqueries = unique
            return copy
    return q


def filter_masks(sets: DocSets, params: SearchParams,
                 system_ids: Mapping[str, int] | None) -> dict[str, int]:
    """Each chosen filter as a mask, keyed by its URL parameter: the documents with any
    one of its values (`system_ids` gives the chosen systems' ids by slug; a slug
    missing there matches nothing)."""
    masks = {}
    if params.system:
        mask = 0
        for slug in params.system:
            system_id = (system_ids or {}).get(slug)
            if system_id is not None:
                mask |= sets.term("system_id", str(system_id))
        masks["system"] = mask
    for context in vocab.CONTEXT_FIELDS:  # index fields are named as the columns
        chosen = getattr(params, context.param)
        if chosen:
            mask = 0
            for code in chosen:
                mask |= sets.term(context.column, code)
            masks[context.param] = mask
    return masks


def base_documents(sets: DocSets, params: SearchParams, reach,
                   confirmed_since: datetime | None = None) -> int:
    """The documents the audience reaches (`reach`, a kb.reach.Reach) under the
    filters that are not facets: the rating and year filters, and with `params.fresh`
    only documents confirmed since `confirmed_since`."""
    mask = reach.index_mask(sets)
    schema = sets.searcher.schema
    if params.min_rating:
        mask &= sets.at_least("satisfaction",
                              schema["satisfaction"].to_column_value(params.min_rating))
    if params.since:
        mask &= sets.at_least("created",
                              schema["created"].to_column_value(datetime(params.since, 1, 1)))
    if params.fresh and confirmed_since is not None:
        mask &= sets.at_least("confirmed", schema["confirmed"].to_column_value(confirmed_since))
    return mask


# Running -------------------------------------------------------------------------

# Sort orders other than relevance: column fields, each descending.
SORT_FIELDS = {
    "newest": ("created",),
    "rating": ("satisfaction", "created"),
    "helpful": ("helpful", "created"),
}


def count(sets: DocSets, query, allowed: int) -> int:
    return (sets.evaluate(query) & allowed).bit_count()


def facet_counts(sets: DocSets, matched: Mapping[str, int], params: SearchParams,
                 systems: Mapping[int, tuple[str, str]]) -> dict[str, list[FacetValue]]:
    """Counts per value, keyed by the URL parameter that filters by them. `matched`
    holds, per parameter, the matching documents under every filter but that
    parameter's own, so each count says how many a tick would add (values of one
    filter are combined with OR). Chosen values are listed even when none match."""
    facets: dict[str, list[FacetValue]] = {}
    counts = Counter(sets.facet_counts("system_id", matched["system"])
                     if matched["system"] else {})
    by_slug = {}
    for code, (slug, name) in systems.items():
        n = counts.get(str(code), 0)
        if n or slug in params.system:
            by_slug[slug] = FacetValue(slug, name, n, slug in params.system)
    facets["system"] = sorted(by_slug.values(), key=lambda v: (-v.count, v.label.lower()))
    for context in vocab.CONTEXT_FIELDS:
        vocabulary, chosen = context.vocabulary, getattr(params, context.param)
        within = matched[context.param]
        counts = Counter(sets.facet_counts(context.column, within) if within else {})
        facets[context.param] = [
            FacetValue(code, vocab.label(vocabulary, code), counts.get(code, 0), code in chosen)
            for code in vocabulary if counts.get(code) or code in chosen]
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
    suggestion: str | None = None


def run(searcher, params: SearchParams, reach, system_ids: Mapping[str, int] | None,
        systems: Mapping[int, tuple[str, str]], surface_word=None,
        confirmed_since: datetime | None = None) -> Found:
    """Search: `reach` is what the audience may see (kb.reach.Reach), `system_ids` the
    chosen systems' ids by slug, `systems` the catalogue (id -> (slug, name)) for the
    facet, `surface_word(id, stem)` a word of that experience's own text with this
    stem (for suggestions)."""
    text_query = parse_text_query(searcher.schema, params.q) if params.q else None
    if params.q and text_query is None:
        # Only stop words or symbols: nothing to look for.
        return Found([], 0, 1, 1, {}, None)
    sort = params.sort
    if text_query is None and sort == "relevance":
        sort = "newest"
    sets = docsets(searcher)
    base = base_documents(sets, params, reach, confirmed_since)
    text = None if text_query is None else sets.evaluate(text_query)
    masks = filter_masks(sets, params, system_ids)

    def matching(leave_out: str | None = None, words: bool = True) -> int:
        """What matches every filter but `leave_out`, and the words unless told not to."""
        mask = base if text is None or not words else base & text
        for name, filter_mask in masks.items():
            if name != leave_out:
                mask &= filter_mask
        return mask

    # Every match once, as a mask: the total and the facet counts.
    matched = matching()
    total = matched.bit_count()
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(params.page, pages)
    facets = facet_counts(sets, {name: matching(name) if name in masks else matched
                                 for name in FILTERS}, params, systems)

    # The page itself, ranked or sorted.
    limit = page * PER_PAGE
    if sort == "relevance":
        docnums = top_documents(sets, text_query, matched, limit)
    else:
        docnums = sets.top_sorted(matched, limit, SORT_FIELDS[sort])
    start = (page - 1) * PER_PAGE
    ids = [int(searcher.stored_fields(d)["id"]) for d in docnums[start:start + PER_PAGE]]
    found = Found(ids, total, page, pages, facets, text_query)
    if text_query is not None and total < SUGGEST_BELOW and surface_word is not None:
        found.suggestion = suggest(searcher, params.q, total, matching(words=False),
                                   surface_word)
    return found


# "Menade du …?" ----------------------------------------------------------------------

_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_WORD = re.compile(r"\w+")


def suggest(searcher, q: str, total: int, allowed: int, surface_word) -> str | None:
    """The query with misspelt words replaced, when that finds more.

    Candidates are stems near the word's stem in the text fields' lexicon. A
    candidate counts only if a document this viewer may see contains it
    (checked against the viewer's mask of documents), and the word shown is taken from
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
        if _visible_doc(searcher, key, allowed) is not None:
            continue
        for candidate in corrector.suggest(key, limit=5, maxdist=2, prefix=1):
            experience_id = _visible_doc(searcher, candidate, allowed)
            shown = surface_word(experience_id, candidate) if experience_id else None
            if shown:
                replaced[word] = shown
                break
    if not replaced:
        return None
    corrected = _WORD.sub(lambda m: replaced.get(m.group(0), m.group(0)), q)
    query = parse_text_query(schema, corrected)
    if query is None or count(docsets(searcher), query, allowed) <= total:
        return None
    return corrected


def _visible_doc(searcher, key: str, allowed: int) -> int | None:
    """An experience this viewer may see with this stem in its title or text."""
    sets = docsets(searcher)
    mask = (sets.term("title", key) | sets.term("body", key)) & allowed
    if not mask:
        return None
    docnum = (mask & -mask).bit_length() - 1  # the lowest document number
    return int(searcher.stored_fields(docnum)["id"])

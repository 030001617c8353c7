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

from kb import parsing, vocab
from kb.search import forgiving
from kb.search.analysis import highlight_keys, nfc
from kb.search.docsets import DocSets, docsets, mask_to_bools
from kb.search.ranking import top_documents
from kb.search.text_query import MAX_QUERY_WORDS, has_compound, parse_text_query

__all__ = ["MAX_QUERY_WORDS", "parse_text_query"]

PER_PAGE = 20
MAX_PAGE = 500
MAX_QUERY_CHARS = 200
SUGGEST_BELOW = 10  # hits below which "Menade du …?" is tried
# A correction is offered when it finds at least this many times the hits (and
# at least SUGGEST_GAIN more): a misspelling that happens to be in one text.
SUGGEST_FACTOR = 3
SUGGEST_GAIN = 2
# Words of one query looked up in the lexicon for a correction, at most.
MAX_CORRECTED_WORDS = 6
ONLY_STOP_WORDS = ("Sökningen innehöll bara vanliga småord (som ”och”, ”är”, ”från”), så det "
                   "fanns inget att söka efter. Lägg till ett mer specifikt ord.")
CORRECTED = "Inga erfarenheter innehåller ”{typed}” – visar träffar för ”{corrected}”."
PARTS_ALONE = ("Inga erfarenheter innehåller de sammansatta orden – visar dem som innehåller "
               "delar av dem")
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
    # "all": every word matched; "most": documents with most of the words
    # (kb.search.forgiving); "parts": compounds matched through their single
    # parts; "none": nothing to search for (only stop words).
    match: str = "all"
    notices: list[str] = field(default_factory=list)
    # The query the hits are for, when the typed one found nothing and its
    # correction did.
    corrected: str | None = None


def run(searcher, params: SearchParams, reach, system_ids: Mapping[str, int] | None,
        systems: Mapping[int, tuple[str, str]], surface_word=None,
        confirmed_since: datetime | None = None, names: Mapping[str, str] | None = None
        ) -> Found:
    """Search: `reach` is what the audience may see (kb.reach.Reach), `system_ids` the
    chosen systems' ids by slug, `systems` the catalogue (id -> (slug, name)) for the
    facet, `surface_word(id, stem)` the base form of a word of that experience's own
    text with this stem (for suggestions), `names` the catalogue's public names by
    lower-cased word (`heroma` -> `Heroma`)."""
    text_query = parse_text_query(searcher.schema, params.q) if params.q else None
    if params.q and text_query is None:
        # Only stop words or symbols: nothing to look for.
        return Found([], 0, 1, 1, {}, None, match="none", notices=[ONLY_STOP_WORDS])
    sets = docsets(searcher)
    scope = Scope(base_documents(sets, params, reach, confirmed_since),
                  filter_masks(sets, params, system_ids))
    allowed = scope.allowed
    found = _search(searcher, sets, params, text_query, scope, systems)
    if 0 < found.total < forgiving.ALL_WORDS_BELOW and '"' in params.q:
        # A quoted phrase that few wrote as such: its words, after it. (One that
        # nobody wrote finds nothing: quotes ask for the words together; the
        # unquoted words are offered as "Menade du …?".)
        loose = parse_text_query(searcher.schema, params.q.replace('"', " "))
        if loose is not None:
            again = _search(searcher, sets, params, loose, scope, systems, exact=text_query)
            if again.total > found.total:
                again.match = "most"
                again.notices.insert(0, forgiving.PHRASE_LOOSENED)
                found = again
    suggestion = None
    if text_query is not None and found.total < SUGGEST_BELOW and surface_word is not None:
        suggestion = suggest(searcher, params.q, found.total, allowed, surface_word,
                             names or {})
    if found.total or text_query is None:
        found.suggestion = suggestion
        return found
    if suggestion is None and '"' in params.q:
        unquoted = " ".join(params.q.replace('"', " ").split())
        loose = parse_text_query(searcher.schema, unquoted)
        if loose is not None and count(sets, loose, allowed):
            found.suggestion = unquoted
            return found
    # Nothing at all: the correction's hits, else the compounds' single parts.
    if suggestion:
        again = _search(searcher, sets, params, parse_text_query(searcher.schema, suggestion),
                        scope, systems)
        if again.total:
            again.corrected = again.suggestion = suggestion
            again.notices.insert(0, CORRECTED.format(typed=params.q, corrected=suggestion))
            return again
    if has_compound(searcher.schema, params.q):
        again = _search(searcher, sets, params,
                        parse_text_query(searcher.schema, params.q, parts_alone=True),
                        scope, systems)
        if again.total:
            again.match = "parts"
            again.notices.insert(0, PARTS_ALONE)
            again.suggestion = suggestion
            return again
    found.suggestion = suggestion
    return found


@dataclass
class Scope:
    """Where one search looks: `base` (what the audience reaches under the filters
    that are not facets) and each chosen facet filter's mask (kb URL parameter ->
    mask); `allowed` is all of them together."""

    base: int
    masks: dict[str, int]

    @property
    def allowed(self) -> int:
        mask = self.base
        for filter_mask in self.masks.values():
            mask &= filter_mask
        return mask

    def leaving_out(self, name: str) -> int:
        """Every filter but `name`: where ticking another value of it would look."""
        mask = self.base
        for other, filter_mask in self.masks.items():
            if other != name:
                mask &= filter_mask
        return mask


def _search(searcher, sets: DocSets, params: SearchParams, text_query, scope: Scope,
            systems, exact=None) -> Found:
    """One search; with `exact` (the quoted query when `text_query` is its words
    unquoted) the documents matching `exact` too, and always first."""
    sort = params.sort
    if text_query is None and sort == "relevance":
        sort = "newest"
    allowed = scope.allowed
    # Every match once, as a mask: the total and the facet counts.
    words = None if text_query is None else sets.evaluate(text_query)
    matched = allowed if words is None else words & allowed
    total = matched.bit_count()
    widened = None if text_query is None else forgiving.widen(sets, text_query, allowed, total)
    bonus = None
    if widened is not None:
        matched, bonus = widened.matched, widened.bonus
    if exact is not None:
        exactly = sets.evaluate(exact) & allowed
        matched |= exactly
        first = mask_to_bools(exactly, sets.n) * forgiving.EXACT_BONUS
        bonus = first if bonus is None else bonus + first
    total = matched.bit_count()
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(params.page, pages)
    facets = facet_counts(sets, _facet_scopes(scope, matched, words), params, systems)

    # The page itself, ranked or sorted.
    limit = page * PER_PAGE
    if sort == "relevance":
        docnums = top_documents(sets, text_query, matched, limit, bonus)
    else:
        docnums = sets.top_sorted(matched, limit, SORT_FIELDS[sort])
    start = (page - 1) * PER_PAGE
    ids = [int(searcher.stored_fields(d)["id"]) for d in docnums[start:start + PER_PAGE]]
    found = Found(ids, total, page, pages, facets, text_query)
    if widened is not None:
        found.match, found.notices = "most", [widened.notice]
    return found


def _facet_scopes(scope: Scope, matched: int, words: int | None) -> dict[str, int]:
    """Per filter, the documents its counts are taken over: what this search matched,
    and, for a chosen filter, the documents its other values would add (those with
    every word, under the other filters), so a count says what a tick would add."""
    scopes = {}
    for name in FILTERS:
        if name not in scope.masks:
            scopes[name] = matched
            continue
        wider = scope.leaving_out(name)
        outside = wider & ~scope.allowed
        scopes[name] = matched | (outside if words is None else outside & words)
    return scopes


# "Menade du …?" ----------------------------------------------------------------------

_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_WORD = re.compile(r"\w+")
# Edit distance allowed against a catalogue name: 1 up to 5 letters, else 2.
_SHORT_NAME = 5
_LONGEST_NAME = 40


def suggest(searcher, q: str, total: int, allowed: int, surface_word,
            names: Mapping[str, str] | None = None) -> str | None:
    """The query with misspelt words replaced, when that finds more.

    A word is replaced by a catalogue name (`Personek` -> `Personec`, shown with
    the catalogue's capitals) or by a stem near the word's stem in the text
    fields' lexicon. A word found in fewer documents than SUGGEST_FACTOR times
    the candidate's is a candidate too (a misspelling in one text). A
    candidate stem counts only if a document this viewer may see contains it
    (checked against the viewer's mask of documents), and the word shown is
    taken from that document's own text in its base form (`surface_word(
    experience_id, stem)`), so text the viewer cannot read never leaks
    through a suggestion, even though the lexicon still holds words of deleted
    or members-only documents.
    """
    corrector = searcher.corrector("body")
    schema = searcher.schema
    sets = docsets(searcher)
    names = names or {}
    replaced = {}
    missing = False  # a replaced word that no visible text has as a whole word
    looked_up = 0
    for word in dict.fromkeys(_WORD.findall(q)):
        key, _parts = highlight_keys(word)
        if word in _OPERATORS or key is None or len(key) < 3 or key.isdigit():
            continue
        lower = word.lower()
        if lower in names:
            continue  # a system's own name
        have = _visible_count(sets, key, allowed)
        name = _near_name(lower, names)
        if name is not None:
            replaced[word] = name
            missing = missing or not have
            continue
        if have and len(key) < 5:
            continue  # short words: too many near neighbours
        looked_up += 1
        if looked_up > MAX_CORRECTED_WORDS:
            break  # each look-up walks the lexicon (10-80 ms at 100,000 experiences)
        for candidate in corrector.suggest(key, limit=5, maxdist=2, prefix=1):
            if candidate == key:
                continue
            found = _visible_count(sets, candidate, allowed)
            if not found or (have and found < max(have * SUGGEST_FACTOR, have + SUGGEST_GAIN)):
                continue
            experience_id = _visible_doc(searcher, candidate, allowed)
            shown = surface_word(experience_id, candidate) if experience_id else None
            if shown:
                replaced[word] = shown
                missing = missing or not have
                break
    if not replaced:
        return None
    corrected = _WORD.sub(lambda m: replaced.get(m.group(0), m.group(0)), q)
    query = parse_text_query(schema, corrected)
    if query is None:
        return None
    # A misspelt compound may still match through its parts: a word that no text
    # has as itself is worth correcting when the correction finds as much.
    needed = max(total, 1) if missing else max(total * SUGGEST_FACTOR, total + SUGGEST_GAIN)
    if count(sets, query, allowed) < needed:
        return None
    return corrected


def _near_name(word: str, names: Mapping[str, str]) -> str | None:
    """The catalogue name within a small edit distance of the word, if one."""
    if not 4 <= len(word) <= _LONGEST_NAME:
        return None
    allowed = 1 if len(word) <= _SHORT_NAME else 2
    best = None
    for name, shown in names.items():
        if abs(len(name) - len(word)) > allowed or name[0] != word[0]:
            continue
        distance = _distance(word, name, allowed)
        if distance <= allowed and (best is None or distance < best[0]):
            best = (distance, shown)
    return best[1] if best else None


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), or limit + 1."""
    previous2 = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (ca != cb))
            if (previous2 is not None and i > 1 and j > 1 and ca == b[j - 2]
                    and a[i - 2] == cb):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _visible_mask(sets: DocSets, key: str, allowed: int) -> int:
    return (sets.term("title", key) | sets.term("body", key)) & allowed


def _visible_count(sets: DocSets, key: str, allowed: int) -> int:
    return _visible_mask(sets, key, allowed).bit_count()


def _visible_doc(searcher, key: str, allowed: int) -> int | None:
    """An experience this viewer may see with this stem in its title or text."""
    mask = _visible_mask(docsets(searcher), key, allowed)
    if not mask:
        return None
    docnum = (mask & -mask).bit_length() - 1  # the lowest document number
    return int(searcher.stored_fields(docnum)["id"])

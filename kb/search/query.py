"""Searching the index: the query, filters, facets and suggestions.

Plain in, plain out: the caller passes what to look for as plain values
(Criteria), the Reach of the audience (kb.access.reach) and the catalogue's
names; it gets document ids, the total, facet counts, the words to highlight, a
suggestion and what the search did when all the words together found (almost)
nothing (NOTES, codes for the caller to put into words). What a URL says and how
a page tells it are the caller's.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from kb.core import vocab
from kb.search import forgiving, judgements
from kb.search.analysis import highlight_keys, nfc
from kb.search.docsets import DocSets, docsets, mask_to_bools
from kb.search.forgiving import FEW_HAVE_ALL, NONE_HAS_ALL, PHRASE_LOOSENED
from kb.search.ranking import top_documents
from kb.search.snippets import MatchWords
from kb.search.text_query import MAX_QUERY_WORDS, has_compound, parse_text_query

__all__ = ["MAX_QUERY_WORDS", "parse_text_query"]

PER_PAGE = 20
MAX_QUERY_CHARS = 200
SUGGEST_BELOW = 10  # hits below which "Menade du …?" is tried
# A correction is offered when it finds at least this many times the hits (and
# at least SUGGEST_GAIN more): a misspelling that happens to be in one text.
SUGGEST_FACTOR = 3
SUGGEST_GAIN = 2
# Words of one query looked up in the lexicon for a correction, at most.
MAX_CORRECTED_WORDS = 6
SORTS = ("relevance", "newest", "rating", "helpful")

# What a search did besides finding every word (Found.notes), in the order it did it:
# the query had only stop words and nothing was searched,
ONLY_STOP_WORDS = "only-stop-words"
# the typed words found nothing and the hits are the correction's (Found.corrected),
CORRECTED = "corrected"
# no text held the compounds and the hits hold their parts,
PARTS_ALONE = "parts-alone"
# and forgiving matching (kb.search.forgiving): PHRASE_LOOSENED, FEW_HAVE_ALL, NONE_HAS_ALL.
NOTES = (ONLY_STOP_WORDS, CORRECTED, PARTS_ALONE, PHRASE_LOOSENED, FEW_HAVE_ALL, NONE_HAS_ALL)

# The filters that take several values (OR inside one, AND across them): systems by
# slug (the system written about, the one switched from, and the one switched to: the
# system written about when it replaced another), then the context fields
# (kb.core.vocab) by their short names.
SWITCH_FILTERS = ("switched_from", "switched_to")
# The years contracts end (the index's contract_end: only the years whoever reads the
# experience may read, kb.indexing.documents).
CONTRACT_FILTER = "contract_ends"
FILTERS = ("system", *SWITCH_FILTERS, *(context.param for context in vocab.CONTEXT_FIELDS),
           CONTRACT_FILTER)


def query_text(typed: str) -> str:
    """Typed words as a search looks for them: NFC, no control NULs, at most
    MAX_QUERY_CHARS characters, single spaces."""
    text = nfc(typed or "").replace("\x00", " ")[:MAX_QUERY_CHARS]
    return " ".join(text.split())


@dataclass
class Criteria:
    """What one search asks for, as plain values.

    `filters` holds, by a name of FILTERS, the values chosen (systems by slug, the
    context fields by vocabulary code): a document matches a filter when it has one
    of its values, and every filter chosen. `created_since` and `confirmed_since`
    leave out documents written, or confirmed, before then. `sort` is one of SORTS
    (relevance without words: newest first); `page` counts from 1 and is brought
    within the pages there are.
    """

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    min_rating: int | None = None
    created_since: datetime | None = None
    confirmed_since: datetime | None = None
    sort: str = "relevance"
    page: int = 1

    def chosen(self, name: str) -> Sequence[str]:
        return self.filters.get(name) or ()


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


def filter_masks(sets: DocSets, criteria: Criteria,
                 systems: Mapping[int, tuple[str, str]]) -> dict[str, int]:
    """Each chosen filter as a mask, keyed by its name in FILTERS: the documents with
    any one of its values (`systems` gives the catalogue's slugs by id; a slug not
    there matches nothing)."""
    masks = {}
    if criteria.chosen("system"):
        chosen = set(criteria.chosen("system"))
        mask = 0
        for system_id, (slug, _name) in systems.items():
            if slug in chosen:
                mask |= sets.term("system_id", str(system_id))
        masks["system"] = mask
    for name in SWITCH_FILTERS:
        chosen = set(criteria.chosen(name))
        if chosen:
            mask = 0
            for system_id, (slug, _name) in systems.items():
                if slug in chosen:
                    mask |= (sets.term("switched_from_id", str(system_id))
                             if name == "switched_from" else switched_to(sets, system_id))
            masks[name] = mask
    for context in vocab.CONTEXT_FIELDS:  # index fields are named as the columns
        chosen = criteria.chosen(context.param)
        if chosen:
            mask = 0
            for code in chosen:
                mask |= sets.term(context.column, code)
            masks[context.param] = mask
    chosen = criteria.chosen(CONTRACT_FILTER)
    if chosen:
        mask = 0
        for year in chosen:
            mask |= sets.term("contract_end", str(year))
        masks[CONTRACT_FILTER] = mask
    return masks


def switched(sets: DocSets) -> int:
    """The documents that record a system switched from."""
    mask = 0
    for value in sets.values("switched_from_id"):
        mask |= sets.term("switched_from_id", value)
    return mask


def switched_to(sets: DocSets, system_id: int) -> int:
    """The documents of this system that record a switch to it: another system
    switched from."""
    key = str(system_id)
    return (sets.term("system_id", key) & switched(sets)
            & ~sets.term("switched_from_id", key))


def base_documents(sets: DocSets, criteria: Criteria, reach) -> int:
    """The documents the audience reaches (`reach`, a kb.access.reach.Reach) under
    the filters that are not facets: the rating, and the times written and confirmed."""
    mask = reach.index_mask(sets)
    schema = sets.searcher.schema
    if criteria.min_rating:
        mask &= sets.at_least("satisfaction",
                              schema["satisfaction"].to_column_value(criteria.min_rating))
    if criteria.created_since is not None:
        mask &= sets.at_least("created",
                              schema["created"].to_column_value(criteria.created_since))
    if criteria.confirmed_since is not None:
        mask &= sets.at_least("confirmed",
                              schema["confirmed"].to_column_value(criteria.confirmed_since))
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


def facet_counts(sets: DocSets, matched: Mapping[str, int], criteria: Criteria,
                 systems: Mapping[int, tuple[str, str]]) -> dict[str, list[FacetValue]]:
    """Counts per value, keyed by the filter (FILTERS) they are values of. `matched`
    holds, per parameter, the matching documents under every filter but that
    parameter's own, so each count says how many a tick would add (values of one
    filter are combined with OR). Chosen values are listed even when none match."""
    facets: dict[str, list[FacetValue]] = {}
    counts = Counter(sets.facet_counts("system_id", matched["system"])
                     if matched["system"] else {})
    facets["system"] = _system_facet(counts, criteria.chosen("system"), systems)
    within = matched["switched_from"]
    counts = Counter(sets.facet_counts("switched_from_id", within) if within else {})
    facets["switched_from"] = _system_facet(counts, criteria.chosen("switched_from"), systems)
    within = matched["switched_to"] and matched["switched_to"] & switched(sets)
    counts = Counter(sets.facet_counts("system_id", within) if within else {})
    for code in list(counts):  # a switch from a system to itself is none
        counts[code] -= (within & sets.term("system_id", code)
                         & sets.term("switched_from_id", code)).bit_count()
    facets["switched_to"] = _system_facet(counts, criteria.chosen("switched_to"), systems)
    for context in vocab.CONTEXT_FIELDS:
        vocabulary, chosen = context.vocabulary, criteria.chosen(context.param)
        within = matched[context.param]
        counts = Counter(sets.facet_counts(context.column, within) if within else {})
        facets[context.param] = [
            FacetValue(code, vocab.label(vocabulary, code), counts.get(code, 0), code in chosen)
            for code in vocabulary if counts.get(code) or code in chosen]
    chosen = [str(year) for year in criteria.chosen(CONTRACT_FILTER)]
    within = matched[CONTRACT_FILTER]
    counts = Counter(sets.facet_counts("contract_end", within) if within else {})
    facets[CONTRACT_FILTER] = [
        FacetValue(year, year, counts.get(year, 0), year in chosen)
        for year in sorted(set(counts) | set(chosen)) if counts.get(year) or year in chosen]
    return facets


def _system_facet(counts: Mapping[str, int], chosen: Sequence[str],
                  systems: Mapping[int, tuple[str, str]]) -> list[FacetValue]:
    """A facet of systems by slug from counts by system id, most first; chosen
    systems are listed even when none match."""
    by_slug = {}
    chosen = set(chosen)
    for code, (slug, name) in systems.items():
        n = counts.get(str(code), 0)
        if n or slug in chosen:
            by_slug[slug] = FacetValue(slug, name, n, slug in chosen)
    return sorted(by_slug.values(), key=lambda v: (-v.count, v.label.lower()))


@dataclass
class Found:
    """What the index answered: ids for the page, the total, facets, the words to
    highlight (kb.search.snippets), a suggestion and notes."""

    ids: list[int]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]
    text_query: object = field(default=None, repr=False)  # the Whoosh query searched
    suggestion: str | None = None
    # "all": every word matched; "most": documents with most of the words
    # (kb.search.forgiving); "parts": compounds matched through their single
    # parts; "none": nothing to search for (only stop words).
    match: str = "all"
    # What the search did besides finding every word, as codes of NOTES, in order.
    notes: list[str] = field(default_factory=list)
    # The query the hits are for, when the typed one found nothing and its
    # correction did.
    corrected: str | None = None

    @cached_property
    def words(self) -> MatchWords:
        """What the hits' titles and snippets mark (kb.search.highlight_all, snippet)."""
        return MatchWords(self.text_query)


def run(searcher, criteria: Criteria, reach, systems: Mapping[int, tuple[str, str]],
        surface_word=None, names: Mapping[str, str] | None = None) -> Found:
    """Search: `reach` is what the audience may see (kb.access.reach.Reach),
    `systems` the catalogue (id -> (slug, name)) for the system filter and facet,
    `surface_word(id, stem)` the base form of a word of that document's own text
    with this stem (for suggestions), `names` the catalogue's public names by
    lower-cased word (`heroma` -> `Heroma`)."""
    q = query_text(criteria.text)
    text_query = parse_text_query(searcher.schema, q) if q else None
    # A capability or aspect judged (`dålig semesterberäkning`): the judgement words
    # are optional and the authors' answers weigh in (kb.search.judgements).
    text_query, judgement = judgements.judged(q, text_query)
    if q and text_query is None:
        # Only stop words or symbols: nothing to look for.
        return Found([], 0, 1, 1, {}, match="none", notes=[ONLY_STOP_WORDS])
    sets = docsets(searcher)
    scope = Scope(base_documents(sets, criteria, reach), filter_masks(sets, criteria, systems))
    allowed = scope.allowed
    found = _search(searcher, sets, criteria, text_query, scope, systems, judgement=judgement)
    if 0 < found.total < forgiving.ALL_WORDS_BELOW and '"' in q:
        # A quoted phrase that few wrote as such: its words, after it. (One that
        # nobody wrote finds nothing: quotes ask for the words together; the
        # unquoted words are offered as "Menade du …?".)
        loose = parse_text_query(searcher.schema, q.replace('"', " "))
        if loose is not None:
            again = _search(searcher, sets, criteria, loose, scope, systems, exact=text_query)
            if again.total > found.total:
                again.match = "most"
                again.notes.insert(0, PHRASE_LOOSENED)
                found = again
    suggestion = None
    if text_query is not None and found.total < SUGGEST_BELOW and surface_word is not None:
        suggestion = suggest(searcher, q, found.total, allowed, surface_word,
                             names or {})
    if found.total or text_query is None:
        found.suggestion = suggestion
        return found
    if suggestion is None and '"' in q:
        unquoted = " ".join(q.replace('"', " ").split())
        loose = parse_text_query(searcher.schema, unquoted)
        if loose is not None and count(sets, loose, allowed):
            found.suggestion = unquoted
            return found
    # Nothing at all: the correction's hits, else the compounds' single parts.
    if suggestion:
        corrected, judgement = judgements.judged(
            suggestion, parse_text_query(searcher.schema, suggestion))
        again = _search(searcher, sets, criteria, corrected, scope, systems,
                        judgement=judgement)
        if again.total:
            again.corrected = again.suggestion = suggestion
            again.notes.insert(0, CORRECTED)
            return again
    if has_compound(searcher.schema, q):
        parts, judgement = judgements.judged(
            q, parse_text_query(searcher.schema, q, parts_alone=True))
        again = _search(searcher, sets, criteria, parts, scope, systems, judgement=judgement)
        if again.total:
            again.match = "parts"
            again.notes.insert(0, PARTS_ALONE)
            again.suggestion = suggestion
            return again
    found.suggestion = suggestion
    return found


@dataclass
class Scope:
    """Where one search looks: `base` (what the audience reaches under the filters
    that are not facets) and each chosen facet filter's mask (by its name in
    FILTERS); `allowed` is all of them together."""

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


def _search(searcher, sets: DocSets, criteria: Criteria, text_query, scope: Scope,
            systems, exact=None, judgement=None) -> Found:
    """One search; with `exact` (the quoted query when `text_query` is its words
    unquoted) the documents matching `exact` too, and always first; `judgement`
    (kb.search.judgements) weighs the authors' answers into the ranking."""
    sort = criteria.sort if criteria.sort in SORTS else "relevance"
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
    page = min(max(1, criteria.page), pages)
    facets = facet_counts(sets, _facet_scopes(scope, matched, words), criteria, systems)

    # The page itself, ranked or sorted.
    limit = page * PER_PAGE
    if sort == "relevance":
        docnums = top_documents(sets, text_query, matched, limit, bonus, judgement)
    else:
        docnums = sets.top_sorted(matched, limit, SORT_FIELDS[sort])
    start = (page - 1) * PER_PAGE
    ids = [int(searcher.stored_fields(d)["id"]) for d in docnums[start:start + PER_PAGE]]
    found = Found(ids, total, page, pages, facets, text_query)
    if widened is not None:
        found.match, found.notes = "most", [widened.note]
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

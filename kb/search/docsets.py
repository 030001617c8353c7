"""Sets of documents as Python integers: bit `d` is set when document `d` is in.

Whoosh walks postings in pure Python, one `next()` per posting and matcher;
at 100,000 documents an unscored pass over every match of a common word took
most of a second. Here a term's postings are decoded a block at a time into
arrays of ids and weights (kept for ranking, kb.search.ranking) and a bit mask,
kept per segment (segments never change; deletions are applied per searcher),
and combined with C-speed integer `&`, `|` and `~`. Totals are `bit_count()`,
facet counts are one `&` per facet value, filters and visibility are masks
too. The sorted orders walk a per-segment order computed once.

Phrases are matched by Whoosh, per segment and only where all of their words
occur; other queries this module does not know are evaluated by Whoosh.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from kb import config as default_config
from kb.core.lru import LeastRecentlyUsed
from kb.search import whoosh_internals
from kb.search.analysis import JOIN

# Everything cached per segment and per searcher (term and phrase masks, postings,
# field lengths, columns, sorted orders, lexicons) shares one least-recently-used
# store per process with this byte budget, however many segments the index has
# (`set_budget`; the app sets it from SEARCH_CACHE_MB). Segments never change, so
# what is kept for one stays valid across searchers: a write adds a small segment
# and leaves the others' entries in place. Until an app sets it: kb/config.py's default.
DEFAULT_BUDGET_BYTES = default_config.SEARCH_CACHE_MB * 1024 * 1024
# Below this many matching documents the sorted orders sort the matches
# themselves instead of walking the precomputed order.
SORT_MATCHES_BELOW = 4096


def ids_to_mask(ids, n: int) -> int:
    """A mask of these document numbers (each below n)."""
    if n <= 0:
        return 0
    if not isinstance(ids, np.ndarray):
        ids = np.fromiter(ids, dtype=np.int64)
    bits = np.zeros(n, dtype=bool)
    bits[ids] = True
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")


def mask_to_bools(mask: int, n: int) -> np.ndarray:
    """The mask as n booleans (document number -> in the set)."""
    raw = np.frombuffer(mask.to_bytes(n // 8 + 1, "little"), dtype=np.uint8)
    return np.unpackbits(raw, count=n, bitorder="little").view(bool)


def mask_to_ids(mask: int) -> list[int]:
    """The document numbers in a mask, ascending."""
    if not mask:
        return []
    return np.flatnonzero(mask_to_bools(mask, mask.bit_length())).tolist()


# The one store ---------------------------------------------------------------------


def _size(value) -> int:
    """Roughly the bytes a cached value holds (what the budget counts)."""
    if isinstance(value, int):
        return 32 + value.bit_length() // 8
    if isinstance(value, np.ndarray):
        return 112 + value.nbytes
    if isinstance(value, tuple):
        return 64 + sum(_size(part) for part in value)
    if isinstance(value, frozenset):  # a small segment's terms: (field, bytes) pairs
        return 216 + 160 * len(value)
    if isinstance(value, list):
        if value and isinstance(value[0], str):
            return 64 + sum(57 + len(word) for word in value)
        return 64 + 36 * len(value)  # a pointer and (mostly) an int object per entry
    return 64


class _Store:
    """The process's search caches: one LRU with one byte budget. Keys start with
    the segment's key (kb.search.whoosh_internals.segment_key) or a searcher's token."""

    def __init__(self, budget: int):
        self.budget = budget
        self.values = LeastRecentlyUsed(budget=budget, size=_size)

    def get(self, key):
        return self.values.get(key)

    def put(self, key, value):
        return self.values.put(key, value)

    def keep_only(self, owners: set) -> None:
        """Forget what belongs to segments (or searchers) of the same kind of index as
        `owners` (each (directory, id)) but not in `owners`: on disk, every other
        directory (older generations, merged-away segments); in memory, other
        entries of the same storage. Indexes in memory (a network's questions) and
        the index on disk never push each other's entries out this way."""
        folders = {owner[0] for owner in owners}
        on_disk = any(isinstance(folder, str) for folder in folders)

        def kept(key) -> bool:
            folder = key[0][0]
            if key[0] in owners:
                return True
            return not isinstance(folder, str) if on_disk else folder not in folders

        self.values.keep_only({key for key in self.values if kept(key)})

    def size(self) -> int:
        """The bytes held now, as the budget counts them."""
        return sum(_size(value) for value in (self.values.get(key) for key in self.values)
                   if value is not None)

    def folders(self) -> set:
        """The index directories (or storages in memory) something is kept for."""
        return {key[0][0] for key in self.values}


_store = _Store(DEFAULT_BUDGET_BYTES)


def set_budget(budget_bytes: int) -> None:
    """The byte budget of this process's search caches (what is kept goes)."""
    global _store
    if budget_bytes != _store.budget:
        _store = _Store(int(budget_bytes))


def cache_budget() -> int:
    return _store.budget


def cached_bytes() -> int:
    """Bytes the search caches hold now (at most the budget)."""
    return _store.size()


# Per segment -----------------------------------------------------------------------


class _Segment:
    """One immutable segment's entries in the shared store (an empty index's, with
    no key, in a dict of its own that goes with its searcher)."""

    def __init__(self, key, n: int):
        self.key = key
        self.n = n
        self._own: dict | None = {} if key is None else None

    def get(self, kind: str, *rest):
        if self._own is not None:
            return self._own.get((kind, *rest))
        return _store.get((self.key, kind, *rest))

    def put(self, kind: str, value, *rest):
        if self._own is not None:
            self._own[(kind, *rest)] = value
            return value
        return _store.put((self.key, kind, *rest), value)


def _segment(segreader) -> _Segment:
    return _Segment(whoosh_internals.segment_key(segreader), segreader.doc_count_all())


# A segment of at most this many documents (a drain's: every write adds one) has its
# terms read once as a set. A search looks each of its many terms (forms, compound
# parts, four fields) up in every segment, and most are not in a small one: a probe
# of Whoosh's term table on disk costs about 0.1 ms, a set lookup nothing.
SMALL_SEGMENT_DOCS = 1000


def _has_term(segreader, seg: _Segment, fieldname: str, text) -> bool:
    if seg.n <= SMALL_SEGMENT_DOCS:
        terms = seg.get("terms")
        if terms is None:
            terms = seg.put("terms", whoosh_internals.term_set(segreader))
        return whoosh_internals.term_key(segreader, fieldname, text) in terms
    try:
        return (fieldname, text) in segreader
    except (KeyError, TypeError, ValueError):
        return False


def _segment_postings(segreader, seg: _Segment, fieldname: str, text):
    """A term's (ids, weights) in one segment, kept while within the byte budget: the
    ids as 32-bit numbers (a segment's document numbers are far below 2**31), so a
    posting takes 12 bytes, not 16. The weights stay 64-bit floats, which the scores
    are computed in: 32-bit ones would have saved a fifth more of the cache, but
    converting them at every use made warm searches about 5 % slower."""
    found = seg.get("postings", fieldname, text)
    if found is not None:
        return found
    if _has_term(segreader, seg, fieldname, text):
        ids, weights = whoosh_internals.term_postings(segreader, fieldname, text)
        found = (ids.astype(np.int32), weights)
    else:
        found = (np.zeros(0, dtype=np.int32), np.zeros(0))
    return seg.put("postings", found, fieldname, text)


def _segment_term(segreader, seg: _Segment, fieldname: str, text) -> int:
    mask = seg.get("term", fieldname, text)
    if mask is None:
        ids, _weights = _segment_postings(segreader, seg, fieldname, text)
        mask = seg.put("term", ids_to_mask(ids, seg.n), fieldname, text)
    return mask


def _segment_phrase(subsearcher, segreader, seg: _Segment, q) -> int:
    """The segment's documents holding the phrase, kept like a term's mask.

    Whoosh matches positions (in Python), so it runs only when every word
    occurs in the segment, and once per segment rather than once per searcher:
    a write adds a small segment and leaves the others' phrase masks valid."""
    key = (q.fieldname, tuple(q.words), q.slop)
    mask = seg.get("phrase", *key)
    if mask is not None:
        return mask
    candidates = (1 << seg.n) - 1
    for word in q.words:
        candidates &= _segment_term(segreader, seg, q.fieldname, word)
        if not candidates:
            break
    return seg.put("phrase", ids_to_mask(q.docs(subsearcher), seg.n) if candidates else 0,
                   *key)


def _segment_lengths(segreader, seg: _Segment, fieldname: str) -> np.ndarray:
    """Each document's length of the field, as Whoosh's scorers see it (the
    one-byte encoding; 1 where the field is empty)."""
    lengths = seg.get("lengths", fieldname)
    if lengths is None:
        lengths = whoosh_internals.field_lengths(segreader, fieldname)
        lengths[lengths == 0] = 1.0
        lengths = seg.put("lengths", lengths, fieldname)
    return lengths


def _segment_column(segreader, seg: _Segment, fieldname: str) -> list:
    column = seg.get("column", fieldname)
    if column is None:
        if segreader.has_column(fieldname):
            column = list(segreader.column_reader(fieldname, translate=False))
        else:
            column = [0] * seg.n
        column = seg.put("column", column, fieldname)
    return column


def _segment_at_least(segreader, seg: _Segment, fieldname: str, low) -> int:
    mask = seg.get("at_least", fieldname, low)
    if mask is None:
        column = _segment_column(segreader, seg, fieldname)
        mask = seg.put("at_least", ids_to_mask(
            (i for i, v in enumerate(column) if v is not None and v >= low), seg.n),
            fieldname, low)
    return mask


def _segment_deleted(segreader, seg: _Segment) -> int:
    """The segment's deleted documents as a mask; deletions only grow, so their
    number tells one state from another (a write that deletes in a large segment
    costs one mask of it, kept for the next searcher of every thread)."""
    count = segreader.doc_count_all() - segreader.doc_count()
    mask = seg.get("deleted", count)
    if mask is None:
        mask = seg.put("deleted", ids_to_mask(whoosh_internals.deleted_docs(segreader), seg.n),
                       count)
    return mask


def _segment_lexicon(segreader, seg: _Segment, fieldname: str) -> list[str]:
    words = seg.get("lexicon", fieldname)
    if words is None:
        try:
            words = list(segreader.field_terms(fieldname))
        except KeyError:  # a field the index was built without (until it is rebuilt)
            words = []
        words = seg.put("lexicon", words, fieldname)
    return words


# Per searcher --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reuse:
    """What a searcher's DocSets takes from the previous one's: its token, how many
    leading segments both have in the same places, and the bits of those segments'
    documents."""

    token: tuple
    leaves: int
    bits: int


@dataclass(frozen=True)
class _Layout:
    """A searcher's segments in order (key, offset, documents) under its token, and
    the index commit it reads (its generation)."""

    token: tuple
    segments: tuple
    generation: int

    def shared_with(self, previous: _Layout | None) -> _Reuse | None:
        """The segments this layout has first, in the same places as `previous` (a
        write adds a segment at the end and a deletion keeps a segment's key; a merge
        replaces the small ones at the end), when there are any."""
        if (previous is None or previous.token[0] != self.token[0]
                or previous.generation > self.generation):
            return None  # another index, or a newer commit (its deletions reach further)
        shared = 0
        for mine, theirs in zip(self.segments, previous.segments, strict=False):
            if mine != theirs or mine[0] is None:
                break
            shared += 1
        if not shared:
            return None
        _key, offset, n = self.segments[shared - 1]
        return _Reuse(previous.token, shared, (1 << (offset + n)) - 1)


class DocSets:
    """Masks over one searcher's documents; built on first use, one per searcher.
    A searcher's term masks start from the previous searcher's of the same index
    (a write adds a small segment: only it is added in)."""

    def __init__(self, searcher, previous: _Layout | None = None):
        self.searcher = searcher
        reader = searcher.reader()
        self.leaves = [(r, offset, _segment(r)) for r, offset in reader.leaf_readers()]
        keys = {seg.key for _r, _o, seg in self.leaves if seg.key is not None}
        folder = next(iter(keys))[0] if keys else None
        self._token = (folder, ("searcher", next(_tokens)))
        self.layout = _Layout(self._token, tuple((seg.key, offset, seg.n)
                                                 for _r, offset, seg in self.leaves),
                              reader.generation() or 0)
        self._reuse = self.layout.shared_with(previous)
        # Segments the index in use no longer has (merged away, or an older
        # generation after `kb reindex`) and older searchers' masks leave the
        # store, but for the previous searcher's (`term` reuses them). A thread
        # still searching an older searcher rebuilds what it needs.
        if keys:
            _store.keep_only(keys | {self._token}
                             | ({self._reuse.token} if self._reuse else set()))
        self.n = reader.doc_count_all()
        live = (1 << self.n) - 1
        for r, offset, seg in self.leaves:
            if r.has_deletions():
                live &= ~(_segment_deleted(r, seg) << offset)
        self.live = live
        self._deletions = live != (1 << self.n) - 1
        self._joined_known: bool | None = None

    # Building blocks ------------------------------------------------------------

    def term(self, fieldname: str, text) -> int:
        if len(self.leaves) == 1:  # the segment's own mask, less the deleted
            r, _offset, seg = self.leaves[0]
            mask = _segment_term(r, seg, fieldname, text)
            return mask & self.live if self._deletions else mask
        key = (self._token, "term", fieldname, text)
        mask = _store.get(key)
        if mask is None:
            mask, start = 0, 0
            if self._reuse is not None:
                # The previous searcher's mask, cut to the segments both have in the
                # same places: their deletions only grew since, and `live` takes them.
                before = _store.get((self._reuse.token, "term", fieldname, text))
                if before is not None:
                    mask, start = before & self._reuse.bits, self._reuse.leaves
            for r, offset, seg in self.leaves[start:]:
                local = _segment_term(r, seg, fieldname, text)
                if local:
                    mask |= local << offset
            mask &= self.live
            mask = _store.put(key, mask)
        return mask

    def postings(self, fieldname: str, text) -> list[tuple[int, np.ndarray, np.ndarray,
                                                            np.ndarray]]:
        """A term's postings for scoring, per segment: (offset, ids, weights, the
        documents' lengths of the field). Deleted documents included."""
        found = []
        for r, offset, seg in self.leaves:
            ids, weights = _segment_postings(r, seg, fieldname, text)
            if len(ids):
                found.append((offset, ids, weights,
                              _segment_lengths(r, seg, fieldname)[ids]))
        return found

    def idf(self, fieldname: str, text, postings=None) -> float:
        """The term's inverse document frequency as Whoosh's weighting gives it
        (log(N / (df + 1)) + 1 over every document, deleted ones included), from the
        postings this process keeps per segment (`postings`: the term's, when at
        hand): Whoosh's own probes the term table of every segment on disk again for
        each new searcher, that is after each write."""
        if postings is None:
            postings = self.postings(fieldname, text)
        frequency = sum(len(ids) for _offset, ids, _weights, _lengths in postings)
        return math.log(self.n / (frequency + 1)) + 1

    def at_least(self, fieldname: str, low) -> int:
        mask = 0
        for r, offset, seg in self.leaves:
            local = _segment_at_least(r, seg, fieldname, low)
            if local:
                mask |= local << offset
        return mask & self.live

    def values(self, fieldname: str) -> list[str]:
        words: dict[str, None] = {}
        for r, _offset, seg in self.leaves:
            words.update(dict.fromkeys(_segment_lexicon(r, seg, fieldname)))
        return list(words)

    def facet_counts(self, fieldname: str, mask: int) -> dict[str, int]:
        counts = {}
        for value in self.values(fieldname):
            n = (mask & self.term(fieldname, value)).bit_count()
            if n:
                counts[value] = n
        return counts

    # Queries ----------------------------------------------------------------------

    def evaluate(self, q) -> int:
        """The documents matching a Whoosh query (unscored), as a mask."""
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, wq.And):
            mask = self.live
            for sub in q.subqueries:
                mask &= self.evaluate(sub)
                if not mask:
                    break
            return mask
        if isinstance(q, (wq.Or, wq.DisjunctionMax)):
            mask = 0
            for sub in q.subqueries:
                mask |= self.evaluate(sub)
            return mask
        if isinstance(q, wq.AndNot):
            return self.evaluate(q.a) & ~self.evaluate(q.b)
        if isinstance(q, wq.AndMaybe):
            return self.evaluate(q.a)
        if isinstance(q, wq.Not):
            return self.live & ~self.evaluate(q.query)
        if isinstance(q, wq.Every):
            return self.live
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return 0
        if isinstance(q, wq.Phrase):
            joined = self._joined(q)
            if joined is not None:
                return self.evaluate(joined)
            mask = 0
            leaf_searchers = {offset: s for s, offset in self.searcher.leaf_searchers()}
            for r, offset, seg in self.leaves:
                mask |= _segment_phrase(leaf_searchers[offset], r, seg, q) << offset
            return mask & self.live
        return ids_to_mask(self.searcher.docs_for_query(q), self.n) & self.live

    # Compound parts ------------------------------------------------------------------

    def joined_parts_indexed(self) -> bool:
        """Whether every segment indexes runs of compound parts as joined terms
        (`lön+system`); an index built before they existed has none until
        `kb reindex`, and keeps Whoosh's phrase matching meanwhile."""
        if self._joined_known is None:
            self._joined_known = "parts" not in self.searcher.schema or all(
                not words or any(JOIN in w for w in words)
                for words in (_segment_lexicon(r, seg, "parts") for r, _o, seg in self.leaves))
        return self._joined_known

    def _joined(self, q):
        """A phrase of compound parts as the single joined term, when indexed."""
        if (q.fieldname == "parts" and q.slop == 1 and len(q.words) > 1
                and all(JOIN not in w for w in q.words) and self.joined_parts_indexed()):
            return wq.Term("parts", JOIN.join(q.words), boost=q.boost)
        return None

    def fast_query(self, q):
        """The query with phrases of compound parts replaced by joined terms
        (same matches; the term is scored as one word)."""
        if isinstance(q, wq.Phrase):
            return self._joined(q) or q
        if q.is_leaf():
            return q
        return q.apply(self.fast_query)

    # Pages -------------------------------------------------------------------------

    def top_sorted(self, mask: int, limit: int, fields: tuple[str, ...]) -> list[int]:
        """Up to `limit` documents of the mask, ordered by the fields (descending),
        ties by document number."""
        if not mask or limit <= 0:
            return []
        columns = []
        for r, offset, seg in self.leaves:
            columns.append((offset, seg.n, [_segment_column(r, seg, f) for f in fields]))

        def key_of(docnum):
            for offset, n, cols in columns:
                if offset <= docnum < offset + n:
                    local = docnum - offset
                    return tuple(-(c[local] or 0) for c in cols) + (docnum,)
            return (docnum,)

        if mask.bit_count() < SORT_MATCHES_BELOW:
            return heapq.nsmallest(limit, mask_to_ids(mask), key=key_of)
        candidates = []
        for r, offset, seg in self.leaves:
            local = (mask >> offset) & ((1 << seg.n) - 1)
            if not local:
                continue
            bits = local.to_bytes((seg.n + 8) // 8, "little")
            taken = 0
            for d in self._order(r, seg, fields):
                if bits[d >> 3] >> (d & 7) & 1:
                    candidates.append(d + offset)
                    taken += 1
                    if taken >= limit:
                        break
        return heapq.nsmallest(limit, candidates, key=key_of)

    def _order(self, r, seg: _Segment, fields: tuple[str, ...]) -> list[int]:
        name = ",".join(fields)
        order = seg.get("order", name)
        if order is None:
            cols = [_segment_column(r, seg, f) for f in fields]
            order = seg.put("order", sorted(range(seg.n),
                                            key=lambda d: tuple(-(c[d] or 0) for c in cols)),
                            name)
        return order


_docsets_lock = threading.Lock()
_tokens = itertools.count()
# The layout of the newest searcher's DocSets, per index directory (or storage in
# memory: a network's questions), for the next searcher of that index to reuse.
# At most NEWEST_KEPT of them, the least recently made out first.
NEWEST_KEPT = 64
_newest: dict = {}


def docsets(searcher) -> DocSets:
    """This searcher's DocSets (built once per searcher)."""
    sets = getattr(searcher, "_kb_docsets", None)
    if sets is None:
        with _docsets_lock:
            sets = getattr(searcher, "_kb_docsets", None)
            if sets is None:
                folder = _folder_of(searcher)
                sets = DocSets(searcher, _newest.pop(folder, None))
                if folder is not None:
                    _newest[folder] = sets.layout
                    while len(_newest) > NEWEST_KEPT:
                        del _newest[next(iter(_newest))]
                searcher._kb_docsets = sets
    return sets


def _folder_of(searcher):
    for reader, _offset in searcher.reader().leaf_readers():
        key = whoosh_internals.segment_key(reader)
        if key is not None:
            return key[0]
    return None

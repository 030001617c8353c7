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
import threading

import numpy as np
from whoosh import query as wq

from kb.lru import LeastRecentlyUsed
from kb.search import whoosh_internals
from kb.search.analysis import JOIN

# Term masks kept per segment (most recently used first out when full).
MAX_TERMS_PER_SEGMENT = 2048
# Postings (ids and weights, for relevance) kept per segment, in bytes.
MAX_POSTINGS_BYTES_PER_SEGMENT = 48 * 1024 * 1024
# Per-segment caches kept in this process (a segment no longer in use goes
# out once newer ones push it out).
MAX_SEGMENTS = 64
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


# Per segment -----------------------------------------------------------------------


def _postings_size(postings) -> int:
    ids, weights = postings
    return ids.nbytes + weights.nbytes


class _Segment:
    """What is cached for one immutable segment."""

    def __init__(self, n: int):
        self.n = n
        self.terms = LeastRecentlyUsed(entries=MAX_TERMS_PER_SEGMENT)  # term and phrase masks
        self.postings = LeastRecentlyUsed(budget=MAX_POSTINGS_BYTES_PER_SEGMENT,
                                          size=_postings_size)
        self.lengths: dict[str, np.ndarray] = {}
        self.columns: dict[str, list] = {}
        self.ranges = LeastRecentlyUsed(entries=64)
        self.orders: dict[str, list[int]] = {}
        self.lexicons: dict[str, list[str]] = {}


_segments = LeastRecentlyUsed(entries=MAX_SEGMENTS)


def _segment(segreader) -> _Segment:
    key = whoosh_internals.segment_key(segreader)
    if key is None:  # an empty index: nothing worth keeping
        return _Segment(segreader.doc_count_all())
    seg = _segments.get(key)
    if seg is None:
        seg = _segments.put(key, _Segment(segreader.doc_count_all()))
    return seg


def _segment_postings(segreader, seg: _Segment, fieldname: str, text):
    """A term's (ids, weights) in one segment, kept while within the byte budget."""
    key = (fieldname, text)
    found = seg.postings.get(key)
    if found is not None:
        return found
    try:
        present = (fieldname, text) in segreader
    except (KeyError, TypeError, ValueError):
        present = False
    found = (whoosh_internals.term_postings(segreader, fieldname, text) if present
             else (np.zeros(0, dtype=np.int64), np.zeros(0)))
    return seg.postings.put(key, found)


def _segment_term(segreader, seg: _Segment, fieldname: str, text) -> int:
    key = (fieldname, text)
    mask = seg.terms.get(key)
    if mask is None:
        ids, _weights = _segment_postings(segreader, seg, fieldname, text)
        mask = seg.terms.put(key, ids_to_mask(ids, seg.n))
    return mask


def _segment_phrase(subsearcher, segreader, seg: _Segment, q) -> int:
    """The segment's documents holding the phrase, kept like a term's mask.

    Whoosh matches positions (in Python), so it runs only when every word
    occurs in the segment, and once per segment rather than once per searcher:
    a write adds a small segment and leaves the others' phrase masks valid."""
    key = ("phrase", q.fieldname, tuple(q.words), q.slop)
    mask = seg.terms.get(key)
    if mask is not None:
        return mask
    candidates = (1 << seg.n) - 1
    for word in q.words:
        candidates &= _segment_term(segreader, seg, q.fieldname, word)
        if not candidates:
            break
    return seg.terms.put(key, ids_to_mask(q.docs(subsearcher), seg.n) if candidates else 0)


def _segment_lengths(segreader, seg: _Segment, fieldname: str) -> np.ndarray:
    """Each document's length of the field, as Whoosh's scorers see it (the
    one-byte encoding; 1 where the field is empty)."""
    lengths = seg.lengths.get(fieldname)
    if lengths is None:
        lengths = whoosh_internals.field_lengths(segreader, fieldname)
        lengths[lengths == 0] = 1.0
        seg.lengths[fieldname] = lengths
    return lengths


def _segment_column(segreader, seg: _Segment, fieldname: str) -> list:
    column = seg.columns.get(fieldname)
    if column is None:
        if segreader.has_column(fieldname):
            column = list(segreader.column_reader(fieldname, translate=False))
        else:
            column = [0] * seg.n
        seg.columns[fieldname] = column
    return column


def _segment_at_least(segreader, seg: _Segment, fieldname: str, low) -> int:
    key = (fieldname, low)
    mask = seg.ranges.get(key)
    if mask is None:
        column = _segment_column(segreader, seg, fieldname)
        mask = seg.ranges.put(key, ids_to_mask(
            (i for i, v in enumerate(column) if v is not None and v >= low), seg.n))
    return mask


def _segment_lexicon(segreader, seg: _Segment, fieldname: str) -> list[str]:
    words = seg.lexicons.get(fieldname)
    if words is None:
        words = list(segreader.field_terms(fieldname))
        seg.lexicons[fieldname] = words
    return words


# Per searcher --------------------------------------------------------------------------


class DocSets:
    """Masks over one searcher's documents; built on first use, one per searcher."""

    def __init__(self, searcher):
        self.searcher = searcher
        reader = searcher.reader()
        self.leaves = [(r, offset, _segment(r)) for r, offset in reader.leaf_readers()]
        # Segments the index in use no longer has (merged away, or an older
        # generation after `kb reindex`) leave the cache: their postings can take
        # tens of megabytes. A thread still searching an older searcher rebuilds
        # what it needs.
        _segments.keep_only({whoosh_internals.segment_key(r) for r, _offset, _seg in self.leaves})
        self.n = reader.doc_count_all()
        live = (1 << self.n) - 1
        for r, offset, seg in self.leaves:
            if r.has_deletions():
                live &= ~(ids_to_mask(whoosh_internals.deleted_docs(r), seg.n) << offset)
        self.live = live
        self._terms: dict = {}
        self._joined_known: bool | None = None

    # Building blocks ------------------------------------------------------------

    def term(self, fieldname: str, text) -> int:
        key = (fieldname, text)
        mask = self._terms.get(key)
        if mask is None:
            mask = 0
            for r, offset, seg in self.leaves:
                local = _segment_term(r, seg, fieldname, text)
                if local:
                    mask |= local << offset
            mask &= self.live
            if len(self._terms) < 4096:
                self._terms[key] = mask
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
        order = seg.orders.get(name)
        if order is None:
            cols = [_segment_column(r, seg, f) for f in fields]
            order = sorted(range(seg.n), key=lambda d: tuple(-(c[d] or 0) for c in cols))
            seg.orders[name] = order
        return order


_docsets_lock = threading.Lock()


def docsets(searcher) -> DocSets:
    """This searcher's DocSets (built once per searcher)."""
    sets = getattr(searcher, "_kb_docsets", None)
    if sets is None:
        with _docsets_lock:
            sets = getattr(searcher, "_kb_docsets", None)
            if sets is None:
                sets = DocSets(searcher)
                searcher._kb_docsets = sets
    return sets

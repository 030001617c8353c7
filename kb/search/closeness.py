"""Closeness: whether the query's words stand close together in a document.

Read only for the best candidates of the first ranking (kb.search.ranking), from
the positions of those documents alone: a document whose words stand within
NEAR_SLOP positions of each other (any order) in its title or in its text
(`supporten är dålig` above a text with `support` in one paragraph and `dålig`
in another).

Whoosh's span queries did this by walking, in Python, every document that holds
all the words (a skip to a candidate steps through each document in between whose
words stand apart): about 45 ms per multi-word query at 100,000 experiences. Here
the documents are first narrowed with the postings already decoded for scoring
(the candidates holding every word in that field), and then only the posting
blocks holding them are read (kb.search.whoosh_internals.term_positions).

The rule is Whoosh's `SpanNear2(..., slop=NEAR_SLOP, ordered=False)`: starting
from each position of the first word, each next word must stand 1 to NEAR_SLOP
positions from the span found so far, which then grows to include it.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
from whoosh import query as wq

from kb.core.lru import LeastRecentlyUsed
from kb.search import whoosh_internals
from kb.search.docsets import DocSets
from kb.search.text_query import words

NEAR_SLOP = 4
NEAR_FIELDS = ("title", "body")
# Positions of a word in a document, kept per process (segment, field, word, document).
POSITIONS_KEPT = 16_384

_kept = LeastRecentlyUsed(entries=POSITIONS_KEPT)


def near_words(text_query) -> list[str]:
    """The stems of the query's required words, when two or more are single words
    (with the optional words of a judged query, kb.search.judgements, after them)."""
    if text_query is None:
        return []
    optional = []
    if isinstance(text_query, wq.AndMaybe):  # the optional words: an Or of them
        maybe = text_query.b
        text_query, optional = text_query.a, (list(maybe.subqueries)
                                              if isinstance(maybe, wq.Or) else [maybe])
    required, _others = words(text_query)
    required = [*required, *optional]
    stems = []
    for word in required:
        for sub in word.leaves():
            if isinstance(sub, wq.Term) and sub.fieldname == "body":
                stems.append(sub.text)  # the typed word's (an abbreviation's comes after)
                break
    stems = list(dict.fromkeys(stems))
    return stems if len(stems) >= 2 else []


def close(sets: DocSets, stems: list[str], docnums: np.ndarray) -> np.ndarray:
    """1.0 for each of the documents whose words (`stems`) stand close together in
    its title or text, else 0.0."""
    found = np.zeros(len(docnums))
    if len(stems) < 2 or not len(docnums):
        return found
    docnums = np.asarray(docnums, dtype=np.int64)
    order = np.argsort(docnums, kind="stable")
    found[order] = _close_sorted(sets, stems, docnums[order])
    return found


def _close_sorted(sets: DocSets, stems: list[str], docnums: np.ndarray) -> np.ndarray:
    found = np.zeros(len(docnums))
    # However the words chain, all of them stand within this many positions.
    width = (len(stems) - 1) * NEAR_SLOP
    for fieldname in NEAR_FIELDS:
        postings = {stem: _ids_by_segment(sets, fieldname, stem) for stem in stems}
        for r, offset, seg in sets.leaves:
            inside = np.flatnonzero((docnums >= offset) & (docnums < offset + seg.n)
                                    & (found == 0))
            if not len(inside):
                continue
            local = docnums[inside] - offset
            holding = np.ones(len(local), dtype=bool)
            for stem in stems:
                ids = postings[stem].get(offset)
                if ids is None or not len(ids):
                    holding[:] = False
                    break
                at = np.minimum(np.searchsorted(ids, local), len(ids) - 1)
                holding &= ids[at] == local  # ids ascend: document order
            if not holding.any():
                continue
            # The rarest word first: documents where a word stands far from those
            # read before are dropped before the commoner words' blocks are read.
            key = whoosh_internals.segment_key(r)
            alive = local[holding].tolist()
            read: dict[str, dict[int, list[int]]] = {}
            for stem in sorted(stems, key=lambda stem: len(postings[stem][offset])):
                got = _positions(r, key, fieldname, stem, alive)
                alive = [d for d in alive
                         if all(_apart_at_most(got[d], other[d], width) for other in read.values())]
                read[stem] = got
                if not alive:
                    break
            position_of = dict(zip(local.tolist(), inside.tolist(), strict=True))
            for docnum in alive:
                if within([read[stem][docnum] for stem in stems], NEAR_SLOP):
                    found[position_of[docnum]] = 1.0
    return found


def _positions(segreader, key, fieldname: str, stem: str, docnums: list[int]) -> dict:
    """The word's positions in these documents of one segment (each holds it),
    kept per process (POSITIONS_KEPT) so a repeated search reads no block again."""
    got, missing = {}, []
    for docnum in docnums:
        known = _kept.get((key, fieldname, stem, docnum)) if key is not None else None
        if known is None:
            missing.append(docnum)
        else:
            got[docnum] = known
    if missing:
        for docnum, positions in whoosh_internals.term_positions(
                segreader, fieldname, stem, missing).items():
            got[docnum] = positions
            if key is not None:
                _kept.put((key, fieldname, stem, docnum), positions)
    for docnum in missing:
        got.setdefault(docnum, [])
    return got


def _apart_at_most(a: list[int], b: list[int], width: int) -> bool:
    """Whether a position of `a` and one of `b` (each ascending) are at most `width` apart."""
    for p in a:
        k = bisect_left(b, p - width)
        if k < len(b) and b[k] <= p + width:
            return True
    return False


def _ids_by_segment(sets: DocSets, fieldname: str, stem: str) -> dict[int, np.ndarray]:
    """The documents of each segment (by offset) holding the term, from the postings
    kept for scoring."""
    return {offset: ids for offset, ids, _weights, _lengths in sets.postings(fieldname, stem)}


def within(positions: list, slop: int) -> bool:
    """Whether one position of each list (ascending positions of each word) can be
    chained, word after word, each 1 to `slop` positions from the span so far."""
    if not positions or any(not p for p in positions):
        return False
    spans = [(p, p) for p in positions[0]]
    for others in positions[1:]:
        grown = set()
        for start, end in spans:
            k = bisect_left(others, start - slop)
            while k < len(others):
                p = others[k]
                k += 1
                if p > end + slop:
                    break
                if start <= p <= end:
                    continue  # inside the span: distance 0
                grown.add((min(start, p), max(end, p)))
        if not grown:
            return False
        spans = sorted(grown)
    return True

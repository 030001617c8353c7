"""Relevance: Whoosh's BM25F, computed over whole postings lists with numpy.

Whoosh's scored collector walks postings one `next()` at a time in Python: a
query with a word in half of 100,000 documents took half a second to rank.
The formula here is the one Whoosh's default weighting applies (BM25F with
B = 0.75 and K1 = 1.2, its idf and average field lengths, the field boosts the
query parser puts on each term, sums over the matching parts of AND and OR),
so results come in the same order; only the arithmetic runs over arrays.

A phrase scores as the sum of its words in that field, in the documents that
hold the phrase.

Then closeness: among the best `NEAR_CANDIDATES`, a document whose words stand
within `NEAR_SLOP` positions of each other (any order) in its title or text
scores `NEAR_WEIGHT` more (`supporten är dålig` above a text with `support` in
one paragraph and `dålig` in another). Positions are read only for those
candidates, by skipping Whoosh's span matcher to each of them.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.query.spans import SpanNear2

from kb.search.docsets import DocSets, mask_to_bools
from kb.search.text_query import words

B = 0.75
K1 = 1.2
NEAR_CANDIDATES = 60
NEAR_SLOP = 4
NEAR_WEIGHT = 0.5
NEAR_FIELDS = ("title", "body")


def top_documents(sets: DocSets, text_query, candidates: int, limit: int,
                  bonus: np.ndarray | None = None) -> list[int]:
    """The best `limit` documents of `candidates` (a mask) for the query, best
    first; equal scores in document order. `bonus` (per document) is added to
    the scores (kb.search.forgiving: words matched)."""
    if not candidates or limit <= 0:
        return []
    ids = np.flatnonzero(mask_to_bools(candidates, sets.n))
    relevance = scores(sets, text_query)
    near = _near_words(text_query)
    if near:
        first = _best(ids, relevance[ids] + (bonus[ids] if bonus is not None else 0),
                      max(limit, NEAR_CANDIDATES))
        first = np.sort(first)
        relevance[first] *= 1 + NEAR_WEIGHT * _close(sets, near, first)
    found = relevance[ids] + (bonus[ids] if bonus is not None else 0)
    return _best(ids, found, limit).tolist()


def _best(ids: np.ndarray, found: np.ndarray, limit: int) -> np.ndarray:
    """The ids with the `limit` highest scores, best first (ties in id order)."""
    if len(ids) > limit:
        # Everything above the limit-th best score, then ties in document order.
        cut = np.partition(found, len(found) - limit)[len(found) - limit]
        above = found > cut
        tied = np.flatnonzero(found == cut)[: limit - int(above.sum())]
        keep = np.concatenate([np.flatnonzero(above), tied])
        ids, found = ids[keep], found[keep]
    order = np.lexsort((ids, -found))
    return ids[order]


def _near_words(text_query) -> list[str]:
    """The stems of the query's required words, when two or more are single words."""
    required, _kept = words(text_query)
    stems = []
    for word in required:
        for sub in word.leaves():
            if isinstance(sub, wq.Term) and sub.fieldname == "body":
                stems.append(sub.text)  # the typed word's (an abbreviation's comes after)
                break
    stems = list(dict.fromkeys(stems))
    return stems if len(stems) >= 2 else []


def _close(sets: DocSets, stems: list[str], docnums: np.ndarray) -> np.ndarray:
    """1.0 for each document (ascending numbers) whose words stand close
    together in its title or text, else 0.0."""
    close = np.zeros(len(docnums))
    leaf_searchers = {offset: s for s, offset in sets.searcher.leaf_searchers()}
    for fieldname in NEAR_FIELDS:
        span = SpanNear2([wq.Term(fieldname, stem) for stem in stems], slop=NEAR_SLOP,
                         ordered=False)
        for r, offset, seg in sets.leaves:
            inside = np.flatnonzero((docnums >= offset) & (docnums < offset + seg.n)
                                    & (close == 0))
            if not len(inside):
                continue
            if any((fieldname, stem) not in r for stem in stems):
                continue
            matcher = span.matcher(leaf_searchers[offset])
            for i in inside:
                local = int(docnums[i]) - offset
                if not matcher.is_active():
                    break
                if matcher.id() < local:
                    matcher.skip_to(local)
                if matcher.is_active() and matcher.id() == local:
                    close[i] = 1.0
    return close


def scores(sets: DocSets, text_query) -> np.ndarray:
    """Every document's score for the query (meaningful where it matches)."""
    found = np.zeros(sets.n)
    _add(sets, sets.fast_query(text_query), found, 1.0, restrict=False)
    return found


def _add(sets: DocSets, q, scores: np.ndarray, boost: float, restrict: bool) -> None:
    """Add the query's score to every document's. With `restrict`, only documents
    the query matches get anything (inside an OR, a part of an AND that does not
    match as a whole must not count)."""
    if restrict and isinstance(q, (wq.And, wq.AndNot)):
        part = np.zeros_like(scores)
        _add(sets, q, part, boost, restrict=False)
        scores += part * mask_to_bools(sets.evaluate(q), sets.n)
        return
    boost *= getattr(q, "boost", 1.0)
    if isinstance(q, wq.Term):
        _add_term(sets, q.fieldname, q.text, scores, boost)
    elif isinstance(q, wq.Phrase):
        part = np.zeros_like(scores)
        for word in dict.fromkeys(q.words):
            _add_term(sets, q.fieldname, word, part, boost)
        scores += part * mask_to_bools(sets.evaluate(q), sets.n)
    elif isinstance(q, wq.And):
        for sub in q.subqueries:
            _add(sets, sub, scores, boost, restrict=False)
    elif isinstance(q, (wq.Or, wq.DisjunctionMax)):
        for sub in q.subqueries:
            _add(sets, sub, scores, boost, restrict=True)
    elif isinstance(q, wq.AndNot):
        _add(sets, q.a, scores, boost, restrict=False)
    elif isinstance(q, wq.AndMaybe):
        _add(sets, q.a, scores, boost, restrict)
        _add(sets, q.b, scores, boost, restrict=True)
    # NOT, everything and nothing add no score.


def _add_term(sets: DocSets, fieldname: str, text, scores: np.ndarray, boost: float) -> None:
    searcher = sets.searcher
    postings = sets.postings(fieldname, text)
    if not postings:
        return
    idf = searcher.idf(fieldname, text)
    average_length = searcher.avg_field_length(fieldname) or 1
    for offset, ids, weights, lengths in postings:
        bm25 = idf * (weights * (K1 + 1)) / (
            weights + K1 * ((1 - B) + B * lengths / average_length))
        # Each id occurs once in a term's postings, so a plain fancy-index add is exact.
        scores[ids + offset] += boost * bm25

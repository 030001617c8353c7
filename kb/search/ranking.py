"""Relevance: Whoosh's BM25F, computed over whole postings lists with numpy.

Whoosh's scored collector walks postings one `next()` at a time in Python: a
query with a word in half of 100,000 documents took half a second to rank.
The formula here is the one Whoosh's default weighting applies (BM25F with
B = 0.75 and K1 = 1.2, its idf and average field lengths, the field boosts the
query parser puts on each term, sums over the matching parts of AND and OR),
so results come in the same order; only the arithmetic runs over arrays.

A phrase scores as the sum of its words in that field, in the documents that
hold the phrase.

Then a second ranking of the best of the first (the same candidates for every
page):

- a query that judges a capability or aspect (kb.search.judgements:
  `dålig semesterberäkning`, `bra support`) weighs in the authors' answers of
  the best JUDGED_CANDIDATES: more for answers that agree, less for answers that
  contradict it;
- closeness, among the best NEAR_CANDIDATES (kb.search.closeness): a document
  whose words stand within NEAR_SLOP positions of each other (any order) in its
  title or text scores NEAR_WEIGHT more (`supporten är dålig` above a text with
  `support` in one paragraph and `dålig` in another). It is read from the
  positions of those candidates alone, and only for the ones that could still
  reach the page.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from kb.search.closeness import close, near_words
from kb.search.docsets import DocSets, mask_to_bools

B = 0.75
K1 = 1.2
# Candidates of the second ranking: weighed by a judgement's answers, and (the
# best of those) read for closeness.
JUDGED_CANDIDATES = 200
NEAR_CANDIDATES = 60
NEAR_WEIGHT = 0.5


def top_documents(sets: DocSets, text_query, candidates: int, limit: int,
                  bonus: np.ndarray | None = None, judgement=None) -> list[int]:
    """The best `limit` documents of `candidates` (a mask) for the query, best
    first; equal scores in document order. `bonus` (per document) is added to
    the scores (kb.search.forgiving: words matched). `judgement`
    (kb.search.judgements.Judgement, for a query that judges a capability or
    aspect) weighs the answers of the best candidates in."""
    if not candidates or limit <= 0:
        return []
    ids = np.flatnonzero(mask_to_bools(candidates, sets.n))
    relevance = scores(sets, text_query)
    near = near_words(text_query)
    if near or judgement is not None:
        _rerank(sets, ids, relevance, bonus, limit, near, judgement)
    found = relevance[ids] + (bonus[ids] if bonus is not None else 0)
    return _best(ids, found, limit).tolist()


def _rerank(sets: DocSets, ids: np.ndarray, relevance: np.ndarray, bonus, limit: int,
            near: list[str], judgement) -> None:
    """The second ranking, in place, of the best of the first (the same candidates
    for every page, so pages never overlap): the best JUDGED_CANDIDATES weighed by
    the judgement, then the best NEAR_CANDIDATES of those by closeness, read only
    for the ones that can still reach the first `limit`."""
    extra = bonus[ids] if bonus is not None else np.zeros(len(ids))
    order = _best(np.arange(len(ids)), relevance[ids] + extra,
                  JUDGED_CANDIDATES if judgement is not None else NEAR_CANDIDATES)
    first, extra = ids[order], extra[order]
    weighed = relevance[first]
    if judgement is not None:
        weighed = weighed * judgement.factors(sets, first)
        relevance[first] = weighed
        order = _best(np.arange(len(first)), weighed + extra, NEAR_CANDIDATES)
        first, extra, weighed = first[order], extra[order], weighed[order]
    if near:
        # Closeness only raises a score (by 1 + NEAR_WEIGHT at most): a candidate
        # below the limit-th best even when raised cannot reach the page.
        reach = np.ones(len(first), dtype=bool)
        if len(first) > limit:
            cut = np.partition(weighed + extra, len(first) - limit)[len(first) - limit]
            reach = weighed * (1 + NEAR_WEIGHT) + extra >= cut
        if reach.any():
            weighed[reach] *= 1 + NEAR_WEIGHT * close(sets, near, first[reach])
        relevance[first] = weighed


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
    idf = sets.idf(fieldname, text, postings)
    average_length = searcher.avg_field_length(fieldname) or 1
    for offset, ids, weights, lengths in postings:
        bm25 = idf * (weights * (K1 + 1)) / (
            weights + K1 * ((1 - B) + B * lengths / average_length))
        # Each id occurs once in a term's postings, so a plain fancy-index add is exact.
        scores[ids + offset] += boost * bm25

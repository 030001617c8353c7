"""Forgiving matching: when all the words together find (almost) nothing, the
documents that hold most of them, ranked by how many and then how well, and
the user is told so.

`supporten är dålig på helger` may have no experience with every word; the
ones about bad support are still what was asked for. Words under NOT stay
excluded. A quoted phrase few texts hold as written is searched as its words
too, the exact ones first (kb.search.query).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kb.search.docsets import DocSets, ids_to_mask, mask_to_bools
from kb.search.text_query import words

# All words together finding fewer documents than this widens the search.
ALL_WORDS_BELOW = 10  # half a page
# Added to the score per word matched: more words always rank first.
WORD_BONUS = 1000.0
# Notes: no document has every word, and those with the most are shown; or few have
# every word, and they come first, then those with the most.
NONE_HAS_ALL = "none-has-all"
FEW_HAVE_ALL = "few-have-all"
# A quoted phrase that few texts hold as written: they come first (this bonus
# is above any number of words), then the texts with its words.
EXACT_BONUS = 1_000_000.0
PHRASE_LOOSENED = "phrase-loosened"


@dataclass
class Widened:
    matched: int  # the documents shown (a mask)
    bonus: np.ndarray  # per document: WORD_BONUS per word it holds
    note: str  # FEW_HAVE_ALL or NONE_HAS_ALL


def widen(sets: DocSets, text_query, allowed: int, total: int) -> Widened | None:
    """The documents with most of the query's words, when all of them find fewer
    than ALL_WORDS_BELOW; None when the query has one word or nothing is gained."""
    if total >= ALL_WORDS_BELOW:
        return None
    required, kept = words(text_query)
    if len(required) < 2:
        return None
    for condition in kept:
        allowed &= sets.evaluate(condition)
    if not allowed:
        return None
    counts = np.zeros(sets.n, dtype=np.int16)
    for word in required:
        mask = sets.evaluate(word) & allowed
        if mask:
            counts += mask_to_bools(mask, sets.n)
    best = int(counts.max()) if sets.n else 0
    if best == 0:
        return None
    need = min(best, max(1, math.ceil(len(required) / 2)))
    ids = np.flatnonzero(counts >= need)
    matched = ids_to_mask(ids, sets.n)
    if matched.bit_count() <= total:
        return None
    return Widened(matched, counts.astype(float) * WORD_BONUS,
                   FEW_HAVE_ALL if total else NONE_HAS_ALL)

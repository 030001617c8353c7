"""How common a Swedish word is: wordfreq's Swedish list, loaded once per process.

wordfreq (PyPI, data CC BY-SA 4.0) ships its word lists inside the wheel, so
nothing is fetched at run time. Its Swedish list has ~340,000 words in
frequency buckets of one centibel; kb keeps only the words at or above
`MIN_ZIPF` (about 59,000) as a plain dict and lets wordfreq forget its own
copy. The list is read on first use, not at import: a worker that never
analyses text (or an index built before) never pays for it.

Zipf frequency: log10 of occurrences per billion words; 6 is a very common
word (`tid` 5.8), 3 a word of the trade (`förkortning` 3.6), below 2.5 rare.
"""

from __future__ import annotations

import threading

# Words rarer than this are not kept: no part of a compound, no base form.
MIN_ZIPF = 2.5

_lock = threading.Lock()
_zipf: dict[str, float] | None = None


def _load() -> dict[str, float]:
    import wordfreq

    buckets = wordfreq.get_frequency_list("sv")
    found: dict[str, float] = {}
    # Bucket i holds the words of frequency 10^(-i/100): Zipf 9 - i/100.
    last = int(round((9 - MIN_ZIPF) * 100))
    for i, words in enumerate(buckets[: last + 1]):
        zipf = round(9 - i / 100, 2)
        for word in words:
            if word.isalpha():
                found.setdefault(word, zipf)
    # wordfreq keeps every bucket (all 340,000 words) in an lru_cache.
    wordfreq.get_frequency_list.cache_clear()
    return found


def frequencies() -> dict[str, float]:
    """Word -> Zipf frequency for every word at or above MIN_ZIPF (loaded once)."""
    global _zipf
    if _zipf is None:
        with _lock:
            if _zipf is None:
                _zipf = _load()
    return _zipf


def zipf(word: str) -> float:
    """The word's Zipf frequency; 0 for a word rarer than MIN_ZIPF or unknown."""
    return frequencies().get(word, 0.0)

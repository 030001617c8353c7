"""Highlighted snippets: the words that matched, in their sentence, as plain text
with the matches' character spans (the web layer makes HTML of them).

Snippets are cut from the database row the viewer may read (never from stored
index text), so they cannot show more than the experience page would.

Cutting one means stemming every word of the row's texts; a search page cut
twenty, a quarter of its time. Each snippet is kept (CACHED_SNIPPETS of them,
least recently used out first) under a digest of the very texts it was cut from
and the words looked for, so an edited experience is cut again and a text the
viewer may not read cannot be served from the cache by another one's key.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from whoosh.query import Not

from kb.core.lru import LeastRecentlyUsed
from kb.search.analysis import highlight_keys, nfc

_WORD = re.compile(r"\w+(?:\.?\w+)*")
SNIPPET_CHARS = 240
FALLBACK_CHARS = 200
CACHED_SNIPPETS = 8192
_cut = LeastRecentlyUsed(entries=CACHED_SNIPPETS)
ELLIPSIS = "…"


@dataclass(frozen=True)
class Highlighted:
    """A text to show, and where in it the words looked for are: (start, end)
    character offsets, in order and apart. Plain text: whoever shows it escapes it."""

    text: str = ""
    spans: tuple[tuple[int, int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text

    def pieces(self) -> Iterator[tuple[str, bool]]:
        """The text in order, in pieces that are a match or not (empty pieces left out)."""
        last = 0
        for start, end in self.spans:
            if start > last:
                yield self.text[last:start], False
            yield self.text[start:end], True
            last = end
        if last < len(self.text):
            yield self.text[last:], False

    @property
    def matched(self) -> list[str]:
        """The words that matched, as the text writes them."""
        return [self.text[start:end] for start, end in self.spans]


class MatchWords:
    """What the query looks for, in the forms each kind of field stores."""

    def __init__(self, query):
        self.stems: set[str] = set()
        self.parts: set[tuple[str, ...]] = set()
        self.names: set[str] = set()
        if query is not None:
            self._collect(query)
        # Words seen in this request's texts, and whether they match.
        self._seen: dict[str, bool] = {}

    @property
    def key(self) -> tuple:
        """What the words look for, as a key that any equal query gives too."""
        return (tuple(sorted(self.stems)), tuple(sorted(self.parts)), tuple(sorted(self.names)))

    def _collect(self, query) -> None:
        if isinstance(query, Not):
            return  # excluded words are not highlighted
        fieldname = getattr(query, "fieldname", None)
        words = []
        if hasattr(query, "words"):
            words = list(query.words)
        elif hasattr(query, "text") and isinstance(query.text, str):
            words = [query.text]
        if fieldname in ("title", "body"):
            self.stems.update(words)
        elif fieldname == "parts" and words:
            self.parts.add(tuple(words))
        elif fieldname in ("system_names", "other_systems"):
            self.names.update(words)
        for child in query.children():
            self._collect(child)

    def __bool__(self) -> bool:
        return bool(self.stems or self.parts or self.names)

    def matches(self, word: str) -> bool:
        found = self._seen.get(word)
        if found is None:
            found = self._seen[word] = self._matches(word)
        return found

    def _matches(self, word: str) -> bool:
        lower = word.lower()
        if lower in self.names:
            return True
        key, parts = highlight_keys(lower)
        if key is None:
            return False
        if key in self.stems:
            return True
        sequence = parts or (key,)
        return any(_contains(sequence, phrase) for phrase in self.parts)


def first_word_with_stem(texts: list[str | None], key: str) -> str | None:
    for text in texts:
        for match in _WORD.finditer(nfc(text or "")):
            word = match.group(0).lower()
            if highlight_keys(word)[0] == key:
                return word
    return None


def _contains(sequence: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(sequence[i:i + n] == phrase for i in range(len(sequence) - n + 1))


def _cached(kind: str, texts: list[str | None], words: MatchWords, cut) -> Highlighted:
    digest = hashlib.blake2b(digest_size=16)
    for text in texts:
        digest.update((text or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    key = (kind, digest.digest(), words.key)
    found = _cut.get(key)
    if found is None:
        found = _cut.put(key, cut())
    return found


def highlight_all(text: str, words: MatchWords) -> Highlighted:
    """The whole (short) text with every match found."""
    return _cached("all", [text], words, lambda: _highlight_all(text, words))


def _highlight_all(text: str, words: MatchWords) -> Highlighted:
    text = nfc(text or "")
    return Highlighted(text, tuple(_matches(text, words)))


def snippet(texts: list[str], words: MatchWords) -> Highlighted:
    """The best passage of the first text with a match, or the opening of the
    first non-empty text when nothing matches (a fallback snippet)."""
    return _cached("snippet", texts, words, lambda: _snippet(texts, words))


def _snippet(texts: list[str], words: MatchWords) -> Highlighted:
    for raw in texts:
        text = nfc(raw or "")
        spans = _matches(text, words) if words else []
        if spans:
            return _window(text, spans)
    for raw in texts:
        text = " ".join(nfc(raw or "").split())
        if text:
            if len(text) > FALLBACK_CHARS:
                cut = text.rfind(" ", 0, FALLBACK_CHARS)
                text = text[: cut if cut > 0 else FALLBACK_CHARS] + " " + ELLIPSIS
            return Highlighted(text)
    return Highlighted()


def _matches(text: str, words: MatchWords) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text) if words.matches(m.group(0))]


def _window(text: str, spans: list[tuple[int, int]]) -> Highlighted:
    """About SNIPPET_CHARS around the densest cluster of matches."""
    best_start, best_count = spans[0][0], 0
    for i, (start, _end) in enumerate(spans):
        count = sum(1 for s, _e in spans[i:] if s - start <= SNIPPET_CHARS * 2 // 3)
        if count > best_count:
            best_start, best_count = start, count
    begin = max(0, best_start - SNIPPET_CHARS // 3)
    if begin > 0:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    prefix = ELLIPSIS + " " if begin > 0 else ""
    suffix = " " + ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - begin
    inside = tuple((s + shift, e + shift) for s, e in spans if s >= begin and e <= end)
    return Highlighted(prefix + text[begin:end].replace("\n", " ") + suffix, inside)

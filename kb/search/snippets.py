"""Highlighted snippets: the words that matched, in their sentence, HTML-escaped.

Snippets are cut from the database row the viewer may read (never from stored
index text), so they cannot show more than the experience page would.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from whoosh.query import Not

from kb.search.analysis import highlight_keys, nfc

_WORD = re.compile(r"\w+(?:\.?\w+)*")
SNIPPET_CHARS = 240
FALLBACK_CHARS = 200


class MatchWords:
    """What the query looks for, in the forms each kind of field stores."""

    def __init__(self, query):
        self.stems: set[str] = set()
        self.parts: set[tuple[str, ...]] = set()
        self.names: set[str] = set()
        if query is not None:
            self._collect(query)

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


def highlight_all(text: str, words: MatchWords) -> Markup:
    """The whole (short) text with every match marked."""
    text = nfc(text or "")
    return _mark(text, _matches(text, words))


def snippet(texts: list[str], words: MatchWords) -> Markup:
    """The best passage of the first text with a match, or the opening of the
    first non-empty text when nothing matches (a fallback snippet)."""
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
                text = text[: cut if cut > 0 else FALLBACK_CHARS] + " …"
            return Markup(escape(text))
    return Markup("")


def _matches(text: str, words: MatchWords) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text) if words.matches(m.group(0))]


def _window(text: str, spans: list[tuple[int, int]]) -> Markup:
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
    inside = [(s - begin, e - begin) for s, e in spans if s >= begin and e <= end]
    body = _mark(" ".join(text[begin:end].split("\n")), inside)
    prefix = Markup("… ") if begin > 0 else Markup("")
    suffix = Markup(" …") if end < len(text) else Markup("")
    return prefix + body + suffix


def _mark(text: str, spans: list[tuple[int, int]]) -> Markup:
    out = []
    last = 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>{}</mark>").format(text[start:end]))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)

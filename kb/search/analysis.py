"""Swedish text analysis: NFC, lower case, the Swedish stop list, Snowball stems
with an exception table for irregular forms (kb.search.wordforms), and
compound parts (kb.search.compounds).

Every class and function here is importable by name: Whoosh pickles the
analyzers into the index's schema.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import Stemmer
from whoosh.analysis import Token, Tokenizer
from whoosh.lang.stopwords import stoplists

from kb.search import compounds, lexicon, wordforms

# The Swedish list alone: StopFilter(lang="sv") would add the English one too.
SWEDISH_STOP_WORDS = stoplists["sv"]

_CACHE_MAX = 200_000
_stemmer = Stemmer.Stemmer("swedish")
_stem_cache: dict[str, str] = {}


def nfc(text: str) -> str:
    """Composed form: a decomposed `o` + diaeresis would split `lönen` into two tokens."""
    return unicodedata.normalize("NFC", text)


def stem(word: str) -> str:
    """The current Snowball Swedish stem (PyStemmer) of a lower-cased word, cached."""
    result = _stem_cache.get(word)
    if result is None:
        result = _stemmer.stemWord(word)
        if len(_stem_cache) >= _CACHE_MAX:
            _stem_cache.clear()
        _stem_cache[word] = result
    return result


def word_key(lower: str) -> str:
    """What a lower-cased word is indexed and searched as: the stem of its
    dictionary form where Snowball cannot join the forms (`skrev` -> `skriv`,
    `hjälpte` -> `hjälp`, `män` -> `man`; kb.search.wordforms), else its stem.
    A hyphenated compound keeps its hyphen between the stemmed sides' keys
    (`AGI-filen` -> `agi-fil`): one word in the stemmed fields, its sides' parts
    in the parts field."""
    result = _key_cache.get(lower)
    if result is None:
        if HYPHEN in lower:
            sides = [side for side in lower.split(HYPHEN) if side]
            result = HYPHEN.join(word_key(side) for side in sides) if sides else lower
        else:
            base = wordforms.base_form(lower)
            result = stem(base if base else lower)
        if len(_key_cache) >= _CACHE_MAX:
            _key_cache.clear()
        _key_cache[lower] = result
    return result


def _part_key(word: str) -> str:
    """A word of the part lists as a key; the irregular table only (the weak-verb
    rule would cost a lexicon look-up for each of ~60,000 words at start)."""
    base = wordforms.FORMS.get(word)
    return stem(base if base else word)


_key_cache: dict[str, str] = {}
_parts_cache: dict[str, tuple[str, ...]] = {}
HYPHEN = "-"


def compound_parts(stemmed: str) -> tuple[str, ...]:
    """The part keys of a stemmed compound (two or more), or () if it is not one
    (kb.search.compounds). A hyphenated word's parts are those of each side
    (`agi-fil` -> `agi fil`, `sie-exportfil` -> `sie export fil`)."""
    cached = _parts_cache.get(stemmed)
    if cached is not None:
        return cached
    if HYPHEN in stemmed:
        parts = tuple(part for side in stemmed.split(HYPHEN) if side
                      for part in (compound_parts(side) or (side,)))
        if len(parts) < 2:
            parts = ()
    else:
        parts = compounds.split(stemmed, _part_key)
    if len(_parts_cache) >= _CACHE_MAX:
        _parts_cache.clear()
    _parts_cache[stemmed] = parts
    return parts


JOIN = "+"


def joined_parts(parts: tuple[str, ...]) -> list[str]:
    """Every run of two or more consecutive parts of one compound, joined with
    `+` (`lön+system`; `tjänst+pension`, `pension+rapportering` and
    `tjänst+pension+rapportering`). Indexed beside the parts, a phrase of
    parts within one compound is a single term: see kb.search.docsets."""
    n = len(parts)
    if n < 2:
        return []
    return [JOIN.join(parts[i:j]) for i in range(n - 1) for j in range(i + 2, n + 1)]


# Words, with inner dots (`v.2`) and hyphens (`AGI-filen`, `SIE-export`).
_WORD = re.compile(r"\w+(?:[.-]\w+)*")
_word_cache: dict[tuple[str, str], str | None] = {}


def _key(kind: str, word: str) -> str | None:
    """What one word becomes in a field of this kind; None when it is dropped.
    A query drops stop words in every kind of field, names too: a word that the
    stemmed fields drop and a names field kept would be a required clause that
    no document satisfies (`byta från Hogia`)."""
    lower = word.lower()
    if kind == "names":
        return lower
    if lower in SWEDISH_STOP_WORDS:
        return None
    if kind == "names_query":
        return lower
    return word_key(lower)


def _learn_key(kind: str, word: str):
    """The indexed key of a word not yet in the cache (None: a stop word), cached."""
    key = _key("stem" if kind == "parts" else kind, word)
    if len(_word_cache) >= _CACHE_MAX:
        _word_cache.clear()
    _word_cache[(kind, word)] = key
    return key


class SwedishAnalyzer(Tokenizer):
    """One pass over the text per field: NFC, words, lower case, then by kind

    - "stem": Swedish stop words removed (the Swedish list alone, one-letter
      words kept), then the current Snowball stem;
    - "parts": the parts of compound words (see below);
    - "names": lower case only, never stemmed (`Visma` stays `visma`).

    Parts: indexing emits only the parts of compounds, each compound's parts
    at consecutive positions with a gap after it (plus each run of two or
    more of its parts joined with `+`, at the compound's first position), so the phrase `pension
    rapportering` matches inside `tjänstepensionsrapporteringen` but not
    across two words. A query emits a compound's parts (the field's
    multitoken_query turns them into that phrase) or a plain word's stem
    (`system` finds `lönesystem`).

    Whoosh's own tokenizer-and-filter chain costs a generator step per filter
    and word; one loop with a per-word cache is several times faster.
    """

    def __init__(self, kind: str = "stem"):
        self.kind = kind

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__ and self.kind == other.kind

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        value = nfc(value)
        kind = self.kind
        if kind == "names" and mode == "query":
            kind = "names_query"
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        if not tokenize:
            t.text = t.original = value.lower()
            t.pos = start_pos
            t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        cache = _word_cache
        position = start_pos
        for match in _WORD.finditer(value):
            word = match.group(0)
            key = cache.get((kind, word), "")
            if key == "":  # the dict lookup stays inline: this is the indexing hot path
                key = _learn_key(kind, word)
            if key is None:
                continue
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            if kind != "parts":
                t.text = key
                t.pos = position
                position += 1
                yield t
                continue
            parts = compound_parts(key)
            if mode == "query":
                for part in parts or (key,):
                    t.text = part
                    t.pos = position
                    yield t
                continue
            first = position
            for part in parts:
                t.text = part
                t.pos = position
                position += 1
                yield t
            for joined in joined_parts(parts):
                t.text = joined
                t.pos = first
                yield t
            if parts:
                position += 1

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each indexed term with its positions, as __call__ would produce them
        for indexing (mode "index"); the bulk builder's fast path."""
        kind = self.kind
        cache = _word_cache
        found: defaultdict[str, list[int]] = defaultdict(list)
        position = 0
        for word in _WORD.findall(nfc(value)):
            key = cache.get((kind, word), "")
            if key == "":  # the dict lookup stays inline: this is the indexing hot path
                key = _learn_key(kind, word)
            if key is None:
                continue
            if kind != "parts":
                found[key].append(position)
                position += 1
                continue
            parts = compound_parts(key)
            if not parts:
                continue
            first = position
            for part in parts:
                found[part].append(position)
                position += 1
            for joined in joined_parts(parts):
                poses = found[joined]
                if not poses or poses[-1] != first:
                    poses.append(first)
            position += 1
        return found


def swedish_analyzer() -> SwedishAnalyzer:
    return SwedishAnalyzer("stem")


def parts_analyzer() -> SwedishAnalyzer:
    return SwedishAnalyzer("parts")


def name_analyzer() -> SwedishAnalyzer:
    return SwedishAnalyzer("names")


def base_form_in(texts, key: str) -> str | None:
    """A word of these texts whose key is `key`, in its base form, lower-cased:
    the key itself when it is a word (a Swedish word, or a compound ending in
    one: `semesterberäkning` for `semesterberäkningen`), else the shortest form
    the texts write. None when no word of the texts has this key."""
    best = None
    for text in texts:
        for word in _WORD.findall(nfc(text or "")):
            lower = word.lower()
            if (best is None or len(lower) < len(best)) and highlight_keys(lower)[0] == key:
                best = lower
    if best is not None and best != key and _is_word(key):
        return key
    return best


def _is_word(key: str) -> bool:
    """Whether a key is written as a word of its own (`semesterskuld`, not `semest`)."""
    if word_key(key) != key or not key.isalpha():
        return False
    parts = compound_parts(key)
    return lexicon.zipf(parts[-1] if parts else key) > 0


def highlight_keys(word: str) -> tuple[str | None, tuple[str, ...]]:
    """A word's stem (None for a stop word) and compound parts, for marking snippets."""
    lower = nfc(word).lower()
    if lower in SWEDISH_STOP_WORDS:
        return None, ()
    key = word_key(lower)
    return key, compound_parts(key)

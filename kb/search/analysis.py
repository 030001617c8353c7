"""Swedish text analysis: NFC, lower case, the Swedish stop list, Snowball stems,
and compound parts from a dictionary of payroll word parts.

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


# Parts of Swedish payroll compounds. A word splits only when it is covered
# completely by these parts (with a linking -s- or -e- between them), so
# `systematisk` is not `system` + junk. The list is the domain vocabulary of
# HR and payroll staff; extend it when a compound is not found.
WORD_PARTS = """
administration administratör agi art anställd anställning ansökan arbete arbetsgivare
arbetstid attest avdrag avgift avräkning avtal avvikelse bank bankid behörighet
beräkning besked bil bokföring bonus chef data deklaration drift ekonomi ersättning
export faktura fil flex fora frånvaro förmån förälder föräldra gräns
handläggning hantering hälsa import information inloggning integration jour kalender
karens kollektiv kommun konsult kontering kontroll kostnad kund körning lag
leverantör licens ledighet lista lön manual modul månad natt ob underlag
pension period personal plan portal process projekt rapport rapportering
region regel resa retroaktiv rutin räkning schema semester server service sjuk
skatt skuld stat statistik stöd support system tid tillägg tjänst utbetalning
utbildning uppdatering upphandling utlägg version år ändring övertid
""".split()  # noqa: SIM905  (a word list reads better as text)

_LINKS = ("", "s", "e")


def _part_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Forms of each part inside a word, and forms as the (stemmed) last part,
    each mapped to the part's key: its stem."""
    inner: dict[str, str] = {}
    final: dict[str, str] = {}
    for word in WORD_PARTS:
        key = stem(word)
        forms = {word, key}
        if word[-1] in "ae" and len(word) > 3:
            forms.add(word[:-1])  # arbetsgivare -> arbetsgivar-
        for form in forms:
            inner.setdefault(form, key)
            final.setdefault(form, key)
    return inner, final


_INNER, _FINAL = _part_tables()
_parts_cache: dict[str, tuple[str, ...]] = {}


def compound_parts(stemmed: str) -> tuple[str, ...]:
    """The part keys of a stemmed compound (two or more), or () if it is not one."""
    cached = _parts_cache.get(stemmed)
    if cached is not None:
        return cached
    result = _split(stemmed, 0) if len(stemmed) >= 5 else None
    parts = tuple(result) if result and len(result) >= 2 else ()
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


def _split(word: str, start: int) -> list[str] | None:
    """Fewest parts covering word[start:], trying the longest first part first."""
    if start > 0:
        final = _FINAL.get(word[start:])
        if final is not None:
            return [final]
    for end in range(len(word) - 2, start + 1, -1):
        key = _INNER.get(word[start:end])
        if key is None:
            continue
        for link in _LINKS:
            after = end + len(link)
            if word.startswith(link, end) and len(word) - after >= 2:
                tail = _split(word, after)
                if tail:
                    return [key, *tail]
    return None


_WORD = re.compile(r"\w+(?:\.?\w+)*")
_word_cache: dict[tuple[str, str], str | None] = {}


def _key(kind: str, word: str) -> str | None:
    """What one word becomes in a field of this kind; None when it is dropped."""
    lower = word.lower()
    if kind == "names":
        return lower
    if lower in SWEDISH_STOP_WORDS:
        return None
    return stem(lower)


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


def highlight_keys(word: str) -> tuple[str | None, tuple[str, ...]]:
    """A word's stem (None for a stop word) and compound parts, for marking snippets."""
    lower = nfc(word).lower()
    if lower in SWEDISH_STOP_WORDS:
        return None, ()
    key = stem(lower)
    return key, compound_parts(key)

"""Swedish compounds split into their parts: `lönespecifikationerna` -> `lön
specifikation`, `reseersättningsreglerna` -> `resa ersättning regel`.

Parts come from two lists:
- the words of wordfreq's Swedish list (kb.search.lexicon) at least
  `MIN_PART_ZIPF` common and `MIN_PART_CHARS` long (three letters only from
  `SHORT_PARTS`, or the stem of a common word: `byt` of `byte`), stop words
  excepted;
- `PAYROLL_PARTS`, the trade's own parts, any length and frequency (`agi`,
  `ob`, `fora`, `attest`), which also wins a tie.
A stemmed word splits only when parts cover it completely, joined directly or
by a linking `-s-`, `-e-`, `-a-` or `-u-` (`arbetstidsförkortning`,
`skolmåltid` … `skol-a-`), into as few parts as possible (ties: the rarest part
as common as possible). `systematisk` stays whole (`atisk`, `tisk` are no
words). A word that is itself common (`MAX_WHOLE_ZIPF`: `företag`, `kanske`,
`arbetsmiljö`) is a word of its own, not `före` + `tag`, unless the trade's
parts alone cover it.
"""

from __future__ import annotations

import threading

import Stemmer
from whoosh.lang.stopwords import stoplists

from kb.search import lexicon

MIN_PART_ZIPF = 2.5  # `specifikation` 2.69, `växling` 2.86; `tisk` 1.18 is none
MIN_PART_CHARS = 4
# Three-letter words of the list that may be parts: the list's other ones are
# mostly abbreviations, names and particles (`usa`, `svt`, `iaf`, `kap`).
SHORT_PARTS = frozenset("""
bil bok dag del fel hem hus hög jul köp lag liv län lån lön mat mål ord par rad råd
rum sak tid typ val väg
""".split())  # noqa: SIM905
MAX_WHOLE_ZIPF = 4.0  # a word this common is not split (`företag` 5.3)
MIN_WORD_CHARS = 5
_LINKS = ("", "s", "e", "a", "u")
# Parts of Swedish payroll compounds the general list lacks or has too rarely;
# the domain vocabulary of HR and payroll staff.
PAYROLL_PARTS = """
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

# Adverbs and prepositions the stop list lacks: `kvar` + `tal` is not `kvartal`,
# `per` + … not `personek`. Adverbs in -ligen (`onekligen`, stem `onek`) neither.
NOT_PARTS = frozenset("""
bakom bland bort enligt fram framför genom hos inne inuti kring kvar medan nedan
ovan per redan trots utom ute via åter även
""".split())  # noqa: SIM905
_STOP = stoplists["sv"] | NOT_PARTS
_stemmer = Stemmer.Stemmer("swedish")


# Endings that are words of their own too but end a compound as a suffix
# (`rapport-ering`, `betal-ning`, `bered-skap`, `leveran-tör`): never a last part.
SUFFIXES = frozenset("""
ad ande are arna aren dom else ende ering het heten ing ism ist itet lig ling nad
ning ring sam skap tion ation tör ör
""".split())  # noqa: SIM905


class _Parts:
    """The forms a part takes as the last part of a word (`final`) and the extra
    forms it takes inside one (`inner`: `arbet-` of `arbete`), each mapped to its
    key; how common each key is (`score`). Built once per process, on first use."""

    def __init__(self, key_of):
        final: dict[str, str] = {}
        inner: dict[str, str] = {}
        score: dict[str, float] = {}
        frequent: set[str] = set()
        stem = _stemmer.stemWord

        def add(word: str, zipf: float) -> None:
            key = key_of(word)
            if score.get(key, -1.0) < zipf:
                score[key] = zipf
            for form in (word, stem(word)):
                if form in _STOP:
                    continue  # `över` + `syn` is not `översyn`
                if form not in final or score.get(final[form], -1.0) < zipf:
                    final[form] = key
            if word[-1] in "aeo" and len(word) > 3 and word[:-1] not in _STOP:
                inner.setdefault(word[:-1], key)  # arbete -> arbet-s-, skola -> skol-

        short: set[str] = set(SHORT_PARTS)
        for word, zipf in lexicon.frequencies().items():
            if zipf >= MAX_WHOLE_ZIPF:
                stemmed = stem(word)
                frequent.add(stemmed)
                if len(stemmed) < MIN_PART_CHARS <= len(word) and word not in _STOP:
                    short.add(stemmed)  # `byte` -> `byt` (lönesystembyte)
            if zipf < MIN_PART_ZIPF or word in _STOP or word.endswith("ligen"):
                continue
            if len(word) >= MIN_PART_CHARS or word in SHORT_PARTS:
                add(word, zipf)
        self.payroll: set[str] = set()
        for word in PAYROLL_PARTS:
            add(word, 10.0)  # above any word's frequency: the trade's parts win ties
            self.payroll.add(key_of(word))
            self.payroll.add(stem(word))
        self.short = short | {form for word in PAYROLL_PARTS
                              for form in (word, stem(word)) if len(form) < MIN_PART_CHARS}
        self.final, self.inner, self.score, self.frequent = final, inner, score, frequent

    def inside(self, form: str) -> str | None:
        found = self.inner.get(form)  # arbet-, res- (resa), skol-
        if found is None and (len(form) >= MIN_PART_CHARS or form in self.short):
            found = self.final.get(form)
        return found

    def last(self, form: str) -> str | None:
        if form in SUFFIXES or (len(form) < MIN_PART_CHARS and form not in self.short):
            return None  # a short ending is a stem's leftover (`bereds-kap`), not a word
        return self.final.get(form)


_lock = threading.Lock()
_parts: _Parts | None = None


def _tables(key_of) -> _Parts:
    global _parts
    if _parts is None:
        with _lock:
            if _parts is None:
                _parts = _Parts(key_of)
    return _parts


def split(stemmed: str, key_of) -> tuple[str, ...]:
    """The part keys of a stemmed compound (two or more), or () if it is not one.
    `key_of(word)` is what a part becomes in the index (its stem). A part that is
    a compound itself is split too: `semesterersättningsrapport` -> `semester
    ersättning rapport`."""
    if len(stemmed) < MIN_WORD_CHARS:
        return ()
    tables = _tables(key_of)
    if stemmed in tables.payroll:
        return ()  # the trade's word for one thing: `bokföring`, `upphandling`
    found = _best(stemmed, tables)
    if found is None or len(found[0]) < 2:
        return ()
    parts = found[0]
    if stemmed in tables.frequent and not all(p in tables.payroll for p in parts):
        return ()
    result: list[str] = []
    for part in parts:
        result.extend(split(part, key_of) or (part,))
    return tuple(result)


def _best(word: str, tables: _Parts):
    """(parts, rarest part's score) covering the whole word in the fewest parts;
    None when nothing covers it."""
    n = len(word)
    score = tables.score
    # best[i]: the best cover of word[i:] (as its end), filled from the end.
    best: list[tuple[tuple[str, ...], float] | None] = [None] * (n + 1)
    for i in range(n - 2, -1, -1):
        choice = None
        if i > 0:
            last = tables.last(word[i:])
            if last is not None:
                choice = ((last,), score[last])
        for j in range(i + 2, n - 1):
            part = tables.inside(word[i:j])
            if part is None:
                continue
            for link in _LINKS:
                after = j + len(link)
                if n - after < 2 or not word.startswith(link, j):
                    continue
                if link and word[j:] in SUFFIXES:
                    continue  # `bered-skap` is not `bered` + s + `kap`
                tail = best[after]
                if tail is None:
                    continue
                candidate = ((part, *tail[0]), min(score[part], tail[1]))
                if choice is None or (len(candidate[0]), -candidate[1]) < (
                        len(choice[0]), -choice[1]):
                    choice = candidate
        best[i] = choice
    return best[0]

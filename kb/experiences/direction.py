"""Direction in a search query: which way a switch of payroll system went.

`byta från Personec P`, `bytt från Heroma till Primula`, `lämnade Hogia`, `gick
över till Heroma`, `ersatte Personec med Heroma`, `varför bytte ni från Personec`,
`migrering från Primula till Heroma`: a Swedish phrase of switching that names a
system of the catalogue – by its name, an alias, a first word no other system
starts with (`Flex`), or a small misspelling of one (`Personek P`, `herona`) –
becomes the switch filters (`switched_from`: the system left; `switched_to`: the
system switched to) and the rest of the words, which are searched as text. The
direction words, the systems named in them and the words of a question
(`varför`, `ni`, `erfarenheter`) are not part of the rest. A query without such a
phrase (`Heroma`, `byta lönesystem`, `från och med`, `till exempel`) is not
understood, and searches exactly as before.

Pure: the caller gives the catalogue's systems as `Named` (kb.experiences.searching);
nothing here reads the database or the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kb.core import swedish


@dataclass(frozen=True)
class Named:
    """A system as a query may name it: its slug, its name and its aliases."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Understood:
    """What a query said about direction: the systems switched from and to (in the
    order named), and the rest of its words as typed."""

    switched_from: tuple[Named, ...] = ()
    switched_to: tuple[Named, ...] = ()
    text: str = ""

    @property
    def from_slugs(self) -> tuple[str, ...]:
        return tuple(system.slug for system in self.switched_from)

    @property
    def to_slugs(self) -> tuple[str, ...]:
        return tuple(system.slug for system in self.switched_to)

    def describe(self) -> str:
        """The switch in words, after "har": "bytt från Personec P till Heroma"."""
        words = []
        if self.switched_from:
            words.append("bytt från " + swedish.enumeration(
                [system.name for system in self.switched_from], "eller"))
        if self.switched_to:
            names = swedish.enumeration([system.name for system in self.switched_to], "eller")
            words.append(f"till {names}" if words else f"bytt till {names}")
        return " ".join(words)

    def labels(self) -> list[str]:
        """What was understood, in words for chips: "bytte från Personec P",
        "bytte till Heroma eller Primula"."""
        labels = []
        for words, systems in (("bytte från", self.switched_from),
                               ("bytte till", self.switched_to)):
            if systems:
                names = swedish.enumeration([system.name for system in systems], "eller")
                labels.append(f"{words} {names}")
        return labels


# Words, folded: lower case, å/ä to a, ö to o (people type `fran` and `lamnade`).
_FOLD = str.maketrans("åäöéèüáà", "aaoeeuaa")
_TOKEN = re.compile(r'"[^"]*"?|[^\s"]+')
_EDGES = ".,;:!?()[]{}'«»”“’‘…"
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}

# Words of switching. Each arms the prepositions that follow it (within WINDOW words).
_SWITCH_WORDS = frozenset({
    # byta, byte
    "byta", "byter", "bytte", "bytt", "bytts", "byts", "byt", "bytas", "byttes", "byte",
    "bytet", "byten", "bytena", "bytesprojekt", "bytesprojektet",
    # flytta, flytt
    "flytt", "flytten", "flytta", "flyttar", "flyttade", "flyttat", "flyttning",
    "flyttningen",
    # migrera, migrering
    "migrering", "migreringen", "migreringar", "migrera", "migrerar", "migrerade",
    "migrerat", "migration", "migrationen",
    # övergå, övergång
    "overgang", "overgangen", "overga", "overgar", "overgick", "overgatt",
    # konvertera, konvertering
    "konvertering", "konverteringen", "konvertera", "konverterar", "konverterade",
    "konverterat",
})
# A compound ending in a form of "byte" is a switch too: systembytet, lönesystemsbyte.
_SWITCH_ENDINGS = ("byte", "bytet", "byten", "bytena")
# Verbs whose direct object is the system left: lämnade Hogia, ersatte Personec (med
# Heroma), avvecklade Primula, bytte (ut) Personec (mot Heroma).
_LEAVE_VERBS = frozenset({
    "lamna", "lamnar", "lamnade", "lamnat", "avveckla", "avvecklar", "avvecklade",
    "avvecklat", "ersatta", "ersatter", "ersatte", "ersatt", "overge", "overger",
    "overgav", "overgett",
    "byta", "byter", "bytte", "bytt", "byt",
})
# "gå över": a form of gå, then över (a word between: gick vi över till Heroma).
_GO = frozenset({"ga", "gar", "gick", "gatt"})
_OVER = "over"
_FROM = frozenset({"fran", "ifran"})
_TO = frozenset({"till", "mot"})
# "ersatte Personec med Heroma", "lämnade Hogia för Fortnox": right after the system left.
_TO_AFTER_FROM = frozenset({"med", "mot", "till", "for"})
_AND_OR = frozenset({"eller", "och"})
# Between a verb and its object: lämnade vi Hogia, bytte ut Personec.
_OBJECT_FILLERS = frozenset({"ni", "vi", "de", "dom", "man", "jag", "du", "ut", "bort", "helt",
                             "det", "gamla"})
# Between a preposition and the name: från lönesystemet Heroma, till systemet Primula.
_NAME_FILLERS = frozenset({"lonesystem", "lonesystemet", "lonesystemen", "system",
                           "systemet", "systemen", "det", "gamla", "nya"})
# Words of a question, dropped from the rest when a direction is understood.
_QUESTION_WORDS = frozenset({
    "varfor", "hur", "vad", "nar", "vilka", "vilken", "vilket", "vem", "ni", "vi", "man",
    "de", "dom", "du", "jag", "era", "er", "ert", "erfarenhet", "erfarenheter",
    "erfarenheten", "erfarenheterna", "skal", "skalen", "anledning", "anledningen",
    "anledningar", "anledningarna", "orsak", "orsaken", "orsaker", "orsakerna",
    "lonesystem", "lonesystemet", "lonesystemen", "system", "systemet", "systemen",
})
# Prepositions count within this many words after a word of switching (bytte ni från,
# byte av lönesystem till) or after a system named in one (från Heroma till Primula).
WINDOW = 4
# At most this many fillers are skipped before a name.
_MAX_FILLERS = 2
# A first word of a name that is no system of its own.
_GENERIC_FIRST_WORDS = frozenset({"lon", "system", "visma"})


def fold(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower().translate(_FOLD)


@dataclass
class _Token:
    raw: str
    key: str | None  # folded, without punctuation around it; None for a quoted phrase


def _tokens(q: str) -> list[_Token]:
    found = []
    for match in _TOKEN.finditer(q):
        raw = match.group(0)
        found.append(_Token(raw, None if raw.startswith('"') else fold(raw.strip(_EDGES))))
    return found


def mentions_switch(q: str) -> bool:
    """Whether the query has a word that may start a direction (cheap: no catalogue)."""
    for token in _tokens(q or ""):
        key = token.key
        if key and (key in _SWITCH_WORDS or key in _LEAVE_VERBS or key in _FROM
                    or key == _OVER or key.endswith(_SWITCH_ENDINGS)):
            return True
    return False


# Names --------------------------------------------------------------------------------


@dataclass
class Catalogue:
    """Every way a query may name each system, as folded words."""

    variants: list[tuple[tuple[str, ...], Named]] = field(default_factory=list)

    @classmethod
    def of(cls, systems: Iterable[Named]) -> Catalogue:
        systems = list(systems)
        catalogue = cls()
        first_words: dict[str, set[str]] = {}
        for system in systems:
            for name in (system.name, *system.aliases):
                words = tuple(fold(word.strip(_EDGES)) for word in name.split())
                words = tuple(word for word in words if word)
                if words:
                    catalogue.variants.append((words, system))
                    first_words.setdefault(words[0], set()).add(system.slug)
        by_slug = {system.slug: system for system in systems}
        for word, slugs in first_words.items():
            # "Flex" names Flex HRM Lön: no other system starts with it.
            if len(slugs) == 1 and len(word) >= 3 and word not in _GENERIC_FIRST_WORDS:
                system = by_slug[next(iter(slugs))]
                if (word,) not in {v for v, s in catalogue.variants if s is system}:
                    catalogue.variants.append(((word,), system))
        return catalogue

    def match(self, tokens: Sequence[_Token], i: int) -> tuple[int, Named] | None:
        """The system named by the words from position i: the longest name, then the
        closest; None when no name fits or two systems fit equally."""
        best: tuple[int, int] | None = None
        found: Named | None = None
        ambiguous = False
        for words, system in self.variants:
            if i + len(words) > len(tokens):
                continue
            distance = 0
            for k, word in enumerate(words):
                key = tokens[i + k].key
                d = _word_distance(key, word, last=k == len(words) - 1) if key else None
                if d is None:
                    break
                distance += d
            else:
                rank = (len(words), -distance)
                if best is None or rank > best:
                    best, found, ambiguous = rank, system, False
                elif rank == best and system.slug != found.slug:
                    ambiguous = True
        if found is None or ambiguous:
            return None
        return best[0], found


def _word_distance(typed: str, word: str, last: bool) -> int | None:
    """How far a typed word is from a word of a name: 0 for the word itself (or its
    genitive, last in the name), 1 or 2 for a misspelling of a name of at least five
    letters (1 up to eight letters, else 2; same first letter), None otherwise."""
    if typed == word or (last and typed == word + "s"):
        return 0
    if len(word) < 5 or not typed.isalpha() or typed[0] != word[0]:
        return None
    allowed = 1 if len(word) <= 8 else 2
    if abs(len(typed) - len(word)) > allowed:
        return None
    distance = _distance(typed, word, allowed)
    return distance if distance <= allowed else None


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), or limit + 1."""
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


# Reading a query -------------------------------------------------------------------


class _Reading:
    def __init__(self, tokens: list[_Token], catalogue: Catalogue):
        self.tokens = tokens
        self.catalogue = catalogue
        self.used: set[int] = set()
        self.switched_from: dict[str, Named] = {}
        self.switched_to: dict[str, Named] = {}

    def key(self, i: int) -> str | None:
        return self.tokens[i].key if 0 <= i < len(self.tokens) else None

    def names(self, i: int, fillers: frozenset[str]) -> tuple[list[Named], set[int], int]:
        """The systems named from position i (after at most _MAX_FILLERS fillers; a
        list joined by eller/och), the positions they take and the position after."""
        taken: set[int] = set()
        skipped = 0
        while self.key(i) in fillers and skipped < _MAX_FILLERS:
            taken.add(i)
            i += 1
            skipped += 1
        found = self.catalogue.match(self.tokens, i)
        if found is None:
            return [], set(), i
        systems = []
        while found is not None:
            length, system = found
            systems.append(system)
            taken.update(range(i, i + length))
            i += length
            if self.key(i) not in _AND_OR:
                break
            found = self.catalogue.match(self.tokens, i + 1)
            if found is not None:
                taken.add(i)
                i += 1
        return systems, taken, i

    def record(self, systems: list[Named], to: bool, taken: set[int]) -> None:
        chosen = self.switched_to if to else self.switched_from
        for system in systems:
            chosen.setdefault(system.slug, system)
        self.used |= taken

    def read(self) -> None:
        armed_at: int | None = None  # the last word of switching, or system named after one
        armers: set[int] = set()  # the words that armed it
        after_from: int | None = None  # the position right after a system left
        i = 0
        while i < len(self.tokens):
            key = self.key(i)
            if not key:
                i += 1
                continue
            over = key == _OVER and any(self.key(j) in _GO for j in (i - 1, i - 2))
            if key in _SWITCH_WORDS or key in _LEAVE_VERBS or over or key.endswith(
                    _SWITCH_ENDINGS):
                armed_at, armers = i, {i}
                if over:
                    armers |= {j for j in (i - 1, i - 2) if self.key(j) in _GO}
                if key in _LEAVE_VERBS:
                    systems, taken, end = self.names(i + 1, _OBJECT_FILLERS)
                    if systems:
                        self.record(systems, False, taken | armers)
                        armed_at, after_from = end - 1, end
                        i = end
                        continue
                i += 1
                continue
            to = key in _TO or (key in _TO_AFTER_FROM and i == after_from)
            if key in _FROM or to:
                systems, taken, end = self.names(i + 1, _NAME_FILLERS)
                if systems:
                    within = armed_at is not None and i - armed_at <= WINDOW
                    if not within and key in _FROM and self.key(end) in _TO:
                        # "från Heroma till Primula": a switch without a word for it.
                        onward, onward_taken, onward_end = self.names(end + 1, _NAME_FILLERS)
                        if onward:
                            self.record(systems, False, taken | {i})
                            self.record(onward, True, onward_taken | {end})
                            armed_at, armers, after_from = onward_end - 1, set(), None
                            i = onward_end
                            continue
                    if within:
                        self.record(systems, to, taken | {i} | armers)
                        armed_at = end - 1
                        after_from = None if to else end
                        i = end
                        continue
            i += 1

    def rest(self) -> str:
        """The words not understood, as typed, without question words and without an
        operator left dangling."""
        words = [token.raw for n, token in enumerate(self.tokens)
                 if n not in self.used and (token.key is None or token.key
                                            and token.key not in _QUESTION_WORDS)]
        kept: list[str] = []
        for word in words:
            if word in _OPERATORS and (not kept or kept[-1] in _OPERATORS):
                continue
            kept.append(word)
        while kept and kept[-1] in _OPERATORS:
            kept.pop()
        return " ".join(kept)


def understand(q: str, systems: Iterable[Named] | Catalogue) -> Understood | None:
    """The direction a query names, with the rest of its words; None when it names
    none (then the query is searched as it is)."""
    if not q or not mentions_switch(q):
        return None
    catalogue = systems if isinstance(systems, Catalogue) else Catalogue.of(systems)
    reading = _Reading(_tokens(q), catalogue)
    reading.read()
    if not reading.switched_from and not reading.switched_to:
        return None
    return Understood(tuple(reading.switched_from.values()),
                      tuple(reading.switched_to.values()), reading.rest())

"""Queries that name a capability or a rated aspect together with a judgement.

`semesterberäkning fungerar dåligt`, `dålig semesterberäkning`, `semesterberäkningen
krånglar`, `bra support`, `supporten är usel`: the searcher wants the experiences
that judge that thing so, and the authors have already said how they judge it,
in the checklist (`cap_<key>`: kb.core.vocab.CAPABILITIES, CAPABILITY_LEVELS) and
the ratings (`rating_<key>`: kb.core.vocab.SUB_RATINGS). Texts seldom repeat the
judgement word (`dålig`): most that complain about the semesterberäkning say it
in other words.

So such a query (`read`) searches the thing named with the judgement words made
optional (`soften`: they still score where a text has them), and among the best
candidates of the first ranking (kb.search.ranking) an experience whose answers
agree with the judgement scores more, one whose answers contradict it less
(`factors`): a boost, never a filter. A query without both a capability or
aspect and a judgement is not touched.

The words are Swedish and compared as the index compares them (their keys,
kb.search.analysis.word_key; compounds by their parts: `semesterhanteringen`
names the semester). A negation next to a judgement word turns it (`fungerar
inte`, `inte bra`, `utan problem`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
from whoosh import query as wq

from kb.core import vocab
from kb.search.analysis import compound_parts, nfc, word_key
from kb.search.text_query import words

# The words a searcher names each capability of the checklist with.
CAPABILITY_WORDS = {
    "agi": ("agi", "arbetsgivardeklaration", "arbetsgivardeklarationer"),
    "semester": ("semester", "semesterberäkning", "semesterlön", "semesterskuld",
                 "semesterersättning", "semesterårsskifte", "sammalöneregeln",
                 "procentregeln"),
    "kollektivavtal": ("kollektivavtal", "ob", "ob-tillägg", "övertid",
                       "övertidsersättning", "hök"),
    "pension": ("pension", "pensioner", "pensionsrapportering", "tjänstepension", "fora",
                "collectum", "kpa", "pensionsvalet"),
    "paxml": ("paxml", "paxml-import"),
    "sie": ("sie", "sie-export", "sie-fil", "bokföring"),
    "bankid": ("bankid", "inloggning"),
    "payslips": ("lönebesked", "lönespecifikation", "lönespecifikationer", "lönespec",
                 "kivra"),
    "selfservice": ("självservice", "medarbetarportal", "personalportal",
                    "medarbetarwebb"),
}
# ... and each aspect rated.
RATING_WORDS = {
    "usability": ("användarvänlighet", "gränssnitt", "användargränssnitt"),
    "support": ("support", "kundtjänst", "kundsupport"),
    "stability": ("stabilitet", "driftsäkerhet"),
    "reporting": ("rapport", "rapporter", "statistik"),
    "compliance": ("lagar", "lagändringar", "regelverk", "lagkrav"),
    "integrations": ("integration", "integrationer", "api", "koppling", "kopplingar"),
    "value": ("pris", "priset", "prisvärdhet", "kostnad", "kostnader", "licenskostnad"),
    "implementation": ("implementering", "implementation", "införande", "införandet",
                       "uppstart"),
}
# Judgement words: what they say (+1 good, -1 bad; "fungerar" says little).
JUDGEMENT_WORDS = {
    **dict.fromkeys((
        "bra", "bäst", "bättre", "utmärkt", "utmärkta", "toppen", "smidig", "smidigt",
        "smidiga", "enkel", "enkelt", "enkla", "snabb", "snabbt", "snabba", "välfungerande",
        "nöjd", "nöjda", "fantastisk", "fantastiskt", "suverän", "suveränt", "grym", "grymt",
        "perfekt", "lysande", "pålitlig", "pålitligt", "tillförlitlig", "hjälpsam",
        "hjälpsamma", "effektiv", "effektivt", "imponerande", "god", "gott", "goda",
    ), 1.0),
    **dict.fromkeys(("fungerar", "fungerade", "funkar", "funkade"), 0.5),
    **dict.fromkeys((
        "dålig", "dåligt", "dåliga", "sämre", "sämst", "usel", "uselt", "usla", "kass",
        "kasst", "krånglar", "krånglade", "krånglig", "krångligt", "krångliga", "krångel",
        "strular", "strulade", "strulig", "strul", "buggig", "buggigt", "buggar", "problem",
        "problematisk", "bristfällig", "bristfälligt", "brister", "saknas", "saknar",
        "fel", "felaktig", "felaktigt", "långsam", "långsamt", "seg", "segt", "svår", "svårt",
        "svåra", "besvärlig", "besvärligt", "omständlig", "omständligt", "omväg", "omvägar",
        "värdelös", "värdelöst", "katastrof", "katastrofal", "trasig", "undermålig",
        "undermåligt", "svag", "svagt", "missnöjd", "missnöjda", "oanvändbar", "hopplös",
        "hopplöst",
    ), -1.0),
}
# Words that name an aspect and judge it at once: they stay words the texts must
# hold (they are what the query is about).
JUDGING_NAMES = {
    **dict.fromkeys(("stabil", "stabilt", "driftsäker", "driftsäkert"), ("rating_stability", 1.0)),
    **dict.fromkeys(("instabil", "instabilt", "ostabil", "ostabilt"), ("rating_stability", -1.0)),
    **dict.fromkeys(("användarvänlig", "användarvänligt"), ("rating_usability", 1.0)),
    **dict.fromkeys(("prisvärd", "prisvärt"), ("rating_value", 1.0)),
    **dict.fromkeys(("dyr", "dyrt", "dyra"), ("rating_value", -1.0)),
}
# A negation in the two words before a judgement word, or right after it, turns it.
NEGATIONS = frozenset(("inte", "ej", "icke", "aldrig", "ingen", "inget", "inga", "knappast",
                       "utan"))
NEGATION_BEFORE = 2
NEGATION_AFTER = 1

# The first ranking's score is multiplied by (1 + ANSWER_WEIGHT) ** agreement: by
# 1 + ANSWER_WEIGHT where the answers agree fully (agreement 1), divided by it where
# they say the opposite (-1), unchanged where nothing was answered.
ANSWER_WEIGHT = 2.0
# The judgement words' score where a text has them, against the words' own: a text
# may say `dålig` of anything, the author's answer is about the thing named.
JUDGEMENT_WORD_WEIGHT = 0.5

# How far a capability level agrees with a good (+1) judgement; a bad one is the
# opposite, except that "fungerar med omvägar" is what a complaint means too.
_LEVEL_GOOD = {"good": 1.0, "workaround": -0.5, "missing": -1.0}
_LEVEL_BAD = {"good": -1.0, "workaround": 1.0, "missing": 1.0}

_TOKEN = re.compile(r"\w+(?:-\w+)*")


@dataclass(frozen=True)
class Judgement:
    """What a query judges: the index fields of the things it names (`cap_<key>`,
    `rating_<key>`), whether it judges them good (+1) or bad (-1), and the keys of
    its judgement words (optional in the search)."""

    fields: tuple[str, ...]
    polarity: int
    soft_keys: frozenset[str]

    def soften(self, text_query):
        """The query with its judgement words optional: the rest must match, the
        judgement words (an Or of them, kb.search.closeness reads them) add their
        score where a text has them. Unchanged when
        nothing would be left to match, or the query is not a plain AND of words."""
        if not isinstance(text_query, wq.And):
            return text_query
        required, kept = words(text_query)
        soft = [word for word in required if _body_key(word) in self.soft_keys]
        hard = [word for word in required if _body_key(word) not in self.soft_keys]
        if not soft or not hard:
            return text_query
        rest = [*hard, *kept]
        must = rest[0] if len(rest) == 1 else wq.And(rest)
        return wq.AndMaybe(must, wq.Or(soft, boost=JUDGEMENT_WORD_WEIGHT))

    def agreement(self, sets, docnums: np.ndarray) -> np.ndarray:
        """How far each document's answers agree with the judgement: 1 fully, 0 not
        answered (or neutral), -1 the opposite; the mean over the things named."""
        docnums = np.asarray(docnums, dtype=np.int64)
        total = np.zeros(len(docnums))
        for fieldname in self.fields:
            total += _agreement(sets, fieldname, self.polarity, docnums)
        return total / len(self.fields)

    def factors(self, sets, docnums: np.ndarray) -> np.ndarray:
        """What each document's score is multiplied by."""
        return (1 + ANSWER_WEIGHT) ** self.agreement(sets, docnums)


def read(text: str) -> Judgement | None:
    """The judgement a typed query makes of a capability or rated aspect, or None."""
    tokens = [token.lower() for token in _TOKEN.findall(nfc(text or ""))]
    fields: dict[str, None] = {}
    score = 0.0
    soft = set()
    for i, token in enumerate(tokens):
        if token in NEGATIONS:
            continue
        key = word_key(token)
        judging = _judging_names().get(key)
        if judging is not None:
            fieldname, said = judging
            fields[fieldname] = None
            score += said * _turned(tokens, i)
            continue
        said = _judgement_keys().get(key)
        if said is not None:
            score += said * _turned(tokens, i)
            soft.add(key)
            continue
        fieldname = _named(key)
        if fieldname is not None:
            fields[fieldname] = None
    if not fields or score == 0:
        return None
    return Judgement(tuple(fields), 1 if score > 0 else -1, frozenset(soft))


def judged(text: str, text_query) -> tuple[object, Judgement | None]:
    """The parsed query of a typed text, softened when the text judges a capability
    or aspect, and the judgement (None when it does not, or nothing was parsed)."""
    judgement = read(text) if text_query is not None else None
    if judgement is None:
        return text_query, None
    return judgement.soften(text_query), judgement


def _turned(tokens: list[str], i: int) -> int:
    """-1 when a negation stands next to the judgement word at i, else 1."""
    near = tokens[max(0, i - NEGATION_BEFORE):i] + tokens[i + 1:i + 1 + NEGATION_AFTER]
    return -1 if any(token in NEGATIONS for token in near) else 1


def _named(key: str) -> str | None:
    """The index field of the capability or aspect a word names: by its key, else by
    the first of its compound parts that names one (`semesterhantering`)."""
    names = _name_keys()
    if key in names:
        return names[key]
    for part in compound_parts(key):
        if part in names:
            return names[part]
    return None


@cache
def _name_keys() -> dict[str, str]:
    names = {}
    for key, written in CAPABILITY_WORDS.items():
        assert key in vocab.CAPABILITIES, key
        names.update(dict.fromkeys((word_key(w) for w in written), f"cap_{key}"))
    for key, written in RATING_WORDS.items():
        assert key in vocab.SUB_RATINGS, key
        names.update(dict.fromkeys((word_key(w) for w in written), f"rating_{key}"))
    return names


@cache
def _judgement_keys() -> dict[str, float]:
    return {word_key(word): said for word, said in JUDGEMENT_WORDS.items()}


@cache
def _judging_names() -> dict[str, tuple[str, float]]:
    return {word_key(word): named for word, named in JUDGING_NAMES.items()}


def _body_key(word) -> str | None:
    """The key a required word of the parsed query searches the text with."""
    for sub in word.leaves():
        if isinstance(sub, wq.Term) and sub.fieldname == "body":
            return sub.text
    return None


def _agreement(sets, fieldname: str, polarity: int, docnums: np.ndarray) -> np.ndarray:
    """Per document, how far its answer in one field agrees with the judgement."""
    found = np.zeros(len(docnums))
    capability = fieldname.startswith("cap_")
    levels = _LEVEL_GOOD if polarity > 0 else _LEVEL_BAD
    for r, offset, seg in sets.leaves:
        inside = np.flatnonzero((docnums >= offset) & (docnums < offset + seg.n))
        if not len(inside) or not r.has_column(fieldname):
            continue  # an index built before the answers were indexed: no opinion
        column = r.column_reader(fieldname, translate=True)
        for i in inside:
            value = column[int(docnums[i]) - offset]
            if capability:
                found[i] = levels.get(value, 0.0)
            elif value:
                found[i] = polarity * (int(value) - 3) / 2
    return found

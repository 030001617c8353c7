"""Switch journeys: the organisations that left a system or came to it, where they went
and when, why (their reasons grouped by theme), how long the switch took, how satisfied
they were with the old system and are with the new one, and their tips.

A switch is an answer the figures count (kb.stats.aggregate.current_answers: each
organisation's current answer per system, over what the reader's Reach counts) that
names another system it switched from. `switch_rows` is the one selection of the
switches behind a count: every switch count links to the list of exactly these
(the /switches page), each organisation once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from kb.access.reach import Reach
from kb.core import vocab
from kb.stats.aggregate import current_answers, own_answers
from kb.stats.figures import Distribution, GoLive, Mean, SystemRef
from kb.stats.filters import Filters
from kb.stats.snapshot import Snapshot


@dataclass(frozen=True)
class Switches:
    """Which switches a list or a count is about: from and to a system (ids; None: any
    system), made (gone live) in `since` or later, in the segment of `filters`."""

    source: int | None = None
    target: int | None = None
    since: int | None = None
    year: int | None = None  # made in exactly this year
    theme: str | None = None  # with a reason about this theme (THEMES)
    filters: Filters = field(default_factory=Filters)
    has: str | None = None  # only those that answered this (HAS): a figure's own answers


# What a switch answer may have told beside the switch itself: the answers behind a
# journey's figure of it (`Switches.has`). go_live: how long the switch took (the go-live
# figure); before: how satisfied they were with the old system (stated with the switch or
# known from the organisation's own earlier answer, `befores`); reason: why they switched.
HAS = ("go_live", "before", "reason")


def switch_years(c: dict[str, np.ndarray]) -> np.ndarray:
    """Per row, the year its switch was made: the year the new system went live
    (in_use_since), or when not answered the year the experience was written."""
    return np.where(c["in_use_since"] > 0, c["in_use_since"], c["year"])


def units(c: dict[str, np.ndarray], rows: np.ndarray) -> np.ndarray:
    """The organisation each row (indices) speaks for; an experience whose organisation
    is not known stands for one of its own (a negative id), as in the segment's counts."""
    organisation = c["organisation_id"][rows].astype(np.int64)
    return np.where(organisation > 0, organisation, -c["id"][rows])


def once_per_organisation(c: dict[str, np.ndarray], rows: np.ndarray) -> np.ndarray:
    """`rows` (indices) with each organisation once: the answer that would stand for it
    (aggregate.one_per_organisation's order: a member's own answer before a survey
    answer, then the most recently confirmed, then the newest), most recently confirmed
    first."""
    if len(rows) < 2:
        return rows
    order = np.lexsort((-c["id"][rows], -c["confirmed"][rows], ~own_answers(c)[rows],
                        units(c, rows)))
    ordered = rows[order]
    unit = units(c, ordered)
    firsts = np.ones(len(ordered), dtype=bool)
    firsts[1:] = unit[1:] != unit[:-1]
    picked = ordered[firsts]
    return picked[np.lexsort((-c["id"][picked], -c["confirmed"][picked]))]


def moved_rows(snapshot: Snapshot, reach: Reach, which: Switches,
               today: datetime | None = None) -> np.ndarray:
    """The snapshot rows (indices) of the answers the figures count (current_answers:
    each organisation once per system) that switched from `which.source` to
    `which.target` (each any system when None); an organisation that left one system
    for two (two answers) is here twice."""
    c = snapshot.columns
    _every, rows, _shared = current_answers(snapshot, reach, which.filters, today)
    moved = rows & (c["switched_from_id"] > 0) & (c["switched_from_id"] != c["system_id"])
    if which.source is not None:
        moved &= c["switched_from_id"] == which.source
    if which.target is not None:
        moved &= c["system_id"] == which.target
    return np.flatnonzero(moved)


def switch_rows(snapshot: Snapshot, reach: Reach, which: Switches,
                today: datetime | None = None) -> np.ndarray:
    """The snapshot rows (indices) behind a switch count: the switches `moved_rows`
    finds, each organisation once (`once_per_organisation`), then those made in
    `which.since` or later (or in `which.year`) with a reason about `which.theme` and
    that told what `which.has` names (HAS); most recently confirmed first. Between two
    systems every organisation is there once already (one current answer per system),
    so a pair's list is its count in the market view; with `has`, the list is exactly
    the answers a journey's figure of it is made of (`_direction`)."""
    c = snapshot.columns
    picked = once_per_organisation(c, moved_rows(snapshot, reach, which, today))
    if which.since is not None:
        picked = picked[switch_years(c)[picked] >= which.since]
    if which.year is not None:
        picked = picked[switch_years(c)[picked] == which.year]
    if which.theme is not None:
        themes = reason_themes(snapshot)
        picked = picked[np.fromiter((which.theme in themes[code]
                                     for code in c["reason"][picked].tolist()),
                                    dtype=bool, count=len(picked))]
    if which.has == "go_live":
        picked = picked[c["go_live_months"][picked] >= 0]
    elif which.has == "reason":
        picked = picked[c["reason"][picked] >= 0]
    elif which.has == "before":
        known = befores(snapshot, reach, which.filters, picked, today)
        picked = picked[np.isin(c["id"][picked], np.fromiter(known, dtype=np.int64,
                                                              count=len(known)))]
    elif which.has is not None:
        raise ValueError(f"unknown Switches.has: {which.has!r}")
    return picked


def switch_ids(snapshot: Snapshot, reach: Reach, which: Switches,
               today: datetime | None = None) -> list[int]:
    """The ids of the experiences behind a switch count (`switch_rows`)."""
    return snapshot.columns["id"][switch_rows(snapshot, reach, which, today)].tolist()


# Reason themes --------------------------------------------------------------------------
# What a switch reason is about, found by the beginnings of Swedish words (lower case):
# a reason may be about several themes; one about none is OTHER ("övrigt").
THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "support": ("Support", ("support", "kundtjänst", "kundstöd", "servicedesk",
                            "kundservice", "svarstid", "ärendehantering")),
    "semester": ("Semesterberäkning", ("semester",)),
    "pris": ("Pris och kostnader", ("pris", "kostn", "licens", "dyr", "billig", "avgift",
                                    "pengar", "budget", "faktur")),
    "integrationer": ("Integrationer", ("integration", "koppling", "gränssnitt", "api",
                                        "filöverföring", "export", "import", "ekonomisystem",
                                        "tidsystem", "tidrapport", "schemasystem", "paxml",
                                        "sie")),
    "stabilitet": ("Stabilitet", ("stabil", "instabil", "driftstörning", "driftstopp",
                                  "avbrott", "krasch", "bugg", "långsam", "prestanda",
                                  "störning", "nere")),
    "anvandbarhet": ("Användbarhet", ("användarvänlig", "användbar", "krånglig", "omständlig",
                                      "intuitiv", "manuell", "manuella", "självservice",
                                      "lönebesked", "kivra", "bankid", "mobil", "app",
                                      "modern", "föråldrad", "gammalmodig", "klick",
                                      "tidskrävande", "rättelse", "korrigering")),
    "implementering": ("Implementering", ("implementer", "införande", "uppstart",
                                          "konvertering", "migrering", "driftsättning",
                                          "konsult")),
    "lagkrav": ("Lagkrav och kollektivavtal", ("kollektivavtal", "lagkrav", "lagändring",
                                                "regelverk", "regeländring", "agi",
                                                "arbetsgivardeklaration", "pension", "skatt",
                                                "avtalsområde", "hök", "ab ", "fora",
                                                "collectum", "kpa")),
    "drift": ("Drift och molntjänst", ("drift ", "driften", "driftmiljö", "server", "moln",
                                       "saas", "uppgradering", "hosting")),
    "avveckling": ("Systemet avvecklas", ("avveckl", "slutdatum", "utvecklas", "upphör",
                                          "fasas ut", "utfas", "läggs ner", "lades ner",
                                          "lagts ner", "end of life", "utgår")),
    "upphandling": ("Upphandling och avtal", ("upphandl", "ramavtal", "löpte ut", "avtalet",
                                              "sammanslagning", "slogs ihop", "samordning",
                                              "gemensamt system", "helhet")),
}
OTHER = "ovrigt"
OTHER_LABEL = "Övrigt"
_WORD_START = re.compile(r"[a-zåäöéü0-9]")


def theme_label(key: str) -> str:
    """A theme's Swedish name ("Support", "Övrigt")."""
    return OTHER_LABEL if key == OTHER else THEMES[key][0]


def classify(text: str) -> tuple[str, ...]:
    """The themes a switch reason is about (THEMES' keys, in their order), or (OTHER,)
    when it names none; () for no reason. A word counts where it starts a word of the
    text ("supporten", "licenskostnaden", "semesterberäkningen")."""
    words = " " + " ".join(re.findall(r"[\wåäöéü]+", (text or "").lower())) + " "
    if not words.strip():
        return ()
    found = tuple(key for key, (_label, stems) in THEMES.items()
                  if any(f" {stem}" in words for stem in stems))
    return found or (OTHER,)


def reason_themes(snapshot: Snapshot) -> dict[int, tuple[str, ...]]:
    """Per reason code of the snapshot (-1: no reason), its themes (`classify`); the
    classification of a text is kept on the snapshot and handed to its later copies,
    which only ever add texts."""
    known = snapshot.reason_labels
    known.setdefault(-1, ())
    for code in range(len(known) - 1, len(snapshot.reasons)):
        known[code] = classify(snapshot.reasons[code])
    return known


# Satisfaction with the old system when they left ------------------------------------------


@dataclass(frozen=True)
class Before:
    """How satisfied an organisation was with the system it left: stated with the switch
    (`earlier` None), or else its own earlier experience of that system says so
    (`earlier`: that experience's id)."""

    satisfaction: int
    earlier: int | None = None


def befores(snapshot: Snapshot, reach: Reach, filters: Filters, rows: np.ndarray,
            today: datetime | None = None) -> dict[int, Before]:
    """Per switch row (indices; by experience id), the satisfaction with the old system
    when the organisation left it: `previous_satisfaction` where stated, else the
    satisfaction of the organisation's own current answer for the old system among
    the answers this Reach counts (kb.stats.aggregate.current_answers; networks'
    survey answers only where the filters keep them)."""
    c = snapshot.columns
    found: dict[int, Before] = {}
    missing = []
    for row in rows.tolist():
        stated = int(c["previous_satisfaction"][row])
        if stated > 0:
            found[int(c["id"][row])] = Before(stated)
        elif c["organisation_id"][row] > 0:
            missing.append(row)
    if not missing:
        return found
    _every, answers, _shared = current_answers(snapshot, reach,
                                               Filters(no_survey=filters.no_survey), today)
    earlier = np.flatnonzero(answers & (c["organisation_id"] > 0))
    by_pair = {(int(system), int(organisation)): int(row) for system, organisation, row in
               zip(c["system_id"][earlier].tolist(), c["organisation_id"][earlier].tolist(),
                   earlier.tolist(), strict=True)}
    for row in missing:
        other = by_pair.get((int(c["switched_from_id"][row]), int(c["organisation_id"][row])))
        if other is not None and other != row:
            found[int(c["id"][row])] = Before(int(c["satisfaction"][other]), int(c["id"][other]))
    return found


# A system's journey -----------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """Organisations of a journey that went to (or came from) one other system."""

    system: SystemRef
    n: int
    latest: int  # the year of the most recent of these switches


@dataclass(frozen=True)
class YearCount:
    year: int
    n: int


@dataclass(frozen=True)
class Theme:
    """A group of switch reasons: how many answers gave a reason about it."""

    key: str
    label: str
    n: int


@dataclass(frozen=True)
class Satisfaction:
    """Satisfaction of the organisations of a journey (1-5): the mean under the
    minimum-answers rule (Mean.shown), the distribution beside it."""

    mean: Mean
    distribution: Distribution

    @property
    def n(self) -> int:
        return self.mean.n

    @property
    def enough(self) -> bool:
        return self.mean.enough


def _satisfaction(values) -> Satisfaction:
    values = [int(value) for value in values]
    return Satisfaction(Mean(sum(values), len(values)),
                        Distribution({score: values.count(score) for score in vocab.SATISFACTION}))


@dataclass(frozen=True)
class Direction:
    """The organisations that left a system (or came to it), each once: where they went
    (came from) and when, why, how long the switch took, how satisfied they were with
    the system they left and are with the one they run now, and the experiences behind
    it all (`ids`, most recently confirmed first)."""

    n: int = 0
    others: tuple[Counted, ...] = ()
    years: tuple[YearCount, ...] = ()  # newest first
    themes: tuple[Theme, ...] = ()  # most answers first, "övrigt" last
    with_reason: int = 0  # answers that gave a reason
    go_live: GoLive = field(default_factory=GoLive)
    before: Satisfaction = field(default_factory=lambda: _satisfaction([]))
    before_stated: int = 0  # of before.n, stated with the switch (the rest: earlier answers)
    after: Satisfaction = field(default_factory=lambda: _satisfaction([]))
    ids: tuple[int, ...] = ()

    @property
    def most_common(self) -> Theme | None:
        """The theme more answers gave than any other, if at least two answers gave it
        (a single answer is never "the most common reason"); None for a tie."""
        named = [theme for theme in self.themes if theme.key != OTHER]
        if not named or named[0].n < 2 or (len(named) > 1 and named[1].n == named[0].n):
            return None
        return named[0]


@dataclass(frozen=True)
class Journey:
    """A system's switch journey in a segment: those who left it and those who came."""

    system: SystemRef
    filters: Filters
    left: Direction
    came: Direction

    @property
    def empty(self) -> bool:
        return not self.left.n and not self.came.n


def journey(snapshot: Snapshot, system: SystemRef, reach: Reach, filters: Filters,
            names: dict[int, SystemRef], today: datetime | None = None) -> Journey:
    """The journey of one system over the answers this Reach counts under these filters:
    every figure made of exactly the rows `switch_rows` selects (the /switches list of
    the same parameters)."""
    left = _direction(snapshot, reach, Switches(source=system.id, filters=filters),
                      "system_id", names, today)
    came = _direction(snapshot, reach, Switches(target=system.id, filters=filters),
                      "switched_from_id", names, today)
    return Journey(system, filters, left, came)


def _direction(snapshot: Snapshot, reach: Reach, which: Switches, other: str,
               names: dict[int, SystemRef], today: datetime | None) -> Direction:
    c = snapshot.columns
    rows = switch_rows(snapshot, reach, which, today)
    if not len(rows):
        return Direction()
    years = switch_years(c)[rows]
    # Per other system, the organisations of that pair (its /switches list): one that
    # left for two systems counts once in `n` and once with each of them.
    moved = moved_rows(snapshot, reach, which, today)
    moved_years = switch_years(c)[moved]
    others = []
    for system_id in np.unique(c[other][moved]).tolist():
        mine = c[other][moved] == system_id
        if system_id in names:
            others.append(Counted(names[system_id], int(np.count_nonzero(mine)),
                                  int(moved_years[mine].max())))
    others.sort(key=lambda counted: (-counted.n, counted.system.name.lower()))
    found_years, per_year = np.unique(years, return_counts=True)
    by_year = [YearCount(int(year), int(n))
               for year, n in zip(found_years.tolist(), per_year.tolist(), strict=True)]
    themes = reason_themes(snapshot)
    per_theme: dict[str, int] = {}
    codes = c["reason"][rows].tolist()
    for code in codes:
        for key in themes[code]:
            per_theme[key] = per_theme.get(key, 0) + 1
    grouped = sorted((Theme(key, theme_label(key), n) for key, n in per_theme.items()),
                     key=lambda theme: (theme.key == OTHER, -theme.n, theme.label))
    months = c["go_live_months"][rows]
    months = months[months >= 0]
    go_live = (GoLive(len(months), float(np.median(months)), int(months.min()),
                      int(months.max())) if len(months) else GoLive())
    before = befores(snapshot, reach, which.filters, rows, today)
    return Direction(
        n=len(rows),
        others=tuple(others),
        years=tuple(reversed(by_year)),
        themes=tuple(grouped),
        with_reason=sum(1 for code in codes if code >= 0),
        go_live=go_live,
        before=_satisfaction(b.satisfaction for b in before.values()),
        before_stated=sum(1 for b in before.values() if b.earlier is None),
        after=_satisfaction(c["satisfaction"][rows].tolist()),
        ids=tuple(c["id"][rows].tolist()),
    )

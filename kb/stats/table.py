"""Figures as Swedish text, and the comparison table (the same rows on the page and
in the CSV download)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kb.core import swedish, vocab
from kb.stats.figures import (
    MIN_ANSWERS,
    Flow,
    GoLive,
    Group,
    Mean,
    Nps,
    Profile,
    Share,
    Shares,
    Trend,
)

TOO_FEW = "för få svar"
NOTHING = "–"


HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Cell:
    text: str
    few: bool = False  # "för få svar": shown muted on the page
    value: float | None = None  # the figure compared across a row (None: not compared)
    best: bool = False  # the row's best value (marked in text, not only by colour)


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    better: str | None = None  # HIGHER or LOWER: which value of the row is best


def mark_best(row: Row) -> Row:
    """The row with its best cells marked: the highest (or lowest) value shown, when at
    least two systems have one and they are not all equal."""
    if row.better is None:
        return row
    values = [cell.value for cell in row.cells if cell.value is not None and not cell.few]
    if len(values) < 2 or max(values) - min(values) < 1e-9:
        return row
    best = max(values) if row.better == HIGHER else min(values)
    return replace(row, cells=[
        replace(cell, best=True) if cell.value is not None and not cell.few
        and abs(cell.value - best) < 1e-9 else cell
        for cell in row.cells])


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]


number = swedish.decimal
percent = swedish.percent
signed = swedish.signed


def net(value: int) -> str:
    """A gain or loss of organisations with its sign: +3, −2, ±0."""
    return f"+{swedish.thousands(value)}" if value > 0 else "±0" if value == 0 \
        else swedish.thousands(value)


def too_few(n: int) -> Cell:
    return Cell(f"{TOO_FEW} (n={n})", few=True) if n else Cell(NOTHING, few=True)


def mean_cell(mean: Mean, seen: bool = False) -> Cell:
    """'3,5 (n=6)'; under MIN_ANSWERS "för få svar", unless the viewer sees every answer
    behind it (`seen`, kb.access.figures): then it is shown whatever n."""
    if not mean.n or not (mean.enough or seen):
        return too_few(mean.n)
    return Cell(f"{number(mean.value)} (n={mean.n})", value=round(mean.value, 1))


def nps_cell(nps: Nps, seen: bool = False) -> Cell:
    """'+20 (n=5)'; `seen` as for mean_cell."""
    if not nps.n or not (nps.enough or seen):
        return too_few(nps.n)
    return Cell(f"{signed(nps.value)} (n={nps.n})", value=round(nps.value))


def share_cell(share: Share) -> Cell:
    """A share of organisations: '42 % (21 av 50)'."""
    if not share.enough:
        return too_few(share.n)
    return Cell(f"{percent(share.value)} ({share.count} av {share.n})",
                value=round(share.value))


def trend_cell(trend: Trend) -> Cell:
    """'Bättre: 3,1 → 3,6' (two years earlier → the last 24 months)."""
    if not trend.enough:
        if not (trend.earlier.n or trend.recent.n):
            return Cell(NOTHING, few=True)
        return Cell(f"{TOO_FEW} (n={trend.earlier.n} före, {trend.recent.n} nu)", few=True)
    return Cell(f"{trend.label}: {number(trend.earlier.value)} → {number(trend.recent.value)}",
                value=round(trend.change, 1))


def go_live_cell(go_live: GoLive) -> Cell:
    """'9 månader (4–14, n=12)': the median, the shortest and longest."""
    if not go_live.enough:
        return too_few(go_live.n)
    median = go_live.median
    return Cell(f"{swedish.months(median)} ({go_live.low}–{go_live.high}, n={go_live.n})",
                value=median)


def share_of_cell(count: int, n: int) -> Cell:
    if n < MIN_ANSWERS:
        return too_few(n)
    return Cell(f"{percent(100 * count / n)} ({count})", value=round(100 * count / n))


def level_cell(shares: Shares, level: str) -> Cell:
    """One capability level's share: '60 % (n=5)'."""
    if not shares.enough:
        return too_few(shares.n)
    return Cell(f"{percent(shares.percent(level))} (n={shares.n})",
                value=round(shares.percent(level)))


def flows_cell(flows: list[Flow], limit: int = 3) -> Cell:
    if not flows:
        return Cell(NOTHING)
    return Cell(", ".join(f"{flow.system.name} ({flow.n})" for flow in flows[:limit]))


def top_reason_cell(flows: list[Flow]) -> Cell:
    """The reason more organisations gave than any other, with how many gave it; never
    one answer alone, nor one of several as common as it (then says so, muted)."""
    counts: dict[str, int] = {}
    for flow in flows:
        for reason in flow.reasons:
            counts[reason.text] = counts.get(reason.text, 0) + reason.n
    if not counts:
        return Cell(NOTHING)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    text, n = ranked[0]
    if n < 2 or (len(ranked) > 1 and ranked[1][1] == n):
        return Cell("inget skäl är vanligare än de andra", few=True)
    return Cell(f"{text} ({swedish.plural(n, 'svar', 'svar')})")


def _groups(profiles: list[Profile], attribute: str, order: list) -> list[Row]:
    """Satisfaction per group: higher is better."""
    rows = []
    for code, label in order:
        cells = []
        for profile in profiles:
            group: Group | None = next(
                (g for g in getattr(profile, attribute) if g.code == code), None
            )
            cells.append(mean_cell(group.satisfaction) if group else Cell(NOTHING))
        if any(cell.text != NOTHING for cell in cells):
            rows.append(Row(label, cells, HIGHER))
    return rows


def comparison_table(profiles: list[Profile]) -> list[Section]:
    """Every figure of every profile, one column a system."""

    def row(label, make, better=None):
        return Row(label, [make(profile) for profile in profiles], better)

    years = sorted({group.code for profile in profiles for group in profile.by_year})
    sections = [
        Section("Översikt", [
            row("Organisationer", lambda p: Cell(swedish.thousands(p.n))),
            row("Erfarenheter", lambda p: Cell(swedish.thousands(p.experiences))),
            row("Kör systemet i dag (organisationer)",
                lambda p: Cell(swedish.thousands(p.current))),
            row("Genomsnittlig nöjdhet (1–5)", lambda p: mean_cell(p.satisfaction), HIGHER),
            row("Rekommenderar (NPS, −100 till +100)", lambda p: nps_cell(p.nps), HIGHER),
            row("Funderar på att byta", lambda p: share_cell(p.considering), LOWER),
            row("Nöjdhet senaste 24 månaderna mot två år tidigare",
                lambda p: trend_cell(p.trend), HIGHER),
            row("Tid till första skarpa lönekörning (median)", lambda p: go_live_cell(p.go_live),
                LOWER),
        ]),
        Section("Fördelning av nöjdhet", [
            row(f"{score} – {label}",
                lambda p, score=score: share_of_cell(p.distribution.counts.get(score, 0),
                                                     p.distribution.n),
                HIGHER if score >= 4 else LOWER if score <= 2 else None)
            for score, label in sorted(vocab.SATISFACTION.items(), reverse=True)
        ]),
        Section("Delbetyg (1–5)", [
            row(label, lambda p, key=key: mean_cell(p.sub_ratings[key]), HIGHER)
            for key, label in vocab.SUB_RATINGS.items()
        ]),
        Section("Funktioner: andel som svarat ”fungerar bra” (utom ”vet inte”)", [
            row(label, lambda p, key=key: level_cell(p.capabilities[key], "good"), HIGHER)
            for key, label in vocab.CAPABILITIES.items()
        ]),
        Section("Funktioner: andel som svarat ”saknas”", [
            row(label, lambda p, key=key: level_cell(p.capabilities[key], "missing"), LOWER)
            for key, label in vocab.CAPABILITIES.items()
        ]),
        Section("Nöjdhet per sektor", _groups(profiles, "by_sector", list(vocab.SECTORS.items()))),
        Section("Nöjdhet per storlek",
                _groups(profiles, "by_size", list(vocab.SIZE_BANDS.items()))),
        Section("Nuvarande och tidigare användare",
                _groups(profiles, "by_status", list(vocab.USAGE_STATUSES.items()))),
        Section("Nöjdhet per år", _groups(profiles, "by_year", [(y, str(y)) for y in years])),
        Section("Byten", [
            row("Bytte hit från", lambda p: flows_cell(p.switched_from)),
            row("Vanligaste skälet att byta hit", lambda p: top_reason_cell(p.switched_from)),
            row("Tidigare användare bytte till", lambda p: flows_cell(p.switched_to)),
            row("Vanligaste skälet att byta bort", lambda p: top_reason_cell(p.switched_to)),
        ]),
    ]
    return [Section(section.title, [mark_best(r) for r in section.rows])
            for section in sections]


def share_row(standings) -> Row:
    """Each system's share of the segment (kb.stats.Standing, None: not in it), best
    marked."""
    return mark_best(Row("Andel av urvalet som kör systemet i dag", [
        share_cell(standing.share) if standing else Cell(NOTHING, few=True)
        for standing in standings], HIGHER))

"""Figures as Swedish text, and the comparison table (the same rows on the page and
in the CSV download)."""

from __future__ import annotations

from dataclasses import dataclass

from kb import swedish, vocab
from kb.stats.figures import MIN_ANSWERS, Flow, Group, Mean, Nps, Profile, Shares

TOO_FEW = "för få svar"
NOTHING = "–"


@dataclass(frozen=True)
class Cell:
    text: str
    few: bool = False  # "för få svar": shown muted on the page


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]


number = swedish.decimal
percent = swedish.percent
signed = swedish.signed


def too_few(n: int) -> Cell:
    return Cell(f"{TOO_FEW} (n={n})", few=True) if n else Cell(NOTHING, few=True)


def mean_cell(mean: Mean) -> Cell:
    if not mean.enough:
        return too_few(mean.n)
    return Cell(f"{number(mean.value)} (n={mean.n})")


def nps_cell(nps: Nps) -> Cell:
    if not nps.enough:
        return too_few(nps.n)
    return Cell(f"{signed(nps.value)} (n={nps.n})")


def shares_cell(shares: Shares) -> Cell:
    if not shares.enough:
        return too_few(shares.n)
    parts = [
        f"{vocab.CAPABILITY_LEVELS[level]} {percent(shares.percent(level))}"
        for level in ("good", "workaround", "missing")
    ]
    return Cell(f"{' · '.join(parts)} (n={shares.n})")


def share_of_cell(count: int, n: int) -> Cell:
    if n < MIN_ANSWERS:
        return too_few(n)
    return Cell(f"{percent(100 * count / n)} ({count})")


def flows_cell(flows: list[Flow], limit: int = 3) -> Cell:
    if not flows:
        return Cell(NOTHING)
    return Cell(", ".join(f"{flow.system.name} ({flow.n})" for flow in flows[:limit]))


def top_reason_cell(flows: list[Flow]) -> Cell:
    reasons = [reason for flow in flows for reason in flow.reasons]
    if not reasons:
        return Cell(NOTHING)
    best = min(reasons, key=lambda reason: (-reason.n, reason.text))
    return Cell(f"{best.text} ({best.n})")


def _groups(profiles: list[Profile], attribute: str, order: list) -> list[Row]:
    rows = []
    for code, label in order:
        cells = []
        for profile in profiles:
            group: Group | None = next(
                (g for g in getattr(profile, attribute) if g.code == code), None
            )
            cells.append(mean_cell(group.satisfaction) if group else Cell(NOTHING))
        if any(cell.text != NOTHING for cell in cells):
            rows.append(Row(label, cells))
    return rows


def comparison_table(profiles: list[Profile]) -> list[Section]:
    """Every figure of every profile, one column a system."""

    def row(label, make):
        return Row(label, [make(profile) for profile in profiles])

    years = sorted({group.code for profile in profiles for group in profile.by_year})
    return [
        Section("Översikt", [
            row("Antal erfarenheter", lambda p: Cell(str(p.n))),
            row("Genomsnittlig nöjdhet (1–5)", lambda p: mean_cell(p.satisfaction)),
            row("Rekommenderar (NPS, −100 till +100)", lambda p: nps_cell(p.nps)),
        ]),
        Section("Fördelning av nöjdhet", [
            row(f"{score} – {label}",
                lambda p, score=score: share_of_cell(p.distribution.counts.get(score, 0),
                                                     p.distribution.n))
            for score, label in sorted(vocab.SATISFACTION.items(), reverse=True)
        ]),
        Section("Delbetyg (1–5)", [
            row(label, lambda p, key=key: mean_cell(p.sub_ratings[key]))
            for key, label in vocab.SUB_RATINGS.items()
        ]),
        Section("Funktioner (andel av dem som svarat, utom ”vet inte”)", [
            row(label, lambda p, key=key: shares_cell(p.capabilities[key]))
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

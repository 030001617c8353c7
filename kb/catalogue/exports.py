"""Figures as files people open in Excel: CSV (UTF-8 with a BOM, semicolons, Swedish
decimal comma, ASCII minus) and .xlsx with numeric cells (openpyxl).

A table is columns and rows of plain values, one value a cell: a number is a number,
its n is a column of its own, and a figure withheld for too few answers ("för få
svar") is an empty cell beside its n. The same table is written as CSV and as a sheet.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from kb.core import swedish, vocab
from kb.stats.figures import MIN_ANSWERS, Mean, Profile
from kb.stats.market import Market

# Spreadsheets run cells that start like this as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    digits: int | None = None  # None: text; 0: a whole number; 1, 2: decimals


@dataclass
class Table:
    columns: list[Column] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)

    def add(self, header: str, digits: int | None, values: list) -> None:
        """A column and its value in each row."""
        self.columns.append(Column(header, digits))
        for row, value in zip(self.rows, values, strict=True):
            row.append(value)


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _rounded(value, digits: int | None):
    if value is None or digits is None:
        return value
    return int(round(value)) if digits == 0 else round(float(value), digits)


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_safe(column.header) for column in table.columns])
    for row in table.rows:
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            if value is None:
                cells.append("")
            elif column.digits is None:
                cells.append(_safe(str(value)))
            else:
                cells.append(swedish.spreadsheet(value, column.digits))
        writer.writerow(cells)
    return "\ufeff" + out.getvalue()


def as_xlsx(sheets: list[tuple[str, Table]]) -> bytes:
    """A workbook with one sheet per table; numbers are numeric cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    formats = {0: "0", 1: "0.0", 2: "0.00"}
    for title, table in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([column.header for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.data_type = "s"
        for row in table.rows:
            sheet.append([_rounded(value, column.digits)
                          for column, value in zip(table.columns, row, strict=True)])
            for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
                if column.digits is None:
                    # Text stays text: a member's words are never run as a formula.
                    if cell.value is not None:
                        cell.data_type = "s"
                elif cell.value is not None:
                    cell.number_format = formats[column.digits]
        sheet.freeze_panes = "B2" if table.columns and table.columns[0].digits is None else "A2"
        for index, column in enumerate(table.columns, start=1):
            width = max(10, min(48, len(column.header) + 2))
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- The tables ------------------------------------------------------------------------

def _mean(mean: Mean):
    return mean.shown


def about_table(filters, today: date, what: str) -> Table:
    """What the figures are: the segment, the date, who counts."""
    table = Table([Column("Uppgift"), Column("Värde")])
    table.rows = [
        ["Underlag", what],
        ["Urval", filters.describe()],
        ["Datum", today.isoformat()],
        ["Räknas", "Publicerade erfarenheter; varje organisation en gång per lönesystem "
                   "(dess senast bekräftade erfarenhet)."],
        ["För få svar", f"En siffra som bygger på färre än {MIN_ANSWERS} svar lämnas tom; "
                        "antalet svar (n) står i kolumnen bredvid."],
    ]
    return table


def comparison_table(profiles: list[Profile], filters, today: date) -> Table:
    """One row a system, one column a figure (and its n)."""
    table = Table(rows=[[] for _ in profiles])
    each = profiles

    def add(header, digits, make):
        table.add(header, digits, [make(p) for p in each])

    add("Lönesystem", None, lambda p: p.system.name)
    add("Urval", None, lambda p: filters.describe())
    add("Datum", None, lambda p: today.isoformat())
    add("Organisationer", 0, lambda p: p.n)
    add("Erfarenheter", 0, lambda p: p.experiences)
    add("Kör systemet i dag (organisationer)", 0, lambda p: p.current)
    add("Genomsnittlig nöjdhet (1–5)", 2, lambda p: _mean(p.satisfaction))
    add("Genomsnittlig nöjdhet n", 0, lambda p: p.satisfaction.n)
    add("NPS (-100 till +100)", 1, lambda p: p.nps.shown)
    add("NPS n", 0, lambda p: p.nps.n)
    add("Promotorer (9–10)", 0, lambda p: p.nps.promoters)
    add("Passiva (7–8)", 0, lambda p: p.nps.passives)
    add("Kritiker (0–6)", 0, lambda p: p.nps.detractors)
    for score, label in sorted(vocab.SATISFACTION.items(), reverse=True):
        add(f"Betyg {score} – {label} (%)", 1,
            lambda p, s=score: p.distribution.percent(s) if p.distribution.enough else None)
    add("Fördelning n", 0, lambda p: p.distribution.n)
    for key, label in vocab.SUB_RATINGS.items():
        add(f"{label} (1–5)", 2, lambda p, k=key: _mean(p.sub_ratings[k]))
        add(f"{label} n", 0, lambda p, k=key: p.sub_ratings[k].n)
    for key, label in vocab.CAPABILITIES.items():
        name = label.split(" – ")[0].split(" (")[0]
        for level in ("good", "workaround", "missing"):
            add(f"{name}: {vocab.CAPABILITY_LEVELS[level].lower()} (%)", 1,
                lambda p, k=key, lv=level: p.capabilities[k].percent(lv)
                if p.capabilities[k].enough else None)
        add(f"{name} n", 0, lambda p, k=key: p.capabilities[k].n)
        add(f"{name}: vet inte (antal)", 0, lambda p, k=key: p.capabilities[k].unknown)
    add("Funderar på att byta (%)", 1, lambda p: p.considering.shown)
    add("Funderar på att byta n", 0, lambda p: p.considering.n)
    _trend_columns(add)
    add("Tid till första lönekörning, median (månader)", 1,
        lambda p: p.go_live.median if p.go_live.enough else None)
    add("Tid till första lönekörning, kortast (månader)", 0,
        lambda p: p.go_live.low if p.go_live.enough else None)
    add("Tid till första lönekörning, längst (månader)", 0,
        lambda p: p.go_live.high if p.go_live.enough else None)
    add("Tid till första lönekörning n", 0, lambda p: p.go_live.n)
    add("Bytte hit (organisationer)", 0, lambda p: sum(f.n for f in p.switched_from))
    add("Bytte oftast hit från", None,
        lambda p: p.switched_from[0].system.name if p.switched_from else None)
    add("Bytte bort (organisationer)", 0, lambda p: sum(f.n for f in p.switched_to))
    add("Bytte oftast bort till", None,
        lambda p: p.switched_to[0].system.name if p.switched_to else None)
    groups = (("by_sector", vocab.SECTORS), ("by_size", vocab.SIZE_BANDS),
              ("by_status", vocab.USAGE_STATUSES))
    for attribute, vocabulary in groups:
        for code, label in vocabulary.items():
            _group_columns(add, attribute, code, label)
    years = sorted({g.code for p in profiles for g in p.by_year})
    for year in years:
        _group_columns(add, "by_year", year, str(year))
    return table


def _trend_columns(add) -> None:
    add("Nöjdhet två år tidigare (1–5)", 2, lambda p: _mean(p.trend.earlier))
    add("Nöjdhet två år tidigare n", 0, lambda p: p.trend.earlier.n)
    add("Nöjdhet senaste 24 månaderna (1–5)", 2, lambda p: _mean(p.trend.recent))
    add("Nöjdhet senaste 24 månaderna n", 0, lambda p: p.trend.recent.n)
    add("Förändring av nöjdhet", 2, lambda p: p.trend.change)
    add("Trend", None, lambda p: p.trend.label)


def _group_columns(add, attribute: str, code, label: str) -> None:
    def group(profile):
        return next((g for g in getattr(profile, attribute) if g.code == code), None)

    add(f"Nöjdhet: {label} (1–5)", 2,
        lambda p: _mean(group(p).satisfaction) if group(p) else None)
    add(f"Nöjdhet: {label} n", 0, lambda p: group(p).n if group(p) else 0)


def market_table(market: Market, vendors: dict[int, str], today: date) -> Table:
    """The market view: one row a system of the segment, most run today first."""
    table = Table(rows=[[] for _ in market.systems])
    each = market.systems

    def add(header, digits, make):
        table.add(header, digits, [make(s) for s in each])

    add("Plats", 0, lambda s: each.index(s) + 1)
    add("Lönesystem", None, lambda s: s.system.name)
    add("Leverantör", None, lambda s: vendors.get(s.system.id, ""))
    add("Kör systemet i dag (organisationer)", 0, lambda s: s.profile.current)
    add("Andel av urvalet (%)", 1, lambda s: s.share.shown)
    add("Andel av urvalet n (organisationer som svarat vad de kör)", 0, lambda s: s.share.n)
    add("Organisationer med erfarenhet av systemet", 0, lambda s: s.profile.n)
    add("Erfarenheter", 0, lambda s: s.profile.experiences)
    add("Organisationer med flera svar", 0, lambda s: s.profile.shared.organisations)
    add("Genomsnittlig nöjdhet (1–5)", 2, lambda s: _mean(s.profile.satisfaction))
    add("Genomsnittlig nöjdhet n", 0, lambda s: s.profile.satisfaction.n)
    add("NPS (-100 till +100)", 1, lambda s: s.profile.nps.shown)
    add("NPS n", 0, lambda s: s.profile.nps.n)
    add("Funderar på att byta (%)", 1, lambda s: s.profile.considering.shown)
    add("Funderar på att byta n", 0, lambda s: s.profile.considering.n)
    _trend_columns(lambda header, digits, make: add(header, digits,
                                                    lambda s, m=make: m(s.profile)))
    add("Urval", None, lambda s: market.filters.describe())
    add("Datum", None, lambda s: today.isoformat())
    return table


def switches_table(market: Market) -> Table:
    """The segment's switches: from, to, how many organisations, the common reasons."""
    table = Table([Column("Från"), Column("Till"), Column("Organisationer", 0),
                   Column("Vanligaste skäl")])
    table.rows = [[switch.source.name, switch.target.name, switch.n,
                   " | ".join(reason.text for reason in switch.reasons) or None]
                  for switch in market.switches]
    return table

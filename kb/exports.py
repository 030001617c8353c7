"""Figures as files people open in Excel: CSV with a BOM and semicolons."""

from __future__ import annotations

import csv
import io

from kb.stats import table

# Spreadsheets run cells that start like this as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def comparison_csv(profiles, filters) -> str:
    """The comparison table, one column a system, with a UTF-8 BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Avsnitt", "Mått", *(_safe(p.system.name) for p in profiles)])
    writer.writerow(["Urval", filters.describe(), *("" for _ in profiles)])
    for section in table.comparison_table(profiles):
        for row in section.rows:
            writer.writerow([section.title, _safe(row.label), *(_safe(c.text) for c in row.cells)])
    return "\ufeff" + out.getvalue()

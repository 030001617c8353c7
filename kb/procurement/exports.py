"""The procurement view as CSV for Excel (/upphandling.csv): the same counts as the
page, a withheld count as its Swedish text ("färre än 5", "visas inte")."""

from __future__ import annotations

import csv
import io

from kb import catalogue
from kb.procurement.outlook import Outlook


def _safe(text: str) -> str:
    """A text cell Excel will not read as a formula."""
    return "'" + text if text.startswith(catalogue.FORMULA_STARTS) else text


def _cell(count) -> str:
    return str(count.shown) if count.shown is not None else count.text


def as_csv(outlook: Outlook) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Lönesystem", *(str(year) for year in outlook.years)])
    for row in outlook.systems:
        writer.writerow([_safe(row.system.name), *(_cell(c) for c in row.years)])
    writer.writerow(["Alla system (varje organisation en gång)",
                     *(_cell(c) for c in outlook.totals)])
    writer.writerow([])
    writer.writerow(["Upphandlades genom", "Organisationer"])
    for route in outlook.routes:
        writer.writerow([route.label, _cell(route.count)])
    writer.writerow([])
    writer.writerow(["Urval", _safe(outlook.filters.describe())])
    return out.getvalue()

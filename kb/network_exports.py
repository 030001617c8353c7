"""“Vad kör vi i nätverket?” as files for the leader's own summary: CSV for Excel (UTF-8
with BOM, semicolons, decimal comma) and XLSX (openpyxl) with numbers as numbers.

A mean or an NPS resting on fewer than kb.stats.MIN_ANSWERS answers is left empty, as
"för få svar" is on the page; its n is always given.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from kb.exports import FORMULA_STARTS
from kb.network_overview import Overview

ROW_HEADINGS = ["Organisation", "Medlem", "Lönesystem", "Nöjdhet (1–5)",
                "Rekommenderar (0–10)", "Funderar på att byta till"]
SUMMARY_HEADINGS = ["Lönesystem", "Organisationer", "Erfarenheter",
                    "Genomsnittlig nöjdhet (1–5)", "Svar nöjdhet", "NPS (−100 till +100)",
                    "Svar NPS"]


def _text(value: str) -> str:
    # Spreadsheets run cells that start like a formula.
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _rows(overview: Overview) -> list[list]:
    return [[_text(row.organisation), _text(row.member), _text(row.system.name),
             row.experience.satisfaction, row.experience.recommend,
             _text(row.considering.name) if row.considering else ""]
            for row in overview.rows]


def _summaries(overview: Overview) -> list[list]:
    rows = []
    for summary in overview.summaries:
        profile = summary.profile
        rows.append([_text(summary.system.name), summary.organisations, profile.n,
                     profile.satisfaction.shown, profile.satisfaction.n,
                     profile.nps.shown, profile.nps.n])
    return rows


def _decimal(value) -> str:
    """A number for a Swedish spreadsheet: decimal comma, ASCII minus, no thousands."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.2f}".replace(".", ",")


def overview_csv(network_name: str, overview: Overview) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_text(f"Vad kör vi i nätverket? – {network_name}")])
    writer.writerow([])
    writer.writerow(ROW_HEADINGS)
    for row in _rows(overview):
        writer.writerow([_decimal(v) if not isinstance(v, str) else v for v in row])
    writer.writerow([])
    writer.writerow(SUMMARY_HEADINGS)
    for row in _summaries(overview):
        writer.writerow([_decimal(v) if not isinstance(v, str) else v for v in row])
    return "\ufeff" + out.getvalue()


def overview_xlsx(network_name: str, overview: Overview) -> bytes:
    workbook = Workbook()
    organisations = workbook.active
    organisations.title = "Organisationer"
    systems = workbook.create_sheet("Per system")
    for sheet, headings, rows in ((organisations, ROW_HEADINGS, _rows(overview)),
                                  (systems, SUMMARY_HEADINGS, _summaries(overview))):
        sheet.append([_text(f"Vad kör vi i nätverket? – {network_name}")])
        sheet.append(headings)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column in sheet.columns:
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = max(
                12, min(50, max(len(str(c.value or "")) for c in column[1:]) + 2))
    for row in systems.iter_rows(min_row=3):
        for index in (3, 5):  # the mean and the NPS
            row[index].number_format = "0.0"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

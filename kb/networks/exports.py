"""“Vad kör vi i nätverket?” as files for the leader's own summary: CSV for Excel (UTF-8
with BOM, semicolons, decimal comma) and XLSX (openpyxl) with numbers as numbers.

The figures are the page's (kb.networks.overview): where the one downloading sees
every answer behind a system's figures (kb.access.figures) its mean, NPS and
distribution are given whatever n is; otherwise a figure resting on fewer than
kb.stats.MIN_ANSWERS answers is left empty, as "för få svar" is on the page. Its n is
always given. Anonymous experiences are never rows nor part of the figures, and a line
says how many were left out. Each organisation's row says when its contract ends, as
the network page shows it to the one downloading (kb.procurement.network_contract_ends:
only facts she may see, never an anonymous answer's).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.styles import Font

from kb import catalogue
from kb.core import swedish, text, vocab
from kb.networks.overview import Overview

SCORES = sorted(vocab.SATISFACTION, reverse=True)

ROW_HEADINGS = ["Organisation", "Medlem", "Lönesystem", "Nöjdhet (1–5)",
                "Rekommenderar (0–10)", "Funderar på att byta till", "Avtalet löper ut"]
SUMMARY_HEADINGS = ["Lönesystem", "Organisationer", "Erfarenheter",
                    "Genomsnittlig nöjdhet (1–5)", "Svar nöjdhet", "NPS (−100 till +100)",
                    "Svar NPS", *(f"Nöjdhet {score} (organisationer)" for score in SCORES)]


def _text(value: str) -> str:
    # A name on one line without control characters (openpyxl refuses most of them);
    # spreadsheets run cells that start like a formula.
    value = text.single_line(value)
    return "'" + value if value.startswith(catalogue.FORMULA_STARTS) else value


def _rows(overview: Overview, contract_ends: Mapping[int, str]) -> list[list]:
    return [[_text(row.organisation), _text(row.member), _text(row.system.name),
             row.experience.satisfaction, row.experience.recommend,
             _text(row.considering.name) if row.considering else "",
             contract_ends.get(row.experience.id, "")]
            for row in overview.rows]


def _summaries(overview: Overview) -> list[list]:
    rows = []
    for summary in overview.summaries:
        profile = summary.profile
        distribution = dict(summary.distribution or ())
        rows.append([_text(summary.system.name), summary.organisations, profile.experiences,
                     summary.satisfaction, profile.satisfaction.n, summary.nps, profile.nps.n,
                     *(distribution.get(score) for score in SCORES)])
    return rows


def _left_out(overview: Overview) -> list[str]:
    """The line that says how many anonymous answers are left out, if any."""
    if not overview.anonymous:
        return []
    return [swedish.plural(overview.anonymous, "anonymt svar", "anonyma svar")
            + " ingår inte, så att ingen kan räkna ut vem som skrev dem."]


def _decimal(value) -> str:
    """A number for a Swedish spreadsheet (kb.core.swedish.spreadsheet); whole numbers
    as they are."""
    return str(value) if isinstance(value, int) else swedish.spreadsheet(value, 2)


def overview_csv(network_name: str, overview: Overview,
                 contract_ends: Mapping[int, str] | None = None) -> str:
    """`contract_ends`: by experience id, when its organisation's contract ends as the
    one downloading may see it (kb.procurement.network_contract_ends)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_text(f"Vad kör vi i nätverket? – {network_name}")])
    writer.writerow([])
    writer.writerow(ROW_HEADINGS)
    for row in _rows(overview, contract_ends or {}):
        writer.writerow([_decimal(v) if not isinstance(v, str) else v for v in row])
    writer.writerow([])
    writer.writerow(SUMMARY_HEADINGS)
    for row in _summaries(overview):
        writer.writerow([_decimal(v) if not isinstance(v, str) else v for v in row])
    if left_out := _left_out(overview):
        writer.writerow([])
        writer.writerow(left_out)
    return "\ufeff" + out.getvalue()


def overview_xlsx(network_name: str, overview: Overview,
                  contract_ends: Mapping[int, str] | None = None) -> bytes:
    workbook = Workbook()
    organisations = workbook.active
    organisations.title = "Organisationer"
    systems = workbook.create_sheet("Per system")
    for sheet, headings, rows in ((organisations, ROW_HEADINGS,
                                   _rows(overview, contract_ends or {})),
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
    if left_out := _left_out(overview):
        systems.append([])
        systems.append(left_out)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

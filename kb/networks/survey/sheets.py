"""A sheet as kb keeps it once it has been read: the header and the data rows, and the
limits every uploaded file is read within (kb.networks.survey.reading for CSV,
kb.networks.survey.workbook for .xlsx).

A sheet is read once, when it is uploaded, and kept as JSON on the upload
(SurveyImport.sheet): the review page, the mapping and the confirmation work from
those rows and never read the file again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# What a survey of 5,000 answers needs, and no more: larger files are refused with a
# Swedish reason rather than read at any cost.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_CELL = 5000  # characters in one cell (a long comment)
# Characters in every cell together: as much text as the largest CSV kb takes holds.
MAX_TEXT = MAX_BYTES


class SheetError(ValueError):
    """The file cannot be read as a survey sheet; the message is Swedish."""


@dataclass
class Sheet:
    """The header and the data rows of a sheet, each row with its line number in the
    file (as the leader sees it in Excel: the header is usually line 1)."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    # How it was read, in Swedish: "CSV, semikolon, Windows-1252" or "Excel (.xlsx)".
    described: str = ""

    def to_json(self) -> str:
        return json.dumps({"headers": self.headers, "rows": self.rows,
                           "described": self.described}, ensure_ascii=False,
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None) -> Sheet | None:
        """The stored sheet, or None when there is none (an upload from before sheets
        were kept) or it is not one kb wrote."""
        if not text:
            return None
        try:
            stored = json.loads(text)
            headers = [str(header) for header in stored["headers"]]
            rows = [(int(number), [str(cell) for cell in cells])
                    for number, cells in stored["rows"]]
            described = str(stored.get("described") or "")
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if not headers or any(len(cells) != len(headers) for _number, cells in rows):
            return None
        return cls(headers, rows, described)

"""Reading a survey sheet: CSV as Excel and other programs write it, or an .xlsx workbook.

CSV comes separated by semicolons (Swedish Excel), commas or tabs; in UTF-8 with or
without a byte-order mark, or in Windows-1252 (what Excel's plain "CSV" saves on a
Swedish Windows). The separator is the one that splits the first lines into the same
number of columns, most of them. An .xlsx is read from its first sheet, values as
shown (not formulas). Empty lines are skipped; the first line with text is the header.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from kb import swedish

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_CELL = 5000  # characters kept of one cell (a comment)
SEPARATORS = (";", ",", "\t")
SEPARATOR_NAMES = {";": "semikolon", ",": "komma", "\t": "tabb"}
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
BOM = b"\xef\xbb\xbf"


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


def read(content: bytes, filename: str = "") -> Sheet:
    """The sheet in an uploaded file, or SheetError saying why it cannot be read."""
    if not content:
        raise SheetError("Filen är tom.")
    if len(content) > MAX_BYTES:
        raise SheetError("Filen är större än 5 MB. Dela upp den eller ta bort kolumner "
                         "som inte behövs.")
    if content.startswith(OLD_EXCEL_MAGIC) or filename.lower().endswith(".xls"):
        raise SheetError("Filen är i Excels gamla format (.xls). Spara den som Excel-"
                         "arbetsbok (.xlsx) eller CSV och ladda upp den igen.")
    if content.startswith(XLSX_MAGIC):
        return _from_rows(_xlsx_rows(content), "Excel (.xlsx)")
    text, encoding = _decode(content)
    separator = _separator(text)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    return _from_rows(rows, f"CSV, {SEPARATOR_NAMES[separator]}, {encoding}")


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(BOM):
        try:
            return content[len(BOM):].decode("utf-8"), "UTF-8 med BOM"
        except UnicodeDecodeError as error:
            raise SheetError("Filen börjar som UTF-8 men innehåller tecken som inte är "
                             "UTF-8. Spara den igen som CSV (UTF-8).") from error
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # What Excel on a Swedish Windows writes for plain "CSV (semikolonavgränsad)".
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise SheetError("Filen är varken UTF-8 eller Windows-1252 och kan inte läsas. "
                         "Spara den som CSV (UTF-8) eller som .xlsx.") from error


def _separator(text: str) -> str:
    """The separator that splits the first lines into one number of columns, most of them."""
    sample = [line for line in text[:20000].splitlines() if line.strip()][:20]
    if not sample:
        raise SheetError("Filen innehåller ingen text.")
    best, best_score = ";", (-1, 0)
    for separator in SEPARATORS:
        widths = [len(row) for row in csv.reader(sample, delimiter=separator)]
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for width in widths if width == widths[0])
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = separator, score
    if best_score[0] < 0:
        raise SheetError("Filen har bara en kolumn. Kolumnerna ska skiljas åt med semikolon, "
                         "komma eller tabb.")
    return best


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SheetError("Filen kunde inte läsas som Excel-arbetsbok (.xlsx). Spara den "
                         "igen i Excel eller som CSV.") from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise SheetError("Arbetsboken har inget blad.")
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A cell as the leader sees it: 4 not 4.0, a date as its ISO date."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _from_rows(rows, described: str) -> Sheet:
    headers: list[str] | None = None
    found: list[tuple[int, list[str]]] = []
    try:
        for number, raw in enumerate(rows, start=1):
            cells = [(cell or "").replace("\x00", "").strip()[:MAX_CELL]
                     for cell in raw[:MAX_COLUMNS]]
            if not any(cells):
                continue
            if headers is None:
                headers = cells
                continue
            if len(found) >= MAX_ROWS:
                raise SheetError(f"Filen har fler än {swedish.thousands(MAX_ROWS)} rader. "
                                 "Dela upp den i flera filer.")
            found.append((number, cells))
    except csv.Error as error:
        raise SheetError(f"Filen kunde inte läsas som CSV: {error}.") from error
    if headers is None:
        raise SheetError("Filen innehåller ingen rubrikrad.")
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) < 2:
        raise SheetError("Filen har bara en kolumn. Kolumnerna ska skiljas åt med semikolon, "
                         "komma eller tabb.")
    headers = [header or f"Kolumn {position + 1}" for position, header in enumerate(headers)]
    width = len(headers)
    rows_found = [(number, (cells + [""] * width)[:width]) for number, cells in found]
    return Sheet(headers, rows_found, described)

"""Reading a survey sheet: CSV as Excel and other programs write it, or an .xlsx workbook.

CSV comes separated by semicolons (Swedish Excel), commas or tabs; in UTF-8 with or
without a byte-order mark, in UTF-16 with one (Excel's "Unicode text"), or in
Windows-1252 (what Excel's plain "CSV" saves on a Swedish Windows). The separator is
the one that splits the first lines into the same number of columns, most of them. An
.xlsx is read from its first sheet, values as shown (not formulas), by
kb.networks.survey.workbook, which trusts nothing in it. Empty lines are skipped; the
first line with text is the header.

Every limit (kb.networks.survey.sheets) is checked as the file is read, and reading
stops at the first one passed: a file that cannot be read, or is more than a survey
can be, is refused with the reason in Swedish (SheetError) and never costs more.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from kb.core import swedish
from kb.networks.survey import workbook
from kb.networks.survey.sheets import (
    MAX_BYTES,
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_TEXT,
    Sheet,
    SheetError,
)

SEPARATORS = (";", ",", "\t")
SEPARATOR_NAMES = {";": "semikolon", ",": "komma", "\t": "tabb"}
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Characters no text file has (C0 controls but tab, line breaks, vertical tab, form
# feed and the old end-of-file mark): a NUL, or more than one in a hundred, is a binary
# file.
CONTROLS = "".join(chr(code) for code in range(32) if chr(code) not in "\t\n\r\x0b\x0c\x1a")
BINARY = ("Filen är inte ett kalkylark: den innehåller binära data. Ladda upp enkäten som "
          "CSV eller som Excel-arbetsbok (.xlsx).")

__all__ = ["MAX_BYTES", "MAX_CELL", "MAX_COLUMNS", "MAX_ROWS", "Sheet", "SheetError", "read"]


def read(content: bytes, filename: str = "") -> Sheet:
    """The sheet in an uploaded file, or SheetError saying why it cannot be read."""
    if not content:
        raise SheetError("Filen är tom.")
    if len(content) > MAX_BYTES:
        raise SheetError("Filen är större än 5 MB. Dela upp den eller ta bort kolumner "
                         "som inte behövs.")
    name = (filename or "").lower()
    if content.startswith(OLD_EXCEL_MAGIC) and name.endswith(".xlsx"):
        # An .xlsx with a password is saved in the old container, encrypted.
        raise SheetError("Filen är lösenordsskyddad eller i Excels gamla format (.xls). Ta "
                         "bort lösenordet eller spara den som Excel-arbetsbok (.xlsx) eller "
                         "CSV och ladda upp den igen.")
    if content.startswith(OLD_EXCEL_MAGIC) or name.endswith(".xls"):
        raise SheetError("Filen är i Excels gamla format (.xls). Spara den som Excel-"
                         "arbetsbok (.xlsx) eller CSV och ladda upp den igen.")
    if content.startswith(XLSX_MAGIC):
        return _from_rows(workbook.rows(content), "Excel (.xlsx)")
    if not content.startswith(UTF16_BOMS):
        _refuse_binary(content[:65536])  # before it is decoded: bytes that are no text
    text, encoding = _decode(content)
    _refuse_binary(text[:65536])
    separator = _separator(text)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    return _from_rows(_csv_rows(rows), f"CSV, {SEPARATOR_NAMES[separator]}, {encoding}")


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(BOM):
        try:
            return content[len(BOM):].decode("utf-8"), "UTF-8 med BOM"
        except UnicodeDecodeError as error:
            raise SheetError("Filen börjar som UTF-8 men innehåller tecken som inte är "
                             "UTF-8. Spara den igen som CSV (UTF-8).") from error
    if content.startswith(UTF16_BOMS):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise SheetError("Filen börjar som UTF-16 men innehåller tecken som inte är "
                             "UTF-16. Spara den igen som CSV (UTF-8).") from error
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


def _refuse_binary(sample: str | bytes) -> None:
    controls = CONTROLS if isinstance(sample, str) else CONTROLS.encode()
    found = sum(sample.count(controls[position:position + 1])
                for position in range(len(controls)))
    if controls[:1] in sample or found * 100 > len(sample):
        raise SheetError(BINARY)


def _separator(text: str) -> str:
    """The separator that splits the first lines into one number of columns, most of them."""
    sample = [line for line in text[:20000].splitlines() if line.strip()][:20]
    if not sample:
        raise SheetError("Filen innehåller ingen text.")
    best, best_score = ";", (-1, 0)
    for separator in SEPARATORS:
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=separator)]
        except csv.Error:
            continue
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


def _csv_rows(rows) -> Iterable[tuple[int, list[str]]]:
    """The records of a CSV with their numbers, and its errors in Swedish (the csv
    module's own are English)."""
    number = 1
    try:
        for cells in rows:
            yield number, cells
            number += 1
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise SheetError(_too_long(number)) from error
        raise SheetError(f"Filen kunde inte läsas som CSV (kring rad {number}): "
                         "kontrollera citattecknen och spara den igen.") from error


def _too_long(number: int) -> str:
    return (f"Rad {number} har en cell med mer än {swedish.thousands(MAX_CELL)} tecken. "
            "Korta den och ladda upp filen igen.")


def _from_rows(rows: Iterable[tuple[int, list[str]]], described: str) -> Sheet:
    headers: list[str] | None = None
    found: list[tuple[int, list[str]]] = []
    text = 0
    for number, raw in rows:
        if len(raw) > MAX_COLUMNS and any(cell and cell.strip() for cell in raw[MAX_COLUMNS:]):
            raise SheetError(f"Filen har fler än {MAX_COLUMNS} kolumner. Ta bort kolumner som "
                             "inte behövs och ladda upp den igen.")
        cells = [(cell or "").replace("\x00", "").strip() for cell in raw[:MAX_COLUMNS]]
        if not any(cells):
            continue
        length = sum(len(cell) for cell in cells)
        if length > MAX_CELL and any(len(cell) > MAX_CELL for cell in cells):
            raise SheetError(_too_long(number))
        text += length
        if text > MAX_TEXT:
            raise SheetError("Filen innehåller mer än 5 miljoner tecken text. Dela upp den "
                             "eller ta bort kolumner som inte behövs.")
        if headers is None:
            headers = cells
            continue
        if len(found) >= MAX_ROWS:
            raise SheetError(f"Filen har fler än {swedish.thousands(MAX_ROWS)} rader. "
                             "Dela upp den i flera filer.")
        found.append((number, cells))
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

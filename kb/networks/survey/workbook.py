"""Reading an .xlsx workbook without trusting it.

An .xlsx is a zip of XML files, and both layers can be made hostile: a small zip that
unpacks to hundreds of megabytes, a shared-strings table of millions of entries, XML
with a DTD and entities that expand without end. So the archive's directory is checked
before anything is unpacked (how many parts, what each says it unpacks to, in total
and relative to its packed size), and the XML is read through defusedxml (which
refuses DTDs, entity declarations and external references) as a stream: only the
parts needed are read (the workbook's list of sheets, its styles for which numbers
are dates, the shared strings and the first sheet), in chunks, with bounds on what
is kept, and reading stops as soon as a bound is passed.

Values are read as Excel shows them, as openpyxl's read-only reader did before: the
value a formula last had (not the formula), whole numbers without ".0", decimals
with a decimal comma, dates as ISO dates, TRUE/FALSE as Ja/Nej, inline strings and
rich text as their plain text.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from kb.core import swedish
from kb.networks.survey.sheets import MAX_CELL, MAX_COLUMNS, MAX_ROWS, SheetError

# The archive, checked before anything is unpacked. A real survey of 5,000 rows and
# 60 columns saved by Excel or openpyxl is about 1 MB packed and 15 MB unpacked (its
# sheet packs 13-21 times smaller); a workbook with a few more sheets and pictures
# stays well under 50 MB and a few dozen parts. A zip bomb is small only because it
# packs hundreds or thousands of times smaller: no part over 1 MB may unpack to more
# than 100 times its packed size (XML that packs better is repetition, not answers).
MAX_PARTS = 1000
MAX_UNPACKED = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024
# The XML, read in chunks of this size. The bounds are on what a survey sheet can
# hold (5,000 answers and a header in 60 columns): every element read counts, so a
# sheet of a million formatted empty cells costs no more than the largest real survey
# (5,000 rows of 60 filled columns are about 900,000 elements), and stops there.
CHUNK = 64 * 1024
# Bytes between one "<" and the next: a tag with all its attributes, or a text. Excel
# keeps at most 32,767 characters in a cell; a megabyte without a tag is no workbook,
# and would have the parser hold a tag of a million attributes whole.
MAX_RUN = 1024 * 1024
MAX_ELEMENTS = 1_200_000
MAX_SHEET_ROWS = 20 * MAX_ROWS  # <row> elements, empty ones too
MAX_SHARED_STRINGS = (MAX_ROWS + 1) * MAX_COLUMNS
MAX_SHARED_TEXT = 10_000_000  # characters kept of the shared strings, all together

UNDEFINED_ENTITY = expat_errors.codes[expat_errors.XML_ERROR_UNDEFINED_ENTITY]
MAIN = "xl/workbook.xml"
RELATIONS = "_rels/.rels"

UNREADABLE = ("Filen kunde inte läsas som Excel-arbetsbok (.xlsx). Spara den igen i Excel "
              "eller som CSV.")
BROKEN = ("Arbetsboken är skadad och kunde inte läsas. Spara den igen i Excel eller som "
          "CSV och ladda upp den igen.")
TOO_LARGE = (f"Arbetsboken packas upp till mer än {MAX_UNPACKED // (1024 * 1024)} MB. "
             "Spara bara bladet med svaren i en ny arbetsbok, eller som CSV, och ladda upp "
             "den igen.")
PACKED = ("Arbetsboken är packad på ett sätt som kb inte läser (en del av den packas upp "
          f"till mer än {MAX_RATIO} gånger sin storlek). Spara den igen i Excel eller som "
          "CSV.")
TOO_MANY_PARTS = (f"Arbetsboken består av fler än {swedish.thousands(MAX_PARTS)} delar. Spara "
                  "bara bladet med svaren i en ny arbetsbok, eller som CSV.")
ENCRYPTED = ("Arbetsboken är lösenordsskyddad. Ta bort lösenordet i Excel (Arkiv > Info > "
             "Skydda arbetsbok) och ladda upp den igen.")
ODD = ("Arbetsboken är packad med en metod som kb inte läser. Spara den igen i Excel eller "
       "som CSV.")
ENTITIES = ("Arbetsboken innehåller XML som kb inte läser (en DTD eller entiteter). Spara "
            "den igen i Excel eller som CSV.")
NO_SHEET = "Arbetsboken har inget blad."
ODS = ("Filen är ett OpenDocument-kalkylark (.ods). Spara den som Excel-arbetsbok (.xlsx) "
       "eller CSV och ladda upp den igen.")
TOO_MUCH = ("Arbetsboken innehåller mer än kb läser för en enkät (till exempel tusentals "
            "formaterade tomma rader eller celler, eller mycket text på andra blad). Spara "
            "bara bladet med svaren som CSV eller i en ny arbetsbok och ladda upp den igen.")

# Number formats (ECMA-376 18.8.30) that show a date or a time; others are read from
# the workbook's styles.
DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
# openpyxl's test: a date or time letter outside quoted text, brackets and escapes.
FORMAT_NOISE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EXCEL_EPOCH = datetime(1899, 12, 30)
MAC_EPOCH = datetime(1904, 1, 1)
LAST_SERIAL = 2958465  # 9999-12-31


def rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as (line number, cells as shown), read lazily: the caller
    stops reading by not asking for more. A cell beyond MAX_COLUMNS that has a value
    is kept, at position MAX_COLUMNS, so that the caller can say the sheet is too wide."""
    archive = checked(content)
    budget = _Budget()
    workbook_name = _main_part(archive, budget)
    relations = _relations(archive, workbook_name, budget)
    first_sheet, epoch = _first_sheet(archive, workbook_name, relations, budget)
    styles = _part_of(archive, workbook_name, relations, "/styles")
    dates = _date_styles(archive, styles, budget) if styles is not None else frozenset()
    strings = _shared_strings(
        archive, _part_of(archive, workbook_name, relations, "/sharedStrings"), budget)
    sheet = _Worksheet(strings, dates, epoch)
    for _chunk in _feed(archive, first_sheet, sheet, budget):
        yield from sheet.take()
    yield from sheet.take()


def checked(content: bytes) -> zipfile.ZipFile:
    """The archive, after its directory has shown nothing unpacks to more than a survey
    can be (nothing is unpacked here)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            KeyError, NotImplementedError) as error:
        raise SheetError(UNREADABLE) from error
    if len(parts) > MAX_PARTS:
        raise SheetError(TOO_MANY_PARTS)
    names = {part.filename for part in parts}
    if "mimetype" in names and "content.xml" in names:
        raise SheetError(ODS)
    total = 0
    for part in parts:
        if part.flag_bits & 0x41:  # encrypted, or strongly encrypted
            raise SheetError(ENCRYPTED)
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SheetError(ODD)
        if part.compress_size > len(content) or (
                part.compress_type == zipfile.ZIP_STORED
                and part.compress_size != part.file_size):
            raise SheetError(UNREADABLE)  # cut short, or its directory lies
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * part.compress_size:
            raise SheetError(PACKED)
        total += part.file_size
        if total > MAX_UNPACKED:
            raise SheetError(TOO_LARGE)
    return archive


class _Budget:
    """The elements still to be read in this workbook, every part together."""

    def __init__(self, elements: int = MAX_ELEMENTS):
        self.left = elements


class _Part:
    """What one part of the workbook is read into. Its start(tag, attributes),
    end(tag) and data(text) are the XML parser's handlers themselves (called for every
    element, so kept short); tags are compared by local name (the namespace is
    SpreadsheetML's, transitional or strict: kb does not care which). `left` counts
    down the elements still to be read."""

    def __init__(self):
        self.left = MAX_ELEMENTS
        self.names: dict[str, str] = {}

    def local(self, tag: str) -> str:
        name = self.names.get(tag)
        if name is None:
            if len(self.names) > 1000:
                raise SheetError(TOO_MUCH)
            name = self.names[tag] = tag.rpartition("}")[2]
        return name

    def start(self, tag: str, attributes: dict) -> None:
        self.left -= 1
        if self.left < 0:
            raise SheetError(TOO_MUCH)
        self.opened(self.names.get(tag) or self.local(tag), attributes)

    def end(self, tag: str) -> None:
        self.closed(self.names.get(tag) or self.local(tag))

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass

    def opened(self, name: str, attributes: dict) -> None:
        pass

    def closed(self, name: str) -> None:
        pass


def _parser(target: _Part) -> DefusedXMLParser:
    """defusedxml's parser, which refuses a DTD, entity declarations and external
    references; its element handlers are the target's own methods (ElementTree's
    wrappers around them would double the time a large sheet takes). The parts are
    read as UTF-8, as Excel writes them, whatever they declare (so that a "<" byte is
    a "<")."""
    parser = DefusedXMLParser(target=target, encoding="utf-8", forbid_dtd=True,
                              forbid_entities=True, forbid_external=True)
    expat = parser.parser
    expat.ordered_attributes = False
    expat.StartElementHandler = target.start
    expat.EndElementHandler = target.end
    expat.CharacterDataHandler = target.data
    return parser


def _feed(archive: zipfile.ZipFile, part: zipfile.ZipInfo, target: _Part,
          budget: _Budget) -> Iterator[None]:
    """Parse one part into `target`, a chunk at a time (yielding after each), with
    everything that can go wrong said as a SheetError."""
    parser = _parser(target)
    target.left = budget.left
    left = part.file_size
    run = 0  # bytes since the last "<"
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                left -= len(chunk)
                if left < 0:  # more than its directory said (zipfile stops it too)
                    raise SheetError(TOO_LARGE)
                run = _run_after(run, chunk)
                parser.feed(chunk)
                yield
        parser.close()
    except SheetError:
        raise
    except DefusedXmlException as error:
        raise SheetError(ENTITIES) from error
    except ParseError as error:
        # An entity that is not defined: XML that meant to expand one, like a DTD's.
        undefined = getattr(error, "code", None) == UNDEFINED_ENTITY
        raise SheetError(ENTITIES if undefined else BROKEN) from error
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
            NotImplementedError, RuntimeError, RecursionError) as error:
        raise SheetError(UNREADABLE) from error
    finally:
        budget.left = target.left


def _run_after(run: int, chunk: bytes) -> int:
    """The bytes since the last "<" once `chunk` is read, `run` before it; SheetError
    when a run passes MAX_RUN (within a chunk none can: it is shorter)."""
    first = chunk.find(b"<")
    run = run + len(chunk) if first < 0 else run + first
    if run > MAX_RUN:
        raise SheetError(BROKEN)
    return run if first < 0 else len(chunk) - chunk.rfind(b"<") - 1


def _read(archive: zipfile.ZipFile, part: zipfile.ZipInfo, target: _Part,
          budget: _Budget) -> None:
    for _chunk in _feed(archive, part, target, budget):
        pass


def _info(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    try:
        return archive.getinfo(name)
    except KeyError:
        return None


class _Relations(_Part):
    """A .rels part: relationship id -> (type, target)."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, tuple[str, str]] = {}

    def opened(self, name: str, attributes: dict) -> None:
        if name == "Relationship" and len(self.found) < MAX_PARTS:
            self.found[attributes.get("Id", "")] = (attributes.get("Type", ""),
                                                    attributes.get("Target", ""))


def _relations_of(archive: zipfile.ZipFile, name: str, budget: _Budget) -> _Relations:
    relations = _Relations()
    part = _info(archive, name)
    if part is not None:
        _read(archive, part, relations, budget)
    return relations


def _resolve(source: str, target: str) -> str:
    """A relationship's target as a name in the archive: relative to the part it is
    of, or from the root when it begins with a slash."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _main_part(archive: zipfile.ZipFile, budget: _Budget) -> str:
    """The workbook part the package names (xl/workbook.xml in every file seen)."""
    for kind, target in _relations_of(archive, RELATIONS, budget).found.values():
        if kind.endswith("/officeDocument") and _info(archive, _resolve("", target)):
            return _resolve("", target)
    if _info(archive, MAIN) is None:
        raise SheetError(UNREADABLE)
    return MAIN


def _relations(archive: zipfile.ZipFile, workbook_name: str,
               budget: _Budget) -> dict[str, tuple[str, str]]:
    directory, name = posixpath.split(workbook_name)
    return _relations_of(archive, posixpath.join(directory, "_rels", f"{name}.rels"),
                         budget).found


def _part_of(archive: zipfile.ZipFile, workbook_name: str,
             relations: dict[str, tuple[str, str]], kind: str) -> zipfile.ZipInfo | None:
    for found_kind, target in relations.values():
        if found_kind.endswith(kind):
            return _info(archive, _resolve(workbook_name, target))
    return None


class _Workbook(_Part):
    """The workbook part: its sheets in order, and whether dates count from 1904."""

    def __init__(self):
        super().__init__()
        self.sheets: list[str] = []  # relationship ids
        self.from_1904 = False

    def opened(self, name: str, attributes: dict) -> None:
        if name == "sheet" and len(self.sheets) < MAX_PARTS:
            self.sheets.append(next((value for key, value in attributes.items()
                                     if key.endswith("}id")), ""))
        elif name == "workbookPr":
            self.from_1904 = attributes.get("date1904", "").lower() in ("1", "true")


def _first_sheet(archive: zipfile.ZipFile, workbook_name: str,
                 relations: dict[str, tuple[str, str]],
                 budget: _Budget) -> tuple[zipfile.ZipInfo, datetime]:
    """The first worksheet (chart sheets are no answers) and the date epoch."""
    workbook = _Workbook()
    _read(archive, archive.getinfo(workbook_name), workbook, budget)
    for relation in workbook.sheets:
        kind, target = relations.get(relation, ("", ""))
        if kind.endswith("/worksheet"):
            part = _info(archive, _resolve(workbook_name, target))
            if part is not None:
                return part, MAC_EPOCH if workbook.from_1904 else EXCEL_EPOCH
    raise SheetError(NO_SHEET)


class _Styles(_Part):
    """Which cell styles show a number as a date: custom number formats by id, and the
    cell formats (cellXfs) in order, each naming its number format."""

    def __init__(self):
        super().__init__()
        self.formats: dict[str, str] = {}
        self.cell_formats: list[str] = []
        self.in_cell_formats = False

    def opened(self, name: str, attributes: dict) -> None:
        if name == "numFmt" and len(self.formats) < MAX_PARTS:
            self.formats[attributes.get("numFmtId", "")] = attributes.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_formats = True
        elif name == "xf" and self.in_cell_formats and len(self.cell_formats) < 100_000:
            self.cell_formats.append(attributes.get("numFmtId", "0"))

    def closed(self, name: str) -> None:
        if name == "cellXfs":
            self.in_cell_formats = False

    def dates(self) -> frozenset[str]:
        """The style numbers (a cell's s attribute) that show dates."""
        found = set()
        for position, format_id in enumerate(self.cell_formats):
            if format_id in self.formats:
                is_date = _is_date_format(self.formats[format_id])
            else:
                is_date = format_id.isdigit() and int(format_id) in DATE_FORMATS
            if is_date:
                found.add(str(position))
        return frozenset(found)


def _is_date_format(code: str) -> bool:
    return DATE_LETTER.search(FORMAT_NOISE.sub("", code.split(";")[0])) is not None


def _date_styles(archive: zipfile.ZipFile, part: zipfile.ZipInfo,
                 budget: _Budget) -> frozenset[str]:
    styles = _Styles()
    _read(archive, part, styles, budget)
    return styles.dates()


class _Text:
    """Character data collected for one value, at most MAX_CELL + 1 characters of it
    (one more than a cell may have, so that a longer one can be refused by name)."""

    __slots__ = ("parts", "length")

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> None:
        if self.length <= MAX_CELL:
            self.parts.append(text)
            self.length += len(text)

    def value(self) -> str:
        text = "".join(self.parts)[:MAX_CELL + 1]
        return ESCAPED.sub(_unescape, text) if "_x" in text else text


def _unescape(match: re.Match) -> str:
    return chr(int(match.group(1), 16))


class _SharedStrings(_Part):
    """The shared strings table: each <si>'s plain text (its runs together, without
    the phonetic guides), bounded in number and in characters altogether. Its
    handlers are called for every string, so kept short, like the worksheet's."""

    def __init__(self):
        super().__init__()
        self.strings: list[str] = []
        self.parts: list[str] | None = None  # the text of the <si> being read
        self.length = 0
        self.collecting = False
        self.phonetic = 0
        self.characters = 0

    def start(self, tag: str, attributes: dict) -> None:
        self.left -= 1
        if self.left < 0:
            raise SheetError(TOO_MUCH)
        name = self.names.get(tag) or self.local(tag)
        if name == "t":
            self.collecting = self.parts is not None and not self.phonetic
        elif name == "si":
            self.parts = []
            self.length = 0
        elif name == "rPh":
            self.phonetic += 1

    def data(self, text: str) -> None:
        if self.collecting and self.length <= MAX_CELL:
            self.parts.append(text)
            self.length += len(text)

    def end(self, tag: str) -> None:
        name = self.names.get(tag) or self.local(tag)
        if name == "t":
            self.collecting = False
        elif name == "si":
            self._item()
        elif name == "rPh":
            self.phonetic -= 1

    def _item(self) -> None:
        parts, self.parts = self.parts, None
        if parts is None:
            return
        text = parts[0] if len(parts) == 1 else "".join(parts)
        if len(text) > MAX_CELL:
            text = text[:MAX_CELL + 1]
        if "_x" in text:
            text = ESCAPED.sub(_unescape, text)
        self.characters += len(text)
        if len(self.strings) >= MAX_SHARED_STRINGS or self.characters > MAX_SHARED_TEXT:
            raise SheetError(TOO_MUCH)
        self.strings.append(text)


def _shared_strings(archive: zipfile.ZipFile, part: zipfile.ZipInfo | None,
                    budget: _Budget) -> list[str]:
    if part is None:
        return []
    table = _SharedStrings()
    _read(archive, part, table, budget)
    return table.strings


class _Worksheet(_Part):
    """A worksheet's rows, handed over (take) as they are read. Its handlers are the
    ones called for every cell: they compare names and set attributes, little more."""

    def __init__(self, strings: list[str], dates: frozenset[str], epoch: datetime):
        super().__init__()
        self.strings, self.dates, self.epoch = strings, dates, epoch
        self.done: list[tuple[int, list[str]]] = []
        self.rows_read = 0
        self.number = 0
        self.cells: list[str] | None = None  # the row being read
        self.column = -1
        self.kind = "n"
        self.style: str | None = None
        self.value: str | None = None
        self.inline: list[str] | None = None
        self.text: _Text | None = None
        self.phonetic = 0

    def take(self) -> list[tuple[int, list[str]]]:
        done, self.done = self.done, []
        return done

    def start(self, tag: str, attributes: dict) -> None:
        self.left -= 1
        if self.left < 0:
            raise SheetError(TOO_MUCH)
        name = self.names.get(tag) or self.local(tag)
        if name == "c":
            if self.cells is not None:
                self.column = _column(attributes.get("r"), self.column)
                self.kind = attributes.get("t", "n")
                self.style = attributes.get("s")
                self.value = self.inline = None
        elif name == "v":
            self.text = _Text()
        elif name == "row":
            self._row(attributes.get("r", ""))
        elif name == "is":
            self.inline = []
        elif name == "t":
            if self.inline is not None and not self.phonetic:
                self.text = _Text()
        elif name == "rPh":
            self.phonetic += 1

    def data(self, text: str) -> None:
        collected = self.text
        if collected is not None and collected.length <= MAX_CELL:
            collected.parts.append(text)
            collected.length += len(text)

    def end(self, tag: str) -> None:
        name = self.names.get(tag) or self.local(tag)
        if name == "v":
            if self.text is not None:
                self.value = self.text.value()
            self.text = None
        elif name == "c":
            if self.cells is not None:
                self._cell()
        elif name == "row":
            if self.cells is not None:
                self.done.append((self.number, self.cells))
            self.cells = None
        elif name == "t":
            if self.text is not None and self.inline is not None:
                self.inline.append(self.text.value())
            self.text = None
        elif name == "rPh":
            self.phonetic -= 1

    def _row(self, reference: str) -> None:
        self.rows_read += 1
        if self.rows_read > MAX_SHEET_ROWS:
            raise SheetError(TOO_MUCH)
        self.number = int(reference) if reference.isascii() and reference.isdigit() \
            and len(reference) <= 7 else self.number + 1
        self.cells = []
        self.column = -1

    def _cell(self) -> None:
        text = self._shown()
        if not text:
            return
        position = min(self.column, MAX_COLUMNS)
        cells = self.cells
        if position >= len(cells):
            cells.extend([""] * (position + 1 - len(cells)))
        cells[position] = text

    def _shown(self) -> str:
        """The cell's value as Excel shows it."""
        kind, value = self.kind, self.value
        if kind == "inlineStr":
            return "".join(self.inline or ())[:MAX_CELL + 1]
        if value is None:
            return ""
        if kind == "s":
            value = value.strip()
            index = int(value) if value.isascii() and value.isdigit() and len(value) <= 9 \
                else -1
            if not 0 <= index < len(self.strings):
                raise SheetError(BROKEN)
            return self.strings[index]
        if kind == "b":
            return "Ja" if value.strip() in ("1", "true") else "Nej"
        if kind == "d":
            return value[:10] if ISO_DATE.match(value) else value
        if kind in ("str", "e"):
            return value
        return _number(value, self.style in self.dates, self.epoch)


def _column(reference: str | None, previous: int) -> int:
    """The column of a cell reference ("C7" -> 2), or the one after the previous cell's
    when there is none. Three letters at most name a column (XFD is Excel's last)."""
    index = 0
    for char in (reference or "")[:4]:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1 if index else previous + 1


def _number(value: str, is_date: bool, epoch: datetime) -> str:
    """A number cell as shown: 4 not 4.0, 3,5 with a decimal comma, a date as its ISO
    date (a time of day alone as 10:30:00)."""
    try:
        number = float(value) if ("." in value or "e" in value or "E" in value) \
            else int(value)
    except ValueError:
        return value
    if is_date and 0 <= number <= LAST_SERIAL:
        return _date(number, epoch)
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    if isinstance(number, float):
        return str(number).replace(".", ",")
    return str(number)


def _date(serial: float, epoch: datetime) -> str:
    """An Excel date serial as openpyxl reads it: before day 60 the 1900 calendar has
    Excel's leap day that never was."""
    day, fraction = divmod(serial, 1)
    time = timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= serial < 1 and time.days == 0:
        return str((datetime.min + time).time())
    if 0 < serial < 60 and epoch == EXCEL_EPOCH:
        day += 1
    return (epoch + timedelta(days=day) + time).date().isoformat()

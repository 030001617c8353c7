"""Hand-built .xlsx files for the survey reading tests: the parts a workbook has, as
XML written out here, and the archive written byte by byte, so that a test can say
what each part unpacks to, what its directory claims, and how it is packed.

A large part (a zip bomb) is packed cheaply: its repeated block is compressed once,
flushed so that it stands on its own, and the packed block repeated; hundreds of
megabytes are never held or compressed.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>'
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
).encode()
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
    f'xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="Enkät" sheetId="1" r:id="rId1"/>'
    '</sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" '
    'Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    '</Relationships>'
).encode()
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><cellXfs count="1">'
    '<xf numFmtId="0"/></cellXfs></styleSheet>'
).encode()
HEADERS = ["Organisation", "Lönesystem", "Nöjdhet"]

STORED, DEFLATED = 0, 8


@dataclass
class Part:
    """One file in the archive: its data as packed, and what its directory says."""

    name: str
    packed: bytes
    crc: int
    size: int  # what the part really unpacks to
    method: int = DEFLATED
    flags: int = 0
    declared: int | None = None  # the size its directory claims, when that is a lie


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def part(name: str, data: bytes, method: int = DEFLATED, flags: int = 0) -> Part:
    packed = _deflate(data) if method == DEFLATED else data
    return Part(name, packed, zlib.crc32(data), len(data), method, flags)


def repeated(name: str, head: bytes, block: bytes, times: int, tail: bytes) -> Part:
    """A part of head + block * times + tail, packed from one packed block."""

    def standing_alone(data: bytes) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)

    packed_block = standing_alone(block)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = b"".join([standing_alone(head), packed_block * times,
                       last.compress(tail) + last.flush()])
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return Part(name, packed, zlib.crc32(tail, crc), len(head) + len(block) * times + len(tail))


def archive(parts: list[Part]) -> bytes:
    """A zip of the parts, written as the format says (APPNOTE 4.3)."""
    body, directory = bytearray(), bytearray()
    for found in parts:
        name = found.name.encode()
        size = found.size if found.declared is None else found.declared
        fields = (20, found.flags | 0x800, found.method, 0, 0x21, found.crc,
                  len(found.packed), size, len(name))
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name + found.packed
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0,
                                 0, offset) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts),
                      len(directory), len(body), 0)
    return bytes(body + directory + end)


def cell(reference: str, value) -> str:
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def column_name(position: int) -> str:
    name = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_xml(rows: list[list]) -> bytes:
    """A worksheet of these rows (the first is line 1), strings inline."""
    lines = []
    for number, values in enumerate(rows, start=1):
        cells = "".join(cell(f"{column_name(position)}{number}", value)
                        for position, value in enumerate(values) if value not in (None, ""))
        lines.append(f'<row r="{number}">{cells}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
            f'{"".join(lines)}</sheetData></worksheet>').encode()


def answers(count: int) -> list[list]:
    """A header and `count` answers."""
    return [HEADERS] + [[f"Organisation {n}", "Heroma", 4] for n in range(1, count + 1)]


def shared_strings_xml(strings: list[str]) -> bytes:
    items = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>').encode()


def xlsx(rows: list[list] | None = None, *, sheet: bytes | Part | None = None,
         strings: bytes | Part | None = None, styles: bytes | Part | None = STYLES,
         workbook: bytes | Part = WORKBOOK, relations: bytes = WORKBOOK_RELS,
         extra: tuple[Part, ...] = ()) -> bytes:
    """A workbook whose first sheet is `sheet` (or these rows); the other parts as
    Excel writes them unless given."""

    def as_part(name: str, data: bytes | Part) -> Part:
        return data if isinstance(data, Part) else part(name, data)

    found = [part("[Content_Types].xml", CONTENT_TYPES), part("_rels/.rels", PACKAGE_RELS),
             as_part("xl/workbook.xml", workbook),
             part("xl/_rels/workbook.xml.rels", relations),
             as_part("xl/worksheets/sheet1.xml",
                     sheet if sheet is not None else sheet_xml(rows or answers(2)))]
    if strings is not None:
        found.append(as_part("xl/sharedStrings.xml", strings))
    if styles is not None:
        found.append(as_part("xl/styles.xml", styles))
    return archive(found + list(extra))

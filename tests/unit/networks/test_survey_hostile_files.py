"""Hostile and broken files cost nothing: a workbook is refused on what its archive
declares before anything is unpacked, its XML is read through defusedxml as a stream
within bounds, and every file kb cannot read gets a Swedish reason (SheetError) –
quickly, never another exception."""

from __future__ import annotations

import io
import random
import time
import tracemalloc
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kb.networks.survey import workbook
from kb.networks.survey.reading import read
from kb.networks.survey.sheets import MAX_COLUMNS, MAX_ROWS, Sheet, SheetError
from tests.support import workbooks as built
from tests.support.budget import examples

MAIN = built.MAIN.encode()
SHEET_HEAD = b'<?xml version="1.0"?><worksheet xmlns="' + MAIN + b'"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"
STRINGS_HEAD = b'<?xml version="1.0"?><sst xmlns="' + MAIN + b'">'
# A file refused on what its archive declares takes well under a second; one that is
# read up to a bound takes about as long as the largest real survey (a few seconds on
# a busy machine), never more.
READING = 10.0


def refusal(content: bytes, filename: str = "enkat.xlsx", within: float = 2.0) -> str:
    """The reason a file is refused for, after checking it was refused quickly."""
    started = time.perf_counter()
    with pytest.raises(SheetError) as refused:
        read(content, filename)
    assert time.perf_counter() - started < within
    return str(refused.value)


def sheet_bomb(megabytes: int) -> built.Part:
    """A worksheet that unpacks to `megabytes` MB of empty rows."""
    block = b"<row/>" * (1024 * 1024 // 6) + b"<row/>"[: 1024 * 1024 % 6]
    return built.repeated("xl/worksheets/sheet1.xml", SHEET_HEAD, block, megabytes,
                          SHEET_TAIL)


def test_a_workbook_that_unpacks_to_380_mb_is_refused_before_it_is_unpacked():
    content = built.xlsx(sheet=sheet_bomb(380))
    assert len(content) < 1024 * 1024  # under 1 MB as uploaded
    assert "packas upp till mer än 100 gånger" in refusal(content, within=1.0)


def test_a_bomb_under_the_ratio_is_refused_on_its_total_size():
    # Random text between the rows keeps it packing 60 times, not 1,000: still too large.
    noise = random.Random(7).randbytes(9 * 1024).hex().encode()  # 18 KB of hex digits
    block = b"<row/>" * 100_000 + b"<!--" + noise + b"-->"
    content = built.xlsx(sheet=built.repeated("xl/worksheets/sheet1.xml", SHEET_HEAD,
                                              block, 90, SHEET_TAIL))
    archive = zipfile.ZipFile(io.BytesIO(content))
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size < workbook.MAX_RATIO * sheet.compress_size
    assert "packas upp till mer än 50 MB" in refusal(content, within=1.0)


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked():
    block = b"<si><t>a</t></si>" * (1024 * 1024 // 17)
    strings = built.repeated("xl/sharedStrings.xml", STRINGS_HEAD, block, 120, b"</sst>")
    content = built.xlsx(sheet=built.sheet_xml(built.answers(2)), strings=strings)
    assert len(content) < 2 * 1024 * 1024
    assert "packas upp till mer än 100 gånger" in refusal(content, within=1.0)


def test_a_part_that_unpacks_to_more_than_it_declares_is_cut_off_where_it_says():
    lying = sheet_bomb(380)
    lying.declared = 300 * 1024  # under the size from which the ratio is checked
    assert "kunde inte läsas som Excel-arbetsbok" in refusal(built.xlsx(sheet=lying),
                                                              within=3.0)


def test_shared_strings_packed_well_but_not_as_a_bomb_are_bounded_in_number():
    # 330,000 different short strings: under 50 MB and 100 times, more than a survey has.
    items = b"".join(b"<si><t>%d</t></si>" % n for n in range(330_000))
    content = built.xlsx(strings=built.part("xl/sharedStrings.xml",
                                            STRINGS_HEAD + items + b"</sst>"))
    assert "mer än kb läser för en enkät" in refusal(content, within=READING)


def test_a_sheet_of_formatted_empty_rows_stops_early():
    rows = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % n for n in range(1, 120_000))
    content = built.xlsx(sheet=SHEET_HEAD + rows + SHEET_TAIL)
    assert "mer än kb läser för en enkät" in refusal(content, within=READING)


def test_a_sheet_of_a_million_formatted_empty_cells_stops_early():
    cells = b"".join(b'<c r="%s%%d" s="1"/>' % built.column_name(n).encode() for n in range(20))
    rows = b"".join(b'<row r="%d">' % n + cells.replace(b"%d", b"%d" % n) + b"</row>"
                    for n in range(1, 65_000))
    content = built.xlsx(sheet=SHEET_HEAD + rows + SHEET_TAIL)
    assert "mer än kb läser för en enkät" in refusal(content, within=READING)


def test_too_many_parts_are_refused():
    parts = tuple(built.part(f"xl/media/bild{n}.png", b"x") for n in range(1001))
    assert "fler än 1\u00a0000 delar" in refusal(built.xlsx(extra=parts))


def test_an_encrypted_part_is_refused():
    secret = built.part("xl/worksheets/sheet2.xml", b"<worksheet/>", flags=0x1)
    assert "lösenordsskyddad" in refusal(built.xlsx(extra=(secret,)))


def test_a_part_packed_by_another_method_is_refused():
    odd = built.part("xl/worksheets/sheet2.xml", b"<worksheet/>")
    odd.method = 12  # bzip2
    assert "packad med en metod som kb inte läser" in refusal(built.xlsx(extra=(odd,)))


ENTITY_XML = {
    "dtd": b'<?xml version="1.0"?><!DOCTYPE sst SYSTEM "sst.dtd"><sst xmlns="' + MAIN
           + b'"><si><t>a</t></si></sst>',
    "billion-laughs": b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "skratt">'
                      b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                      b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
                      b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><sst xmlns="' + MAIN
                      + b'"><si><t>&d;</t></si></sst>',
    "external": b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM '
                b'"file:///etc/passwd">]><sst xmlns="' + MAIN + b'"><si><t>&x;</t></si></sst>',
    "undefined": b'<?xml version="1.0"?><sst xmlns="' + MAIN + b'"><si><t>&odefinierad;</t>'
                 b"</si></sst>",
}


@pytest.mark.parametrize("xml", ENTITY_XML.values(), ids=ENTITY_XML.keys())
@pytest.mark.parametrize("where", ["strings", "sheet", "workbook", "styles"])
def test_dtds_and_entities_are_refused_wherever_they_are(xml, where):
    sheet = built.sheet_xml(built.answers(2))
    parts = {"sheet": sheet, "strings": None, "workbook": built.WORKBOOK,
             "styles": built.STYLES}
    parts[where] = xml.replace(b"<!DOCTYPE sst", b"<!DOCTYPE x")
    message = refusal(built.xlsx(sheet=parts["sheet"], strings=parts["strings"],
                                 workbook=parts["workbook"], styles=parts["styles"]))
    assert "en DTD eller entiteter" in message


@pytest.mark.parametrize("content, message", [
    (built.xlsx(sheet=b"<worksheet><sheetData><row><c>"), "Arbetsboken är skadad"),
    (built.xlsx(sheet=b"\x89PNG\r\n\x1a\n\x00\x00binary"), "Arbetsboken är skadad"),
    (built.xlsx(sheet=b"<html><body>Inte ett blad</body></html>"), "ingen rubrikrad"),
    (built.xlsx()[:-40], "kunde inte läsas som Excel-arbetsbok"),
    (built.xlsx()[:400], "kunde inte läsas som Excel-arbetsbok"),
    (b"PK\x03\x04" + bytes(200), "kunde inte läsas som Excel-arbetsbok"),
    (built.archive([built.part("document.xml", b"<doc/>")]),
     "kunde inte läsas som Excel-arbetsbok"),
    (built.archive([built.part("mimetype", b"application/vnd.oasis.opendocument.spreadsheet",
                               method=built.STORED), built.part("content.xml", b"<x/>")]),
     "OpenDocument-kalkylark (.ods)"),
    (built.xlsx(relations=b"<Relationships/>"), "Arbetsboken har inget blad"),
    (built.xlsx(sheet=built.sheet_xml(built.answers(2)).replace(
        b't="inlineStr"><is><t>Heroma</t></is>', b't="s"><v>99</v>')),
     "Arbetsboken är skadad"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "lösenordsskyddad eller i Excels gamla"),
], ids=["unclosed", "binary-sheet", "html-sheet", "cut-directory", "cut-in-half", "zeros",
        "a-zip-but-no-workbook", "ods", "no-sheet", "missing-shared-string", "encrypted-ole"])
def test_broken_workbooks_get_a_reason(content, message):
    assert message in refusal(content)


def test_more_than_5000_rows_stop_reading_at_the_first_one_over():
    assert "Filen har fler än 5\u00a0000 rader" in refusal(
        built.xlsx(built.answers(MAX_ROWS + 1)))
    assert len(read(built.xlsx(built.answers(MAX_ROWS)), "enkat.xlsx").rows) == MAX_ROWS


def test_a_column_beyond_the_sixtieth_with_a_value_is_refused_an_empty_one_is_not():
    wide = [["Organisation", "Lönesystem", *[""] * (MAX_COLUMNS - 2), "Kolumn 61"],
            ["Malmö stad", "Heroma"]]
    assert "fler än 60 kolumner" in refusal(built.xlsx(wide))
    styled = built.sheet_xml(built.answers(2)).replace(
        b'</row>', b'<c r="ZZ1" s="1"/></row>', 1)
    assert read(built.xlsx(sheet=styled), "enkat.xlsx").headers == built.HEADERS


def test_a_cell_longer_than_5000_characters_is_named_by_its_line():
    rows = built.answers(3)
    rows[2][2] = "lång kommentar " * 400
    assert "Rad 3 har en cell med mer än 5\u00a0000 tecken" in refusal(built.xlsx(rows))
    # One of half a megabyte in the shared strings (random words: packed, not a bomb) too.
    words = random.Random(3).choices(["lön", "semester", "system", "avtal", "kommun"],
                                     k=80_000)
    strings = built.shared_strings_xml(["Organisation", " ".join(words)])
    sheet = (SHEET_HEAD + b'<row r="1"><c t="s"><v>0</v></c><c t="inlineStr"><is><t>System'
             b'</t></is></c></row><row r="2"><c t="s"><v>1</v></c><c><v>4</v></c></row>'
             + SHEET_TAIL)
    assert "Rad 2 har en cell" in refusal(built.xlsx(sheet=sheet, strings=strings))


def test_a_tag_of_a_million_attributes_or_a_text_of_megabytes_is_no_workbook():
    # The parser would hold the whole tag before reading it: it never gets it.
    attributes = b" ".join(b'a%d=""' % n for n in range(150_000))
    tag = SHEET_HEAD + b'<row r="1" ' + attributes + b"/>" + SHEET_TAIL
    started = time.perf_counter()
    tracemalloc.start()
    try:
        assert "Arbetsboken är skadad" in refusal(built.xlsx(sheet=tag))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024 and time.perf_counter() - started < 3
    text = random.Random(5).randbytes(800 * 1024).hex().encode()  # 1.6 MB, no "<"
    assert "Arbetsboken är skadad" in refusal(built.xlsx(
        strings=STRINGS_HEAD + b"<si><t>" + text + b"</t></si></sst>"))


def test_a_real_survey_of_5000_rows_is_far_inside_every_limit():
    book = Workbook()
    sheet = book.active
    sheet.append(["Organisation", "Sektor", "Antal anställda", "Lönesystem", "Nöjdhet",
                  "Rekommendation", "I bruk sedan", "Byta?", "Kommentar"])
    for n in range(MAX_ROWS):
        sheet.append([f"Organisation {n}", "Kommun", 1000 + n, "Heroma", n % 5 + 1, n % 11,
                      2000 + n % 25, "Nej", f"Fungerar bra, men semesterberäkningen {n}."])
    out = io.BytesIO()
    book.save(out)
    archive = workbook.checked(out.getvalue())  # what is declared, before unpacking
    parts = archive.infolist()
    assert sum(part.file_size for part in parts) * 5 < workbook.MAX_UNPACKED
    assert all(part.file_size * 3 < workbook.MAX_RATIO * part.compress_size for part in parts
               if part.file_size > workbook.RATIO_FROM)
    found = read(out.getvalue(), "enkat.xlsx")
    assert len(found.rows) == MAX_ROWS
    assert found.rows[-1] == (MAX_ROWS + 1, [
        f"Organisation {MAX_ROWS - 1}", "Kommun", str(1000 + MAX_ROWS - 1), "Heroma", "5",
        str((MAX_ROWS - 1) % 11), str(2000 + (MAX_ROWS - 1) % 25), "Nej",
        f"Fungerar bra, men semesterberäkningen {MAX_ROWS - 1}."])


def test_cells_read_as_excel_shows_them():
    """What Excel and other programs write: shared strings with rich text and
    phonetic guides, a namespace prefix, cells without references, booleans, errors,
    cached formula values, escaped characters, and dates by built-in and own formats."""
    strings = (b'<?xml version="1.0"?><x:sst xmlns:x="' + MAIN + b'">'
               b"<x:si><x:t>Organisation</x:t></x:si>"
               b"<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>Malm\xc3\xb6 </x:t></x:r><x:r><x:t>stad"
               b"</x:t></x:r><x:rPh><x:t>MARUMO</x:t></x:rPh></x:si>"
               b"<x:si><x:t>Rad ett_x000D_rad tv\xc3\xa5</x:t></x:si></x:sst>")
    styles = (b'<?xml version="1.0"?><styleSheet xmlns="' + MAIN + b'"><numFmts count="1">'
              b'<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd;@"/></numFmts>'
              b'<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
              b'<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
              b'<xf numFmtId="2"/></cellXfs></styleSheet>')
    sheet = (b'<?xml version="1.0"?><x:worksheet xmlns:x="' + MAIN + b'"><x:sheetData>'
             b'<x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c>'
             b'<x:c r="B2" t="inlineStr"><x:is><x:t>Sedan</x:t></x:is></x:c>'
             b'<x:c t="inlineStr"><x:is><x:t>Ny</x:t></x:is></x:c>'
             b'<x:c t="inlineStr"><x:is><x:t>Summa</x:t></x:is></x:c>'
             b'<x:c t="inlineStr"><x:is><x:t>Fel</x:t></x:is></x:c>'
             b'<x:c t="inlineStr"><x:is><x:t>Decimal</x:t></x:is></x:c>'
             b'<x:c t="inlineStr"><x:is><x:t>Not</x:t></x:is></x:c></x:row>'
             b'<x:row r="4"><x:c r="A4" t="s"><x:v>1</x:v></x:c><x:c s="1"><x:v>42064</x:v>'
             b'</x:c><x:c t="b"><x:v>1</x:v></x:c><x:c><x:f>SUM(1,2)</x:f><x:v>3</x:v></x:c>'
             b'<x:c t="e"><x:v>#N/A</x:v></x:c><x:c s="3"><x:v>3.5</x:v></x:c>'
             b'<x:c t="s"><x:v>2</x:v></x:c></x:row>'
             b'<x:row r="5"><x:c r="A5" t="inlineStr"><x:is><x:r><x:t>Lund</x:t></x:r></x:is>'
             b'</x:c><x:c r="B5" s="2"><x:v>40179.5</x:v></x:c><x:c r="C5" t="b"><x:v>0</x:v>'
             b'</x:c><x:c r="D5"><x:f>1/0</x:f></x:c><x:c r="E5" t="str"><x:v>text</x:v>'
             b'</x:c><x:c r="F5"><x:v>4.0E+3</x:v></x:c></x:row>'
             b'</x:sheetData></x:worksheet>')
    found = read(built.xlsx(sheet=sheet, strings=strings, styles=styles), "enkat.xlsx")
    assert found.headers == ["Organisation", "Sedan", "Ny", "Summa", "Fel", "Decimal", "Not"]
    assert found.rows == [
        (4, ["Malmö stad", "2015-03-01", "Ja", "3", "#N/A", "3,5", "Rad ett\rrad två"]),
        (5, ["Lund", "2010-01-01", "Nej", "", "text", "4000", ""]),
    ]


def test_dates_count_from_1904_when_the_workbook_says_so():
    book = built.WORKBOOK.replace(b"<sheets>", b'<workbookPr date1904="1"/><sheets>')
    styles = built.STYLES.replace(b'<cellXfs count="1"><xf numFmtId="0"/>',
                                  b'<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/>')
    sheet = built.sheet_xml(built.answers(1)).replace(b"<v>4</v>", b"<v>40602</v>").replace(
        b'<c r="C2">', b'<c r="C2" s="1">')
    found = read(built.xlsx(sheet=sheet, workbook=book, styles=styles), "enkat.xlsx")
    assert found.rows == [(2, ["Organisation 1", "Heroma", "2015-03-01"])]


def _mutated(data: bytes, changes: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for position, cut, inserted in changes:
        at = position % (len(out) + 1)
        out[at:at + cut] = inserted
    return bytes(out)


PIECES = [b"<", b">", b"</c>", b'<c r="ZZZZ9" t="s">', b"<v>", b"</v>", b"&amp;", b"&#0;",
          b"<row>", b"</row>", b'<c t="d"><v>', b'<c s="1">', b"<is><t>", b"<rPh>", b"_x0041_",
          b"9" * 5000, b"-1", b"1e400", b"<si>", b"</si>", b"\xff\xfe", b"<!DOCTYPE x>"]


@settings(max_examples=examples(150), deadline=None)
@given(where=st.sampled_from(["sheet", "strings", "workbook", "styles"]),
       changes=st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 40),
                                  st.one_of(st.sampled_from(PIECES), st.binary(max_size=8))),
                        min_size=1, max_size=6))
def test_any_damage_to_a_workbooks_xml_is_a_sheet_or_a_swedish_reason(where, changes):
    rows = built.answers(5)
    strings = built.shared_strings_xml([*built.HEADERS, "Malmö stad", "Heroma"])
    parts = {"sheet": built.sheet_xml(rows), "strings": strings, "workbook": built.WORKBOOK,
             "styles": built.STYLES}
    parts[where] = _mutated(parts[where], changes)
    try:
        found = read(built.xlsx(sheet=parts["sheet"], strings=parts["strings"],
                                workbook=parts["workbook"], styles=parts["styles"]),
                     "enkat.xlsx")
    except SheetError as error:
        assert str(error)
    else:
        assert all(len(cells) == len(found.headers) for _n, cells in found.rows)


@settings(max_examples=examples(100), deadline=None)
@given(changes=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 30),
                                  st.binary(max_size=8)), min_size=1, max_size=4))
def test_any_damage_to_the_archive_is_a_sheet_or_a_swedish_reason(changes):
    try:
        read(_mutated(built.xlsx(), changes), "enkat.xlsx")
    except SheetError as error:
        assert str(error)


# CSV and other files that are no sheet


@pytest.mark.parametrize("content, message", [
    (random.Random(1).randbytes(20_000), "binära data"),
    (b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(2000), "binära data"),
    (b"Organisation;System\r\n\x81\x8d\x8f;\x90\x9d\r\n", "varken UTF-8 eller Windows-1252"),
    (b"Organisation;System;N\xc3\xb6jdhet\r\n" + b";".join([b"x"] * 70) + b"\r\n",
     "fler än 60 kolumner"),
    (b"Organisation;System\r\nMalm\xf6;" + b"x" * 5001 + b"\r\n",
     "Rad 2 har en cell med mer än 5\u00a0000 tecken"),
    (b"Organisation;System\r\nMalm\xf6;" + b"x" * 200_000 + b"\r\n",
     "Rad 2 har en cell med mer än 5\u00a0000 tecken"),
], ids=["random-bytes", "png", "neither-encoding", "too-wide", "long-cell", "longer-cell"])
def test_files_that_are_no_csv_get_a_swedish_reason(content, message):
    assert message in refusal(content, "enkat.csv")


def test_a_utf16_text_file_from_excel_is_read():
    text = "Organisation\tLönesystem\tNöjdhet\r\nMalmö stad\tHeroma\t4\r\n"
    found = read(b"\xff\xfe" + text.encode("utf-16-le"), "enkat.txt")
    assert found.described == "CSV, tabb, UTF-16"
    assert found.rows == [(2, ["Malmö stad", "Heroma", "4"])]


def test_a_sheet_kept_as_json_comes_back_the_same_and_anything_else_does_not():
    sheet = Sheet(["Organisation", "System"], [(2, ["Malmö stad", "Heroma"])], "Excel (.xlsx)")
    assert Sheet.from_json(sheet.to_json()) == sheet
    for text in (None, "", "[]", "{}", '{"headers": ["a"], "rows": [[2, ["a", "b"]]]}',
                 '{"headers": ["a"], "rows": [2]}', "inte json"):
        assert Sheet.from_json(text) is None

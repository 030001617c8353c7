"""Hostile uploads cost nothing and answer in Swedish: bombs and broken files get the
upload form again with the reason (422) at once, the sheet is read once and kept, and
confirmations that race write once (the others get 409)."""

from __future__ import annotations

import html
import re
import threading
import time
import tracemalloc
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from kb.extensions import db
from kb.models import AuditLog, Experience, SurveyAnswer, SurveyImport, utcnow
from kb.networks.survey import preview as previews
from tests.support import sheets
from tests.support import workbooks as built
from tests.support.pages import Auth, csrf_token, network_id, post, start_network

MAIN = built.MAIN.encode()
SHEET_HEAD = b'<?xml version="1.0"?><worksheet xmlns="' + MAIN + b'"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"
STRINGS_HEAD = b'<?xml version="1.0"?><sst xmlns="' + MAIN + b'">'


@pytest.fixture
def network(app, client, auth, factory):
    factory.system(slug="heroma", name="Heroma", vendor="CGI")
    factory.system(slug="personec-p", name="Personec P", vendor="Visma",
                   aliases="Personec\nVisma Personec P")
    factory.member("ledare@malmo.se", "Lena Ledare", "Malmö stad")
    auth.login("ledare@malmo.se")
    return start_network(client, "Lönechefer i Skåne")


def uploads(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SurveyImport))


def zip_bomb() -> bytes:
    """0.4 MB that unpacks to 380 MB of empty rows."""
    block = b"<row/>" * (1024 * 1024 // 6)
    return built.xlsx(sheet=built.repeated("xl/worksheets/sheet1.xml", SHEET_HEAD, block, 380,
                                           SHEET_TAIL))


def strings_bomb() -> bytes:
    """Shared strings that unpack to 120 MB: millions of cells' worth."""
    block = b"<si><t>a</t></si>" * (1024 * 1024 // 17)
    return built.xlsx(strings=built.repeated("xl/sharedStrings.xml", STRINGS_HEAD, block, 120,
                                             b"</sst>"))


def with_strings(xml: bytes) -> bytes:
    return built.xlsx(strings=xml)


# Nine entities, each ten of the one before: a billion "ha" if anything expanded them.
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "ha">'
          + b"".join(b'<!ENTITY %s "%s">' % (name.encode(), f"&{previous};".encode() * 10)
                     for previous, name in zip("abcdefgh", "bcdefghi", strict=True))
          + b']><sst xmlns="' + MAIN + b'"><si><t>&i;</t></si></sst>')

HOSTILE = {
    "zip-bomb": (zip_bomb, "enkat.xlsx", "packas upp till mer än 100 gånger"),
    "shared-strings-bomb": (strings_bomb, "enkat.xlsx", "packas upp till mer än 100 gånger"),
    "dtd": (lambda: with_strings(b'<!DOCTYPE sst SYSTEM "http://example.se/sst.dtd"><sst/>'),
            "enkat.xlsx", "en DTD eller entiteter"),
    "undefined-entity": (lambda: with_strings(
        b'<sst xmlns="' + MAIN + b'"><si><t>&nbsp;</t></si></sst>'), "enkat.xlsx",
        "en DTD eller entiteter"),
    "billion-laughs": (lambda: with_strings(LAUGHS), "enkat.xlsx", "en DTD eller entiteter"),
    "wrong-xml": (lambda: built.xlsx(sheet=b"<worksheet><sheetData><row><c></row>"),
                  "enkat.xlsx", "Arbetsboken är skadad"),
    "truncated-sheet": (lambda: built.xlsx(sheet=built.sheet_xml(built.answers(3))[:-60]),
                        "enkat.xlsx", "Arbetsboken är skadad"),
    "truncated-zip": (lambda: built.xlsx()[:-100], "enkat.xlsx",
                      "kunde inte läsas som Excel-arbetsbok"),
    "too-many-rows": (lambda: built.xlsx(built.answers(5001)), "enkat.xlsx",
                      "Filen har fler än 5\u00a0000 rader"),
    "too-many-columns": (lambda: built.xlsx([["Organisation"] + [f"Fråga {n}" for n in
                                                                  range(1, 70)]]),
                         "enkat.xlsx", "fler än 60 kolumner"),
    "huge-cell": (lambda: built.xlsx([built.HEADERS, ["Malmö stad", "Heroma", "x" * 20_000]]),
                  "enkat.xlsx", "Rad 2 har en cell med mer än 5\u00a0000 tecken"),
    "empty": (lambda: b"", "enkat.xlsx", "Filen är tom"),
    "binary-csv": (lambda: bytes(range(256)) * 40, "enkat.csv", "binära data"),
    "neither-encoding": (lambda: b"Organisation;System\r\nMalm\x81;Hero\x9dma\r\n", "enkat.csv",
                         "varken UTF-8 eller Windows-1252"),
    "not-a-spreadsheet": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n",
                          "enkat.pdf", "bara en kolumn"),
}


@pytest.mark.parametrize("build, filename, message", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_or_broken_file_gets_the_form_again_with_a_swedish_reason(
        app, client, network, build, filename, message):
    content = build()
    started = time.perf_counter()
    response = sheets.upload_large(client, network, content, filename)
    assert time.perf_counter() - started < 5
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert message in page
    assert 'type="file"' in page  # the form to try again
    assert uploads(app) == 0


@pytest.mark.parametrize("build", [zip_bomb, strings_bomb, lambda: with_strings(LAUGHS)],
                         ids=["zip-bomb", "shared-strings-bomb", "billion-laughs"])
def test_a_bomb_costs_no_memory(client, network, build):
    content = build()
    tracemalloc.start()
    try:
        response = sheets.upload_large(client, network, content, "enkat.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 422
    assert peak < 40 * 1024 * 1024


def _replace_file(app, review: str, content: bytes, sheet=...) -> None:
    """Change what is stored of an upload behind kb's back."""
    values = {"content": content}
    if sheet is not ...:
        values["sheet"] = sheet
    with app.app_context():
        db.session.execute(update(SurveyImport).where(
            SurveyImport.id == int(review.rsplit("/", 1)[1])).values(**values))
        db.session.commit()


def test_the_file_is_read_once_and_every_step_works_from_the_kept_rows(app, client, network):
    review = sheets.uploaded(client, network, sheets.xlsx_bytes(), "enkat.xlsx")
    # Were the file read again, these bytes would fail every step below.
    _replace_file(app, review, b"PK\x03\x04 inte en arbetsbok")
    page = html.unescape(client.get(review).text)
    assert "Excel (.xlsx)" in page and "Malmö stad" in page and "3 nya svar" in page
    fields = ("organisation", "sector", "size", "system", "satisfaction", "recommend",
              "in_use_since", "considering", "comment")
    mapping = {f"column_{name}": str(position) for position, name in enumerate(fields)}
    response = post(client, review, {**mapping, "scale": "auto", "role": "lonechef",
                                     "sector": "", "size": ""},
                    page=review)
    assert response.status_code == 302
    assert "3 nya svar" in html.unescape(client.get(review).text)
    assert sheets.confirm(client, review).status_code == 302
    assert len(sheets.survey_answers(app, network_id(app, network))) == 3


def test_an_upload_from_before_rows_were_kept_is_read_on_first_open(app, client, network):
    review = sheets.uploaded(client, network, sheets.csv_bytes())
    _replace_file(app, review, sheets.csv_bytes(), sheet=None)
    assert "3 nya svar" in html.unescape(client.get(review).text)
    with app.app_context():
        kept = db.session.scalar(select(SurveyImport.sheet))
    assert kept and "Malmö stad" in kept
    _replace_file(app, review, b"")  # from now on the kept rows are enough
    assert "3 nya svar" in html.unescape(client.get(review).text)


def test_an_old_upload_that_is_now_refused_answers_409_not_500(app, client, network):
    review = sheets.uploaded(client, network, sheets.csv_bytes())
    _replace_file(app, review, zip_bomb(), sheet=None)
    response = client.get(review)
    assert response.status_code == 409
    assert "packas upp till mer än 100 gånger" in html.unescape(response.text)


def _confirmation(client, review: str) -> dict:
    page = client.get(review)
    token = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page.text)
    return {"csrf_token": csrf_token(page), "token": token.group(1), "visibility": "networks"}


def _written(app, slug: str) -> tuple[int, int, int]:
    with app.app_context():
        count = db.session.scalar
        return (count(select(func.count()).select_from(Experience).where(
                    Experience.survey_network_id == network_id(app, slug))),
                count(select(func.count()).select_from(SurveyAnswer)),
                count(select(func.count()).select_from(AuditLog).where(
                    AuditLog.action == "survey.import")))


def test_six_confirmations_at_once_write_once_and_the_others_get_409(app, network):
    leader = app.test_client()
    Auth(leader).login("ledare@malmo.se")
    review = sheets.uploaded(leader, network, sheets.csv_bytes())
    clients = [app.test_client() for _ in range(6)]
    forms = []
    for each in clients:
        Auth(each).login("ledare@malmo.se")
        forms.append(_confirmation(each, review))
    start = threading.Barrier(len(clients))
    answered: list = [None] * len(clients)

    def confirm(position: int) -> None:
        start.wait()
        answered[position] = clients[position].post(f"{review}/confirm",
                                                    data=forms[position])

    threads = [threading.Thread(target=confirm, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(response.status_code for response in answered)
    assert statuses == [302, 409, 409, 409, 409, 409]
    for response in answered:
        if response.status_code == 409:
            text = html.unescape(response.text)
            assert "Filen importeras redan" in text or "redan importerad" in text
    assert _written(app, network) == (3, 3, 1)


def test_a_confirmation_after_the_first_answers_409_and_writes_nothing(app, client, network):
    review = sheets.uploaded(client, network, sheets.csv_bytes())
    late = _confirmation(client, review)
    assert sheets.confirm(client, review).status_code == 302
    response = client.post(f"{review}/confirm", data=late)
    assert response.status_code == 409
    assert "redan importerad" in html.unescape(response.text)
    assert _written(app, network) == (3, 3, 1)


def test_a_confirmation_under_way_holds_the_upload_until_it_lapses(app, client, network):
    review = sheets.uploaded(client, network, sheets.csv_bytes())
    held = {"confirming_since": utcnow() - timedelta(minutes=1)}
    with app.app_context():
        db.session.execute(update(SurveyImport).values(**held))
        db.session.commit()
    response = client.post(f"{review}/confirm", data=_confirmation(client, review))
    assert response.status_code == 409
    assert "Filen importeras redan" in html.unescape(response.text)
    assert _written(app, network) == (0, 0, 0)
    with app.app_context():  # its worker died an hour ago
        db.session.execute(update(SurveyImport).values(
            confirming_since=utcnow() - timedelta(hours=1)))
        db.session.commit()
    assert sheets.confirm(client, review).status_code == 302
    assert _written(app, network) == (3, 3, 1)


def test_a_confirmation_that_clashes_writes_nothing_and_lets_the_upload_go(
        app, client, network, monkeypatch):
    sheets.imported(client, network, sheets.csv_bytes())
    review = sheets.uploaded(client, network, sheets.csv_bytes(encoding="utf-8"))
    form = _confirmation(client, review)
    # As if another file's answers were written after this preview was made.
    monkeypatch.setattr(previews, "answers_of", lambda _network: {})
    response = client.post(f"{review}/confirm", data=form)
    assert response.status_code == 409
    assert "Inget av den här filen sparades" in html.unescape(response.text)
    assert _written(app, network) == (3, 3, 1)
    monkeypatch.undo()
    assert sheets.confirm(client, review).status_code == 302  # the claim was let go
    assert _written(app, network) == (3, 3, 2)


def test_the_upload_list_does_not_load_the_files(app, client, network):
    for _ in range(3):
        sheets.uploaded(client, network, sheets.csv_bytes())
    queries = []
    with app.app_context():
        from sqlalchemy import event

        def record(_conn, _cursor, statement, *_args):
            queries.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(f"/networks/{network}/import").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    listed = [query for query in queries if "FROM survey_import" in query]
    assert listed and not any("survey_import.content" in query or "survey_import.sheet" in query
                              for query in listed)

"""Survey sheets for the import tests: a Swedish network's sheet in the forms
Excel and other programs save it, and the leader's steps through the real pages."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb.extensions import db
from kb.models import Experience, SurveyImport
from tests.support.pages import csrf_token, post

HEADERS = ["Organisation", "Sektor", "Antal anställda", "Lönesystem",
           "Hur nöjd är ni med lönesystemet? (1-5)",
           "Hur troligt är det att ni rekommenderar systemet? (0-10)", "I bruk sedan",
           "Funderar ni på att byta system?", "Kommentar"]
GOOD_ROWS = [
    ["Malmö stad", "Kommun", "12 000", "Visma Personec P", "4", "8", "2012", "Nej",
     "Stabil lönekörning, krånglig semesterberäkning."],
    ["Region Skåne", "Region", "35000", "Heroma (CGI)", "Mycket nöjd", "9", "2009", "Nej", ""],
    ["Lunds kommun", "Kommun", "1 000–4 999", "personec", "3,5", "", "2015",
     "Ja, till Heroma", "Vi utreder ett byte."],
]
BROKEN_ROWS = [
    ["Trelleborgs kommun", "Kommun", "2500", "Lönesystemet X", "4", "", "", "", ""],
    ["Eslövs kommun", "Kommun", "1500", "Heroma", "12", "", "", "", ""],
    ["", "Kommun", "300", "Heroma", "4", "", "", "", ""],
    ["Ystads kommun", "Kommun", "1200", "Heroma", "4", "11", "", "", ""],
]
# The broken rows' line numbers in the file (the header is line 1) and why.
BROKEN = {5: "Okänt lönesystem ”Lönesystemet X”", 6: "Nöjdheten 12 ligger utanför skalan 1–5",
          7: "Organisation saknas", 8: "Rekommendationen ”11” ska vara ett heltal 0–10"}


def csv_bytes(rows=None, separator=";", encoding="cp1252", bom=False,
              headers=HEADERS) -> bytes:
    """A sheet as CSV; Excel's Swedish "CSV (semikolonavgränsad)" is the default."""
    rows = GOOD_ROWS + BROKEN_ROWS if rows is None else rows
    lines = [separator.join(_quoted(cell, separator) for cell in row)
             for row in [headers, *rows]]
    data = "\r\n".join(lines).encode(encoding) + b"\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + data


def _quoted(cell: str, separator: str) -> str:
    return f'"{cell}"' if separator in cell or '"' in cell else cell


def xlsx_bytes(rows=None, headers=HEADERS) -> bytes:
    """The sheet as an Excel workbook, numbers as numbers where a cell holds one."""
    rows = GOOD_ROWS + BROKEN_ROWS if rows is None else rows
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Enkät 2026"
    sheet.append(headers)
    for row in rows:
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, slug: str, content: bytes, filename: str = "enkat.csv", **kwargs):
    page = f"/networks/{slug}/import"
    return post(client, page, {"file": (io.BytesIO(content), filename)}, page=page,
                content_type="multipart/form-data", **kwargs)


def multipart(fields: dict[str, str], filename: str, content: bytes,
              boundary: str = "kbgrans") -> bytes:
    """A multipart body built here: the test client's own encoding spools a large body
    to a temporary file it never closes."""
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode())
    return b"".join(parts) + content + f"\r\n--{boundary}--\r\n".encode()


def upload_large(client, slug: str, content: bytes, filename: str = "stor.csv",
                 with_token: bool = True):
    page = f"/networks/{slug}/import"
    fields = {"csrf_token": csrf_token(client.get(page))} if with_token else {}
    body = multipart(fields, filename, content)
    return client.post(page, input_stream=io.BytesIO(body),
                       content_type="multipart/form-data; boundary=kbgrans",
                       headers={"Content-Length": str(len(body))})


def uploaded(client, slug: str, content: bytes, filename: str = "enkat.csv") -> str:
    """Upload a sheet; returns the path of its review page."""
    response = upload(client, slug, content, filename)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def confirm(client, review_path: str, visibility: str = "networks"):
    page = client.get(review_path)
    token = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page.text)
    assert token, "the review page has no confirmation form"
    return post(client, f"{review_path}/confirm", {"visibility": visibility,
                                                   "token": token.group(1)},
                page=review_path)


def imported(client, slug: str, content: bytes, filename: str = "enkat.csv",
             visibility: str = "networks"):
    review = uploaded(client, slug, content, filename)
    response = confirm(client, review, visibility)
    assert response.status_code == 302, response.text
    return review


def review(client, import_id: int, action: str = "approve", reason: str = ""):
    """The logged-in moderator approves (or declines) an import on its review page."""
    page = f"/admin/imports/{import_id}"
    return post(client, f"{page}/{action}", {"reason": reason}, page=page)


def survey_answers(app, network_id: int) -> list[Experience]:
    with app.app_context():
        found = db.session.scalars(
            select(Experience).options(
                joinedload(Experience.system), joinedload(Experience.considering_switch_to),
                joinedload(Experience.organisation), joinedload(Experience.switched_from))
            .where(Experience.survey_network_id == network_id).order_by(Experience.id)
        ).unique().all()
        for experience in found:
            db.session.expunge(experience)
        return found


def last_import(app) -> SurveyImport:
    with app.app_context():
        found = db.session.scalars(select(SurveyImport).order_by(SurveyImport.id.desc())).first()
        db.session.expunge(found)
        return found

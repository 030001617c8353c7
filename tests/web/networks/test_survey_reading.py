"""Reading survey sheets as they arrive: limits, files that are not sheets, hostile bytes,
and who may upload at all."""

from __future__ import annotations

import html
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kb.networks.survey import reading
from kb.networks.survey.columns import guess
from kb.networks.survey.matching import Catalogue
from kb.networks.survey.reading import SheetError, read
from tests.support import sheets
from tests.support.budget import examples
from tests.support.pages import accept, invite_link, post, start_network


@pytest.fixture
def network(app, client, auth, factory):
    factory.system(slug="heroma", name="Heroma", vendor="CGI")
    factory.member("ledare@malmo.se", "Lena Ledare", "Malmö stad")
    auth.login("ledare@malmo.se")
    return start_network(client, "Lönechefer i Skåne")


def refusal(response) -> str:
    assert response.status_code == 422, response.status_code
    return html.unescape(response.text)


def test_a_file_over_5_mb_is_refused_with_a_swedish_message(client, network):
    padding = "x" * 1080
    rows = [[f"Organisation {n}", "Heroma", "4", padding] for n in range(4800)]
    content = sheets.csv_bytes(rows=rows, headers=["Organisation", "System", "Nöjdhet", "Not"])
    assert reading.MAX_BYTES < len(content) < reading.MAX_BYTES + 200_000
    page = refusal(sheets.upload_large(client, network, content))
    assert "Filen är större än 5 MB" in page


def test_a_request_far_over_the_limit_gets_the_same_message(client, network):
    response = sheets.upload_large(client, network, b"a;b\r\n" * (1300 * 1024))
    assert response.status_code == 413
    assert "Filen är större än 5 MB" in html.unescape(response.text)


def test_more_than_5000_rows_are_refused(client, network):
    rows = [[f"Org {n}", "Heroma", "4"] for n in range(5001)]
    content = sheets.csv_bytes(rows=rows, headers=["Organisation", "System", "Nöjdhet"])
    assert "Filen har fler än 5\u00a0000 rader" in refusal(sheets.upload(client, network,
                                                                          content))
    rows.pop()
    assert sheets.upload(client, network, sheets.csv_bytes(
        rows=rows, headers=["Organisation", "System", "Nöjdhet"])).status_code == 302


@pytest.mark.parametrize("content, filename, message", [
    (b"", "tom.csv", "Filen är tom."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "enkat.xls", "gamla format (.xls)"),
    (b"PK\x03\x04 not really a workbook", "enkat.xlsx", "kunde inte läsas som Excel-arbetsbok"),
    (b"Bara en kolumn\r\nMalm\xf6\r\n", "en.csv", "Filen har bara en kolumn"),
    (b"Organisation;System\r\n", "rubrik.csv", "inga rader med svar"),
    (b"\xef\xbb\xbfOrganisation;System\r\nMalm\xf6;Heroma\r\n", "fel.csv", "inte är UTF-8"),
], ids=["empty", "xls", "broken-xlsx", "one-column", "header-only", "bad-bom"])
def test_files_that_are_not_sheets_get_a_reason(client, network, content, filename, message):
    assert message in refusal(sheets.upload(client, network, content, filename))


def test_only_the_networks_leaders_upload(app, client, auth, factory, network):
    link = invite_link(client, network)
    auth.logout()
    assert client.get(f"/networks/{network}/import").status_code == 302  # to the login page
    factory.member("medlem@lund.se", "Mia Medlem", "Lunds kommun")
    auth.login("medlem@lund.se")
    assert client.get(f"/networks/{network}/import").status_code == 403
    accept(client, link)
    assert client.get(f"/networks/{network}/import").status_code == 403
    response = sheets.upload(client, network, sheets.csv_bytes())
    assert response.status_code == 403
    auth.logout()
    auth.login("ledare@malmo.se")
    review = sheets.uploaded(client, network, sheets.csv_bytes())
    auth.logout()
    auth.login("medlem@lund.se")
    assert client.get(review).status_code == 403
    assert post(client, f"{review}/confirm", {"visibility": "public"},
                page=f"/networks/{network}").status_code == 403


def test_a_confirmation_from_an_older_preview_is_refused(client, network):
    review = sheets.uploaded(client, network, sheets.csv_bytes())
    response = post(client, f"{review}/confirm", {"visibility": "networks", "token": "gammal"},
                    page=review)
    assert response.status_code == 409
    assert "Granska förhandsgranskningen igen" in html.unescape(response.text)


def test_an_imported_file_is_not_imported_twice(client, network):
    review = sheets.imported(client, network, sheets.csv_bytes())
    page = html.unescape(client.get(review).text)
    assert "Filen importerades" in page and 'action="' + review + '/confirm"' not in page
    response = post(client, f"{review}/confirm", {"visibility": "networks", "token": "x"},
                    page=review)
    assert response.status_code == 409


def test_xlsx_cells_read_as_the_leader_sees_them():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Organisation", "System", "Nöjdhet", "Sedan", "Anställda"])
    sheet.append(["Malmö stad", "Heroma", 4.0, __import__("datetime").datetime(2015, 3, 1), 2400])
    sheet.append([None, None, None, None, None])
    sheet.append(["Lund", "Personec", 3.5, 2012, None])
    out = io.BytesIO()
    workbook.save(out)
    found = read(out.getvalue(), "enkat.xlsx")
    assert found.headers == ["Organisation", "System", "Nöjdhet", "Sedan", "Anställda"]
    assert found.rows == [(2, ["Malmö stad", "Heroma", "4", "2015-03-01", "2400"]),
                          (4, ["Lund", "Personec", "3,5", "2012", ""])]


def test_headers_in_english_are_understood_too():
    found = guess(["Organization", "Sector", "Size", "Payroll system", "Satisfaction",
                   "Likelihood to recommend", "Year in use", "Considering a switch",
                   "Comments"])
    assert found == {"organisation": 0, "sector": 1, "size": 2, "system": 3,
                     "satisfaction": 4, "recommend": 5, "in_use_since": 6,
                     "considering": 7, "comment": 8, "contract_end": None}


def test_system_names_match_without_case_and_punctuation(app, factory):
    factory.system(slug="heroma", name="Heroma", vendor="CGI")
    factory.system(slug="personec-p", name="Personec P", vendor="Visma",
                   aliases="Personec\nVisma Personec P")
    with app.app_context():
        systems = Catalogue()
        for written, name in (("Visma Personec P", "Personec P"), ("personec", "Personec P"),
                              ("PERSONEC-P.", "Personec P"), ("Heroma (CGI)", "Heroma"),
                              ("CGI Heroma", "Heroma"), ("heroma", "Heroma")):
            assert systems.find(written).name == name, written
        assert systems.find("Hogia Lön") is None


@settings(max_examples=examples(200), deadline=None)
@given(content=st.binary(max_size=400))
def test_any_bytes_are_a_sheet_or_a_swedish_reason(content):
    try:
        found = read(content, "enkat.csv")
    except SheetError as error:
        assert str(error)
    else:
        assert all(len(cells) == len(found.headers) for _n, cells in found.rows)


@pytest.fixture
def review(client, network):
    return sheets.uploaded(client, network, sheets.csv_bytes())


@settings(max_examples=examples(20), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.dictionaries(
    st.sampled_from(["column_organisation", "column_system", "column_satisfaction",
                     "column_sector", "scale", "role", "sector", "size", "system_0"]),
    st.one_of(st.text(max_size=12), st.sampled_from(["0", "1", "99", "-1", "propose", ""])),
    min_size=1))
def test_the_mapping_form_survives_anything(client, review, values):
    response = post(client, review, values, page=review)
    assert response.status_code in (302, 422)
    # Whatever was posted, the preview still shows.
    assert client.get(review).status_code == 200

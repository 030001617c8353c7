"""Systems side by side, narrowed to organisations like the reader's, and the CSV."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.support.pages import main_content


def test_the_picker_works_without_javascript(client, factory):
    factory.figures_world()
    page = client.get("/compare")
    assert page.status_code == 200
    html = main_content(page)
    assert html.count('name="s"') == 4
    assert '<label for="compare-s1">' in html and "<legend>" in html
    assert 'method="get"' in html


def test_three_systems_side_by_side_with_a_shareable_link(client, factory):
    factory.figures_world()
    page = client.get("/compare?s=heroma&s=personec-p&s=primula")
    html = main_content(page)
    assert page.status_code == 200
    assert '<th scope="col" role="columnheader"><a href="/systems/heroma">Heroma</a></th>' in html
    assert "3,2 (n=6)" in html
    assert "för få svar (n=1)" in html  # Personec P has one experience
    assert "Personec P (2)" in html  # came to Heroma from Personec P
    assert "/compare.csv?s=heroma&amp;s=personec-p&amp;s=primula" in html
    assert html.count("<svg") == 2
    narrowed = main_content(client.get("/compare?s=heroma&s=primula&sector=region"))
    assert "Urval: <strong>Region</strong>" in narrowed
    assert "för få svar (n=2)" in narrowed


def test_one_system_opens_with_the_common_alternatives_not_an_error(client, factory):
    factory.figures_world()
    html = main_content(client.get("/compare?s=heroma"))
    assert "error-summary" not in html and "Välj minst två" not in html
    assert "Jämför Heroma med" in html
    # Personec P is the only other system the visitor's segment has figures of.
    assert '<a href="/compare?s=heroma&amp;s=personec-p">Jämför med Personec P</a>' in html
    # The form comes back with Heroma chosen and the alternative in the second slot.
    assert re.search(r'id="compare-s1".*?<option value="heroma" selected>', html, re.S)
    assert re.search(r'id="compare-s2".*?<option value="personec-p" selected>', html, re.S)
    html = main_content(client.get("/compare?s=heroma&s=okänt"))
    assert "finns inte" in html
    many = client.get("/compare?s=heroma&s=personec-p&s=primula&s=heroma&s=x")
    assert many.status_code == 200


def test_the_best_value_of_each_row_is_marked_in_text(client, factory):
    fixture = factory.figures_world()
    for satisfaction in (2, 2, 3, 2, 1):
        factory.experience(factory.user(), fixture.primula, satisfaction=satisfaction,
                           recommend=2)
    html = main_content(client.get("/compare?s=heroma&s=primula"))
    row = re.search(r"<th scope=\"row\"[^>]*>Genomsnittlig nöjdhet \(1–5\)</th>(.*?)</tr>", html,
                    re.S).group(1)
    heroma, primula = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert 'class="best-mark">Bäst</span>' in heroma and "Bäst" not in primula
    # Each figure leads to the experiences behind it.
    assert '/search?system=heroma&amp;sort=newest">3,2 (n=6)</a>' in heroma
    assert '/search?system=primula&amp;sort=newest">2,0 (n=5)</a>' in primula


def rows_of(response):
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def swedish_number(cell: str) -> float:
    """What Swedish Excel makes of a cell: digits, an optional ASCII minus and a decimal
    comma, nothing else."""
    assert re.fullmatch(r"-?\d+(,\d+)?", cell), cell
    return float(cell.replace(",", "."))


def test_the_table_downloads_as_csv_with_one_value_a_cell(client, factory):
    factory.figures_world()
    response = client.get("/compare.csv?s=heroma&s=personec-p")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, heroma, personec = rows_of(response)
    assert header[:4] == ["Lönesystem", "Urval", "Datum", "Organisationer"]
    by_column = dict(zip(header, heroma, strict=True))
    assert by_column["Lönesystem"] == "Heroma"
    assert by_column["Urval"] == "Alla organisationer"
    assert swedish_number(by_column["Organisationer"]) == 6
    assert swedish_number(by_column["Genomsnittlig nöjdhet (1–5)"]) == pytest.approx(3.17)
    assert by_column["Genomsnittlig nöjdhet n"] == "6"
    assert swedish_number(by_column["NPS (-100 till +100)"]) == 0
    assert by_column["NPS n"] == "5"
    # One column per capability level: 3 of 5 work well, 1 with workarounds, 1 missing.
    assert swedish_number(by_column["AGI: fungerar bra (%)"]) == 60
    assert swedish_number(by_column["AGI: fungerar med omvägar (%)"]) == 20
    assert swedish_number(by_column["AGI: saknas (%)"]) == 20
    assert by_column["AGI n"] == "5" and by_column["AGI: vet inte (antal)"] == "1"
    # Too few answers: an empty cell, and the n beside it.
    personec_columns = dict(zip(header, personec, strict=True))
    assert personec_columns["Genomsnittlig nöjdhet (1–5)"] == ""
    assert personec_columns["Genomsnittlig nöjdhet n"] == "1"
    for name, value in by_column.items():
        if name not in ("Lönesystem", "Urval", "Datum", "Trend", "Bytte oftast hit från",
                        "Bytte oftast bort till") and value:
            swedish_number(value)  # every figure is a number, never "3,2 (n=6)"
    assert "Hemlig anledning" not in response.data.decode()


def test_a_negative_nps_is_an_ascii_minus(client, factory):
    fixture = factory.figures_world()
    for _ in range(5):
        factory.experience(factory.user(), fixture.primula, satisfaction=1, recommend=0)
    header, _heroma, primula = rows_of(client.get("/compare.csv?s=heroma&s=primula"))
    assert dict(zip(header, primula, strict=True))["NPS (-100 till +100)"] == "-100,0"


def test_the_comparison_downloads_as_excel_with_numeric_cells(client, factory):
    factory.figures_world()
    response = client.get("/compare.xlsx?s=heroma&s=personec-p")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data))["Jämförelse"]
    header = [cell.value for cell in sheet[1]]
    heroma = dict(zip(header, (cell for cell in sheet[2]), strict=True))
    assert heroma["Genomsnittlig nöjdhet (1–5)"].data_type == "n"
    assert heroma["Genomsnittlig nöjdhet (1–5)"].value == pytest.approx(3.17)
    assert heroma["Organisationer"].value == 6
    personec = dict(zip(header, (cell.value for cell in sheet[3]), strict=True))
    assert personec["Genomsnittlig nöjdhet (1–5)"] is None
    assert personec["Genomsnittlig nöjdhet n"] == 1


def test_downloads_never_start_a_formula(client, factory):
    factory.figures_world()
    factory.system(slug="formel", name='=HYPERLINK("http://example.com")')
    rows = rows_of(client.get("/compare.csv?s=heroma&s=formel"))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith("=") for cell in cells)
    assert "'=HYPERLINK(\"http://example.com\")" in cells
    sheet = load_workbook(io.BytesIO(client.get("/compare.xlsx?s=heroma&s=formel").data))
    name = sheet["Jämförelse"]["A3"]
    assert name.value == '=HYPERLINK("http://example.com")' and name.data_type == "s"


def test_downloads_need_two_known_systems(client, factory):
    factory.figures_world()
    for suffix in ("csv", "xlsx"):
        assert client.get(f"/compare.{suffix}?s=heroma").status_code == 400
        response = client.get(f"/compare.{suffix}?s=heroma&s=finns-inte")
        assert response.status_code == 400
        assert "finns inte" in response.text

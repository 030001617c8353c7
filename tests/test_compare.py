"""Systems side by side, narrowed to organisations like the reader's, and the CSV."""

import csv
import io

from tests.conftest import main_content
from tests.test_stats import build_fixture


def test_the_picker_works_without_javascript(client, factory):
    build_fixture(factory)
    page = client.get("/compare")
    assert page.status_code == 200
    html = main_content(page)
    assert html.count('name="s"') == 4
    assert '<label for="compare-s1">' in html and "<legend>" in html
    assert 'method="get"' in html


def test_three_systems_side_by_side_with_a_shareable_link(client, factory):
    build_fixture(factory)
    page = client.get("/compare?s=heroma&s=personec-p&s=primula")
    html = main_content(page)
    assert page.status_code == 200
    assert '<th scope="col"><a href="/systems/heroma">Heroma</a></th>' in html
    assert "3,2 (n=6)" in html
    assert "för få svar (n=1)" in html  # Personec P has one experience
    assert "Personec P (2)" in html  # came to Heroma from Personec P
    assert "/compare.csv?s=heroma&amp;s=personec-p&amp;s=primula" in html
    assert html.count("<svg") == 2
    narrowed = main_content(client.get("/compare?s=heroma&s=primula&sector=region"))
    assert "Urval: <strong>Region</strong>" in narrowed
    assert "för få svar (n=2)" in narrowed


def test_a_wrong_choice_is_explained(client, factory):
    build_fixture(factory)
    html = main_content(client.get("/compare?s=heroma"))
    assert "Välj minst två lönesystem att jämföra." in html
    html = main_content(client.get("/compare?s=heroma&s=okänt"))
    assert "finns inte" in html
    many = client.get("/compare?s=heroma&s=personec-p&s=primula&s=heroma&s=x")
    assert many.status_code == 200


def rows_of(response):
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_table_downloads_as_csv_for_excel(client, factory):
    build_fixture(factory)
    response = client.get("/compare.csv?s=heroma&s=personec-p")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0] == ["Avsnitt", "Mått", "Heroma", "Personec P"]
    assert rows[1] == ["Urval", "Alla organisationer", "", ""]
    by_label = {row[1]: row[2:] for row in rows}
    assert by_label["Antal erfarenheter"] == ["6", "1"]
    assert by_label["Genomsnittlig nöjdhet (1–5)"] == ["3,2 (n=6)", "för få svar (n=1)"]
    assert by_label["Rekommenderar (NPS, −100 till +100)"] == ["0 (n=5)", "–"]
    assert by_label["Användarvänlighet"] == ["3,2 (n=5)", "–"]
    assert by_label["AGI – arbetsgivardeklaration på individnivå"][0] == (
        "Fungerar bra 60\u00a0% · Fungerar med omvägar 20\u00a0% · Saknas 20\u00a0% (n=5)")
    assert by_label["Bytte hit från"] == ["Personec P (2)", "Heroma (1)"]
    assert by_label["Vanligaste skälet att byta hit"] == [
        "AGI fungerade inte (2)", "För dyra licenser (1)"]
    assert "Hemlig anledning" not in response.data.decode()


def test_csv_cells_never_start_a_formula(client, factory):
    fixture = build_fixture(factory)
    factory.experience(factory.user(), fixture.primula, switched_from_id=fixture.heroma,
                       switch_reason="=HYPERLINK(\"http://example.com\")")
    rows = rows_of(client.get("/compare.csv?s=heroma&s=primula"))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith("=") for cell in cells)
    assert "'=HYPERLINK(\"http://example.com\") (1)" in cells


def test_csv_needs_two_known_systems(client, factory):
    build_fixture(factory)
    assert client.get("/compare.csv?s=heroma").status_code == 400
    response = client.get("/compare.csv?s=heroma&s=finns-inte")
    assert response.status_code == 400
    assert "finns inte" in response.text

"""A network's real survey rarely asks for sector or size: such a sheet imports all its
well-formed rows with them unknown ("okänd"), the preview says how many rows lack them
and offers to fill them from kb's organisations or from a column – never one value for
all unless the leader explicitly chooses it."""

from __future__ import annotations

import html
import re

import pytest

from kb.extensions import db
from kb.models import Organisation
from tests.support import sheets
from tests.support.pages import network_id, post, start_network

HEADERS = ["Organisation", "Lönesystem", "Hur nöjd är ni?", "Kommentar"]
ROWS = [["Borås stad", "Heroma", "4", "Fungerar."],
        ["Kungälvs kommun", "Personec P", "2", ""],
        ["Mölndals stad", "Heroma", "5", ""],
        ["", "Heroma", "3", "Ingen organisation: ett fel."]]


@pytest.fixture
def network(app, client, auth, factory):
    factory.system(slug="heroma", name="Heroma", vendor="CGI")
    factory.system(slug="personec-p", name="Personec P", vendor="Visma")
    factory.member("ledare@boras.se", "Lena Ledare", "Borås stad")
    auth.login("ledare@boras.se")
    return start_network(client, "Lönechefer i väst")


def text_of(response) -> str:
    return html.unescape(response.text)


def answers_by_organisation(app, slug):
    return {e.organisation.name: e for e in sheets.survey_answers(app, network_id(app, slug))}


def known_organisation(app, name, sector, size_band, domain):
    """An organisation kb knows for certain (a moderator set its e-mail domain)."""
    with app.app_context():
        organisation = Organisation(name=name, sector=sector, size_band=size_band,
                                    email_domain=domain)
        db.session.add(organisation)
        db.session.commit()


def mapping(page: str, **changes) -> dict:
    """The review page's mapping form as it stands, with `changes`."""
    form = {}
    for name, body in re.findall(r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', page,
                                 re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', body) or \
            re.search(r'<option value="([^"]*)" selected', body)
        form[name] = chosen.group(1) if chosen else ""
    form.update(changes)
    return form


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_sheet_without_sector_and_size_imports_every_well_formed_row(app, client, network,
                                                                       kind):
    content = sheets.csv_bytes(rows=ROWS, headers=HEADERS) if kind == "csv" \
        else sheets.xlsx_bytes(rows=ROWS, headers=HEADERS)
    review = sheets.uploaded(client, network, content, f"enkat.{kind}")
    page = text_of(client.get(review))
    assert "3 nya svar" in page and "1 rad med fel" in page
    assert "Storlek saknas" not in page and "Sektor saknas" not in page
    # The preview counts the rows without them, and shows what they become.
    assert "4 rader i arket saknar sektor och 4 rader saknar storlek" in page
    assert "Med okänd sektor: 3 · med okänd storlek: 3" in page
    assert "okänd sektor, okänd storlek" in page
    response = sheets.confirm(client, review)
    assert response.status_code == 302
    answers = answers_by_organisation(app, network)
    assert sorted(answers) == ["Borås stad", "Kungälvs kommun", "Mölndals stad"]
    for answer in answers.values():
        assert (answer.sector, answer.size_band) == ("", "")  # unknown
    assert answers["Kungälvs kommun"].satisfaction == 2
    shown = text_of(client.get(f"/experiences/{answers['Kungälvs kommun'].id}"))
    assert "Kungälvs kommun – Från nätverkets enkät" in shown and "None" not in shown
    # Said in words where the answer is described, not left as a dash.
    assert re.search(r"<dt>Sektor</dt><dd>Okänd</dd>", shown)
    assert re.search(r"<dt>Storlek</dt><dd>Okänd</dd>", shown)
    card = text_of(client.get("/search", query_string={"q": "Fungerar"}))
    assert re.search(r'class="context">[^<]*, okänd sektor, okänd storlek', card)
    done = sheets.last_import(app)
    assert (done.rows_created, done.rows_skipped) == (3, 1)
    # The network's page counts them.
    summary = text_of(client.get(f"/networks/{network}")).split('id="per-system-heading"')[1]
    assert "4,5 (n=2)" in summary.split("</table>")[0]


def test_no_single_value_for_all_rows_is_chosen_by_default(app, client, network):
    review = sheets.uploaded(client, network, sheets.csv_bytes(rows=ROWS, headers=HEADERS))
    page = text_of(client.get(review))
    form = mapping(page)
    assert form["sector"] == "" and form["size"] == ""
    for name in ("sector", "size"):
        select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', page, re.S)
        first = re.search(r"<option[^>]*>([^<]*)</option>", select.group(1)).group(1)
        assert first.startswith("Importera med okänd") and "(förvalt)" in first
    # One value for all is still there, as an explicit choice that says to check it.
    assert "Samma för alla rader utan storlek: 1 000–4 999 anställda (kontrollera att det " \
           "stämmer)" in page


def test_rows_take_sector_and_size_from_kbs_organisations(app, client, network):
    known_organisation(app, "Kungälvs kommun", "kommun", "1000-4999", "kungalv.se")
    known_organisation(app, "Mölndals stad", "kommun", "5000+", "molndal.se")
    review = sheets.uploaded(client, network, sheets.csv_bytes(rows=ROWS, headers=HEADERS))
    page = text_of(client.get(review))
    # The offer: kb knows the sector of two of them and the size of two.
    assert "kb:s organisationer känner sektorn för 2 och storleken för 2 av dem" in page
    assert "Sektor från kb:s organisationer" not in page  # not before the leader asks
    response = post(client, review, mapping(page, sector="organisations", size="organisations"),
                    page=review)
    assert response.status_code == 302
    page = text_of(client.get(review))
    assert "Sektor från kb:s organisationer: Kommun" in page
    assert "Storlek från kb:s organisationer: 5 000 anställda eller fler" in page
    assert "Med okänd sektor: 1 · med okänd storlek: 1" in page
    sheets.confirm(client, review)
    answers = answers_by_organisation(app, network)
    assert (answers["Kungälvs kommun"].sector, answers["Kungälvs kommun"].size_band) == \
        ("kommun", "1000-4999")
    assert (answers["Mölndals stad"].sector, answers["Mölndals stad"].size_band) == \
        ("kommun", "5000+")
    # Borås stad is only what a member typed: kb does not know it for certain.
    assert (answers["Borås stad"].sector, answers["Borås stad"].size_band) == ("", "")


def test_rows_take_sector_and_size_from_a_column_the_leader_points_at(app, client, network):
    headers = ["Organisation", "Lönesystem", "Nöjdhet", "Verksamhet", "Personal"]
    rows = [["Borås stad", "Heroma", "4", "Kommun", "5 500"],
            ["Västra Götalandsregionen", "Heroma", "3", "Region", ""],
            ["Alingsås kommun", "Heroma", "5", "okänt", "900"]]
    review = sheets.uploaded(client, network, sheets.csv_bytes(rows=rows, headers=headers))
    page = text_of(client.get(review))
    assert "Från kolumnen ”Verksamhet”" in page
    response = post(client, review, mapping(page, sector="column:3", size="column:4"),
                    page=review)
    assert response.status_code == 302
    page = text_of(client.get(review))
    assert "Sektor från kolumnen ”Verksamhet”: Kommun" in page
    assert "Storlek från kolumnen ”Personal”: 250–999 anställda" in page
    # A cell the column cannot be read from leaves the row unknown, not refused.
    assert "Sektorn ”okänt” känns inte igen" in page and "3 nya svar" in page
    sheets.confirm(client, review)
    answers = answers_by_organisation(app, network)
    assert (answers["Borås stad"].sector, answers["Borås stad"].size_band) == \
        ("kommun", "5000+")
    assert (answers["Västra Götalandsregionen"].sector,
            answers["Västra Götalandsregionen"].size_band) == ("region", "")
    assert (answers["Alingsås kommun"].sector, answers["Alingsås kommun"].size_band) == \
        ("", "250-999")


def test_a_later_sheet_without_them_keeps_what_an_earlier_one_said(app, client, network):
    with_segment = sheets.csv_bytes(
        rows=[["Borås stad", "Kommun", "5000+", "Heroma", "4"]],
        headers=["Organisation", "Sektor", "Storlek", "Lönesystem", "Nöjdhet"])
    sheets.imported(client, network, with_segment)
    review = sheets.uploaded(client, network, sheets.csv_bytes(
        rows=[["Borås stad", "Heroma", "4", ""]], headers=HEADERS))
    page = text_of(client.get(review))
    assert "1 oförändrat" in page and "Sektor från organisationens tidigare svar" in page
    sheets.confirm(client, review)
    answer = answers_by_organisation(app, network)["Borås stad"]
    assert (answer.sector, answer.size_band) == ("kommun", "5000+")

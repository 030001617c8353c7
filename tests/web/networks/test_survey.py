"""A network leader brings the network's own survey into kb: upload, mapping, preview,
import that is safe to repeat, and what the network page then shows."""

from __future__ import annotations

import html
from datetime import datetime

import pytest
from sqlalchemy import func, select

from kb.changelog.table import ChangeLogEntry
from kb.extensions import db
from kb.models import Experience, SatisfactionHistory
from tests.support import sheets
from tests.support.pages import main_content, network_id, post, start_network


@pytest.fixture
def catalogue(factory):
    return {
        "heroma": factory.system(slug="heroma", name="Heroma", vendor="CGI"),
        "personec": factory.system(slug="personec-p", name="Personec P", vendor="Visma",
                                   aliases="Personec\nVisma Personec P"),
    }


@pytest.fixture
def network(app, client, auth, factory, catalogue):
    """A payroll managers' network whose leader is logged in; returns its slug."""
    factory.member("ledare@malmo.se", "Lena Ledare", "Malmö stad")
    auth.login("ledare@malmo.se")
    return start_network(client, "Lönechefer i Skåne")


def text_of(response) -> str:
    return html.unescape(response.text)


def test_an_excel_csv_imports_after_a_preview_that_names_each_broken_row(app, client, network):
    review = sheets.uploaded(client, network, sheets.csv_bytes())
    page = text_of(client.get(review))
    assert "CSV, semikolon, Windows-1252" in page
    # kb guessed every column from the Swedish headers.
    assert 'id="column_satisfaction"' in page
    for number, why in sheets.BROKEN.items():
        assert f"Rad {number}" in page and why in page
    assert "3 nya svar" in page and "4 rader med fel" in page
    # The rule of the conversion is shown, and what each row's answer became.
    assert "9–10 blir 5" in page
    assert "”Mycket nöjd” → 5" in page and "3,5 → 4" in page
    # Nothing is written before the leader confirms.
    assert sheets.survey_answers(app, network_id(app, network)) == []

    response = sheets.confirm(client, review)
    assert response.status_code == 302
    page = text_of(client.get(f"/networks/{network}"))
    assert "3 nya svar, 0 uppdaterade, 0 oförändrade och 4 rader som inte importerades" in page
    for organisation, system in (("Malmö stad", "Personec P"), ("Region Skåne", "Heroma"),
                                 ("Lunds kommun", "Personec P")):
        assert organisation in page and system in page
    assert "Från nätverkets enkät" in page
    answers = {e.title: e for e in sheets.survey_answers(app, network_id(app, network))}
    malmo = answers["Enkätsvar: Personec P hos Malmö stad"]
    assert (malmo.satisfaction, malmo.recommend, malmo.in_use_since) == (4, 8, 2012)
    assert (malmo.sector, malmo.size_band, malmo.employees_paid) == ("kommun", "5000+", 12000)
    assert malmo.visibility == "networks" and malmo.author_id is None
    lund = answers["Enkätsvar: Personec P hos Lunds kommun"]
    assert lund.satisfaction == 4 and lund.considering_switch_to.name == "Heroma"
    assert answers["Enkätsvar: Heroma hos Region Skåne"].satisfaction == 5


def test_a_second_import_of_the_same_file_adds_and_changes_nothing(app, client, network):
    sheets.imported(client, network, sheets.csv_bytes())
    with app.app_context():
        log_rows = db.session.scalar(select(func.count()).select_from(ChangeLogEntry))
        experiences = db.session.scalar(select(func.count()).select_from(Experience))
    review = sheets.uploaded(client, network, sheets.csv_bytes())
    page = text_of(client.get(review))
    assert "0 nya svar · 0 uppdateras · 3 oförändrade" in page
    sheets.confirm(client, review)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Experience)) == experiences
        assert db.session.scalar(select(func.count()).select_from(ChangeLogEntry)) == log_rows
    done = sheets.last_import(app)
    assert (done.rows_created, done.rows_updated, done.rows_unchanged) == (0, 0, 3)


@pytest.mark.parametrize("content, described", [
    (sheets.csv_bytes(encoding="utf-8"), "CSV, semikolon, UTF-8"),
    (sheets.csv_bytes(encoding="utf-8", bom=True, separator=","), "CSV, komma, UTF-8 med BOM"),
    (sheets.csv_bytes(encoding="utf-8", separator="\t"), "CSV, tabb, UTF-8"),
    (sheets.csv_bytes(encoding="cp1252", separator=","), "CSV, komma, Windows-1252"),
], ids=["utf8-semicolon", "bom-utf8-comma", "utf8-tab", "cp1252-comma"])
def test_each_encoding_and_separator_reads_the_same_answers(app, client, network, content,
                                                            described):
    review = sheets.uploaded(client, network, content)
    page = text_of(client.get(review))
    assert described in page
    assert "Malmö stad" in page and "Lunds kommun" in page and "Region Skåne" in page
    assert "3 nya svar" in page and "4 rader med fel" in page
    sheets.confirm(client, review)
    names = sorted(e.organisation_id and e.title for e in
                   sheets.survey_answers(app, network_id(app, network)))
    assert names == ["Enkätsvar: Heroma hos Region Skåne",
                     "Enkätsvar: Personec P hos Lunds kommun",
                     "Enkätsvar: Personec P hos Malmö stad"]


def test_an_xlsx_workbook_imports_like_the_csv(app, client, network):
    review = sheets.uploaded(client, network, sheets.xlsx_bytes(), "enkat.xlsx")
    page = text_of(client.get(review))
    assert "Excel (.xlsx)" in page
    for number, why in sheets.BROKEN.items():
        assert f"Rad {number}" in page and why in page
    sheets.confirm(client, review)
    answers = sheets.survey_answers(app, network_id(app, network))
    assert len(answers) == 3
    assert {e.satisfaction for e in answers} == {4, 5}
    # The same sheet as CSV afterwards is the same answers: nothing changes.
    review = sheets.uploaded(client, network, sheets.csv_bytes())
    assert "3 oförändrade" in text_of(client.get(review))


def _sheet(*rows, headers=("Organisation", "Sektor", "Storlek", "Lönesystem", "Nöjdhet")):
    return sheets.csv_bytes(rows=[list(row) for row in rows], headers=list(headers))


def test_a_later_sheet_updates_the_answers_and_keeps_their_history(app, client, network):
    slug_id = network_id(app, network)
    sheets.imported(client, network, _sheet(
        ("Malmö stad", "Kommun", "5000+", "Personec P", "3"),
        ("Region Skåne", "Region", "5000+", "Heroma", "4")))
    review = sheets.uploaded(client, network, _sheet(
        ("malmö STAD", "Kommun", "5000+", "Personec P", "5"),
        ("Region Skåne", "Region", "5000+", "Personec P", "2")))
    page = text_of(client.get(review))
    assert "Nöjdhet: 3 → 5" in page
    assert "Byter system: Heroma → Personec P" in page
    sheets.confirm(client, review)
    done = sheets.last_import(app)
    assert (done.rows_created, done.rows_updated, done.rows_unchanged) == (0, 2, 0)
    answers = sheets.survey_answers(app, slug_id)
    malmo = [e for e in answers if e.organisation.name == "Malmö stad"]
    assert len(malmo) == 1 and malmo[0].satisfaction == 5
    with app.app_context():
        history = db.session.scalars(select(SatisfactionHistory.satisfaction).where(
            SatisfactionHistory.experience_id == malmo[0].id)).all()
    assert history == [3]
    # Region Skåne moved to Personec P: the Heroma answer stays, as the system used before.
    skane = {e.system.name: e for e in answers if e.organisation.name == "Region Skåne"}
    assert skane["Heroma"].usage_status == "former"
    assert skane["Personec P"].usage_status == "current"
    assert skane["Personec P"].switched_from.name == "Heroma"
    page = text_of(client.get(f"/networks/{network}"))
    network_table = page.split('id="kor-heading"')[1].split('id="per-system-heading"')[0]
    assert "Heroma" not in network_table


def test_the_leader_corrects_the_mapping_and_it_is_kept(app, client, network):
    content = _sheet(("Malmö stad", "Personec P", "8", "ok"),
                     ("Lunds kommun", "Heroma", "10", ""),
                     headers=("Medlem", "Vad kör ni?", "Poäng", "Anteckning"))
    review = sheets.uploaded(client, network, content)
    page = text_of(client.get(review))
    # Nothing names the organisation, the system or the satisfaction: every row says so.
    assert "Organisation saknas" in page and "0 nya svar" in page
    form = {"column_organisation": "0", "column_system": "1", "column_satisfaction": "2",
            "column_comment": "3", "scale": "auto", "role": "lonechef", "sector": "kommun",
            "size": "1000-4999"}
    response = post(client, review, form, page=review)
    assert response.status_code == 302
    page = text_of(client.get(review))
    # 8 and 10 are on the 1–10 scale: halved upwards.
    assert "8 av 10 → 4" in page and "10 av 10 → 5" in page and "2 nya svar" in page
    assert "Läst som CSV" in page
    # A required column left out, and one column chosen twice, are refused with a reason.
    response = post(client, review, {**form, "column_system": "", "column_comment": "0"},
                    page=review)
    assert response.status_code == 422
    page = text_of(response)
    assert "Välj kolumnen för lönesystem." in page
    assert "Samma kolumn som för Organisation." in page
    # What was saved before is still the mapping.
    assert "2 nya svar" in text_of(client.get(review))


def test_unknown_systems_are_mapped_or_proposed_by_the_leader(app, client, network, catalogue):
    review = sheets.uploaded(client, network, _sheet(
        ("Malmö stad", "Kommun", "5000+", "HEROMA lön", "4"),
        ("Lunds kommun", "Kommun", "1000-4999", "Lönix 2000", "3")))
    page = text_of(client.get(review))
    assert "Okända system" in page and "”HEROMA lön”" in page and "”Lönix 2000”" in page
    names = dict(__import__("re").findall(r'<label for="(system_[0-9a-f]+)">”([^”]+)”', page))
    by_name = {name: field for field, name in names.items()}
    form = {f"column_{name}": str(i) for i, name in
            enumerate(("organisation", "sector", "size", "system", "satisfaction"))}
    form.update({"scale": "auto", "role": "lonechef", "sector": "", "size": "",
                 by_name["HEROMA lön"]: str(catalogue["heroma"]),
                 by_name["Lönix 2000"]: "propose"})
    assert post(client, review, form, page=review).status_code == 302
    page = text_of(client.get(review))
    assert "Lönix 2000 (föreslås som nytt system)" in page and "2 nya svar" in page
    sheets.confirm(client, review)
    answers = {e.organisation.name: e for e in
               sheets.survey_answers(app, network_id(app, network))}
    assert answers["Malmö stad"].system.name == "Heroma"
    assert (answers["Lunds kommun"].system.name, answers["Lunds kommun"].system.status) == \
        ("Lönix 2000", "pending")
    # The same sheet again finds what it proposed: nothing changes.
    again = sheets.uploaded(client, network, _sheet(
        ("Malmö stad", "Kommun", "5000+", "Heroma", "4"),
        ("Lunds kommun", "Kommun", "1000-4999", "Lönix 2000", "3")))
    assert "2 oförändrade" in text_of(client.get(again))


def test_a_member_of_a_listed_organisation_claims_its_answer(app, client, auth, factory,
                                                             network):
    sheets.imported(client, network, _sheet(
        ("Lunds kommun", "Kommun", "1000-4999", "Heroma", "3")), visibility="members")
    answer = sheets.survey_answers(app, network_id(app, network))[0]
    auth.logout()
    # Every member reads it once a moderator approved the import.
    factory.user(email="moa@kb.se", site_role="moderator")
    auth.login("moa@kb.se")
    assert sheets.review(client, sheets.last_import(app).id).status_code == 302
    auth.logout()
    # Anna's link to Lunds kommun is verified (a moderator confirmed it): typing the name
    # is not enough (tests/web/networks/test_claim_needs_verified_organisation.py).
    factory.member("anna@lund.se", "Anna Lönechef", "Lunds Kommun",
                   organisation_verified_by="moderator",
                   organisation_verified_at=datetime(2025, 1, 1))
    factory.member("olle@malmo.se", "Olle Annan", "Malmö stad")
    auth.login("olle@malmo.se")
    page = text_of(client.get(f"/experiences/{answer.id}"))
    assert "Lunds kommun – Från nätverkets enkät" in page
    assert "Ta över svaret" not in page
    refused = post(client, f"/experiences/{answer.id}/claim", page=f"/experiences/{answer.id}")
    assert refused.status_code == 403
    auth.logout()
    # Writing the organisation's name when joining is not enough: the address must be
    # confirmed too.
    factory.member("ny@lund.se", "Ny Okänd", "Lunds kommun", confirmed=False)
    auth.login("ny@lund.se")
    assert "Ta över svaret" not in text_of(client.get(f"/experiences/{answer.id}"))
    refused = post(client, f"/experiences/{answer.id}/claim", page=f"/experiences/{answer.id}")
    assert refused.status_code == 403
    auth.logout()
    auth.login("anna@lund.se")
    page = text_of(client.get(f"/experiences/{answer.id}"))
    assert "Ta över svaret" in page
    response = post(client, f"/experiences/{answer.id}/claim", page=f"/experiences/{answer.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    page = text_of(client.get(f"/experiences/{answer.id}"))
    assert "Anna Lönechef" in page and "Från nätverkets enkät" not in page
    assert client.get(f"/experiences/{answer.id}/edit").status_code == 200
    # A later sheet leaves the member's experience alone.
    auth.logout()
    auth.login("ledare@malmo.se")
    review = sheets.uploaded(client, network, _sheet(
        ("Lunds kommun", "Kommun", "1000-4999", "Heroma", "1")))
    assert "Övertagen av en medlem – ändras inte" in text_of(client.get(review))
    sheets.confirm(client, review)
    with app.app_context():
        assert db.session.get(Experience, answer.id).satisfaction == 3


def test_survey_answers_count_in_kb_figures_marked_so_a_reader_can_leave_them_out(
        app, client, auth, factory, network, catalogue):
    rows = [(f"Kommun {n}", "Kommun", "1000-4999", "Heroma", "2") for n in range(5)]
    sheets.imported(client, network, _sheet(*rows), visibility="public")
    auth.logout()
    # They count once a moderator approved the import
    # (tests/web/networks/test_survey_review.py).
    factory.user(email="moa@kb.se", site_role="moderator")
    auth.login("moa@kb.se")
    assert sheets.review(client, sheets.last_import(app).id).status_code == 302
    auth.logout()
    for n in range(5):
        writer = factory.user(email=f"skribent{n}@kb.se")
        factory.experience(writer, catalogue["heroma"], satisfaction=5)
    with_survey = html.unescape(main_content(client.get("/systems/heroma")))
    without = html.unescape(main_content(client.get("/systems/heroma?nosurvey=1")))
    assert "Utan nätverkens enkätsvar" in with_survey
    # Five answers of 2 and five of 5: 3,5 with the survey, 5,0 without.
    assert "3,5" in with_survey and "3,5" not in without
    assert "5,0" in without
    # The API names where a survey answer comes from, as the pages do.
    answer = sheets.survey_answers(app, network_id(app, network))[0]
    found = client.get(f"/api/v1/experiences/{answer.id}").get_json()
    assert "Från nätverkets enkät" in found["author"] and "Kommun 0" in found["author"]


def test_survey_answers_shared_with_the_network_count_only_for_its_members(
        app, client, auth, factory, network, catalogue):
    rows = [(f"Kommun {n}", "Kommun", "1000-4999", "Heroma", "2") for n in range(5)]
    sheets.imported(client, network, _sheet(*rows))
    page = text_of(client.get(f"/networks/{network}"))
    assert "Kommun 4" in page and page.count("Enkätsvar") >= 5
    # The summary per system counts the five organisations' answers.
    summary = page.split('id="per-system-heading"')[1].split("</table>")[0]
    assert "Heroma" in summary and ">5<" in summary and "2,0" in summary
    auth.logout()
    assert "Kommun 4" not in text_of(client.get("/search?q=Heroma"))
    assert "för få svar" in text_of(client.get("/systems/heroma"))


def test_imports_and_claims_are_in_the_audit_log(app, client, auth, factory, network):
    sheets.imported(client, network, sheets.csv_bytes(), "enkat-var.csv")
    auth.logout()
    factory.user(email="admin@kb.se", site_role="admin")
    auth.login("admin@kb.se")
    page = text_of(client.get("/admin/audit?object_type=survey_import"))
    assert "Importerade nätverkets enkät" in page
    assert ("enkat-var.csv: 3 nya svar, 0 uppdaterade, 0 oförändrade och 4 rader som inte "
            "importerades.") in page

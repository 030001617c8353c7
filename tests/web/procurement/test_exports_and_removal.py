"""The network overview's CSV and XLSX say when each organisation's contract ends, as the
network page shows it to the one downloading; a moderator removes a shared requirement
list (and its document) with a reason the audit log keeps."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kb.extensions import db
from kb.models import AuditLog, ProcurementRequirement
from kb.procurement import this_year
from tests.support.pages import post

# --------------------------------------------------------------------------- exports


@pytest.fixture
def network(factory):
    year = this_year()
    heroma = factory.system(slug="heroma", name="Heroma")
    with factory.batch():
        people = {}
        for key, name in (("a", "Alby kommun"), ("b", "Bby kommun"), ("c", "Cby kommun"),
                          ("d", "Dby kommun")):
            people[key] = factory.user(email=f"{key}@kb.se",
                                       organisation_id=factory.organisation(name))
        factory.user(email="outsider@kb.se")
        factory.network(slug="vast", name="Väst", members={people["a"]: "leader",
                                                          people["b"]: "member",
                                                          people["c"]: "member",
                                                          people["d"]: "member"})
        factory.network_experience(people["a"], heroma, contract_end_year=year + 2,
                                   contract_end_month=6, procurement_route="adda")
        factory.network_experience(people["b"], heroma, contract_end_year=year + 1,
                                   contract_audience="private")
        factory.network_experience(people["c"], heroma, anonymous=True,
                                   contract_end_year=year + 3)
        factory.network_experience(people["d"], heroma)
    return year


def _csv_rows(client) -> dict[str, list[str]]:
    response = client.get("/networks/vast/overview.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8").lstrip("\ufeff")),
                           delimiter=";"))
    heading = rows.index(next(row for row in rows if row and row[0] == "Organisation"))
    assert rows[heading][-1] == "Avtalet löper ut"
    found = {}
    for row in rows[heading + 1:]:
        if not row:
            break
        found[row[0]] = row
    return found


def test_the_overview_files_say_when_each_organisations_contract_ends(client, auth, network):
    year = network
    auth.login("d@kb.se")
    page = client.get("/networks/vast").text
    assert f"juni {year + 2}" in page
    rows = _csv_rows(client)
    assert rows["Alby kommun"][-1] == f"juni {year + 2}"
    # Facts their author keeps to herself are not for the others; none given: empty.
    assert rows["Bby kommun"][-1] == "" and rows["Dby kommun"][-1] == ""
    # An anonymous answer is no row, and its year is nowhere.
    assert "Cby kommun" not in rows
    assert str(year + 3) not in "".join(";".join(row) for row in rows.values())
    workbook = load_workbook(io.BytesIO(client.get("/networks/vast/overview.xlsx").data))
    sheet = workbook["Organisationer"]
    assert [cell.value for cell in sheet[2]][-1] == "Avtalet löper ut"
    by_name = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert by_name["Alby kommun"][-1] == f"juni {year + 2}"
    assert by_name["Bby kommun"][-1] in (None, "")


def test_the_author_sees_her_own_contract_in_the_files(client, auth, network):
    auth.login("b@kb.se")
    assert _csv_rows(client)["Bby kommun"][-1] == str(network + 1)


def test_outsiders_get_no_file(client, auth, network):
    auth.login("outsider@kb.se")
    assert client.get("/networks/vast/overview.csv").status_code in (302, 403, 404)


# --------------------------------------------------------------------------- removal


@pytest.fixture
def shared(app, factory):
    with factory.batch():
        author = factory.user(email="author@kb.se")
        factory.user(email="member@kb.se")
        factory.user(email="moderator@kb.se", site_role="moderator")
    with app.app_context():
        requirement = ProcurementRequirement(
            author_id=author, title="Kravlista med olämpligt innehåll",
            items='{"agi": "must"}', visibility="public", document_key="d" * 30,
            document_type="pdf", document_name="krav.pdf", document_size=9)
        db.session.add(requirement)
        folder = Path(app.config["PROCUREMENT_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        document = folder / f"{'d' * 30}.pdf"
        document.write_bytes(b"%PDF-1.7\n")
        db.session.commit()
        return requirement.id, document


def _audit(app) -> list[AuditLog]:
    with app.app_context():
        return db.session.scalars(select(AuditLog).where(
            AuditLog.action == "requirement.remove")).all()


def test_a_moderator_removes_a_list_with_a_reason_for_the_log(app, client, auth, shared):
    requirement_id, document = shared
    url = f"/upphandling/krav/{requirement_id}"
    auth.login("moderator@kb.se")
    page = client.get(url).text
    assert "Varför tas kravlistan bort?" in page and "(moderator)" in page
    # Without a reason nothing is removed, and the page says why.
    response = post(client, f"{url}/ta-bort", {"reason": "  "}, page=url)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert "Skriv varför kravlistan tas bort" in client.get(url).text
    assert document.exists() and _audit(app) == []
    response = post(client, f"{url}/ta-bort", {"reason": "Innehåller personuppgifter."},
                    page=url)
    assert response.status_code == 302
    assert client.get(url).status_code == 404
    assert not document.exists()
    entries = _audit(app)
    assert len(entries) == 1
    assert entries[0].object_type == "procurement_requirement"
    assert entries[0].object_id == requirement_id
    assert "Innehåller personuppgifter." in entries[0].reason
    assert "Kravlista med olämpligt innehåll" in entries[0].reason
    # The audit log page names the action in Swedish.
    assert "Tog bort delad kravlista" in client.get("/admin/audit").text


def test_another_member_may_not_remove_it_the_author_needs_no_reason(app, client, auth,
                                                                      shared):
    requirement_id, document = shared
    url = f"/upphandling/krav/{requirement_id}"
    auth.login("member@kb.se")
    assert "Ta bort kravlistan" not in client.get(url).text
    assert post(client, f"{url}/ta-bort", {"reason": "Vill bara"}).status_code == 403
    assert document.exists()
    auth.logout()
    auth.login("author@kb.se")
    page = client.get(url).text
    assert "Ta bort kravlistan" in page and "Varför tas kravlistan bort?" not in page
    assert post(client, f"{url}/ta-bort", page=url).status_code == 302
    assert client.get(url).status_code == 404 and not document.exists()
    assert _audit(app) == []

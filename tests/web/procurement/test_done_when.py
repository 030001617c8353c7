"""Issue 27's "Done when", end to end through the pages: a member records a contract
ending next year, called off from a framework agreement, and says she is open to
procuring together; another open member whose contract ends the year after finds her
and writes to her without either address shown; a member who is not open and a
visitor see neither; the procurement view of kommuner 1 000–4 999 shows contracts
ending per year and system, hiding counts below the minimum; the API gives the same
figures."""

from __future__ import annotations

import re

from openapi_core import OpenAPI
from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience, ProcurementMessage
from kb.procurement import this_year
from kb.web.openapi import openapi_document
from tests.support.checks import checked_get
from tests.support.pages import full_form, main_content, outbox, post, post_form

ANNA = "anna@exempelby.se"
BERIT = "berit@grannby.se"
CECILIA = "cecilia@tredjeby.se"


def _contract_form(system_id, other_id, year, **fields):
    data = full_form(system_id, other_id, other_id)
    data.update(sector="kommun", size_band="1000-4999", anonymous="", visibility="members",
                contract_end_year=str(year), contract_end_month="3",
                contract_extension="2+1 år", procurement_route="adda",
                next_procurement_year=str(year - 1), contract_audience="same")
    data.update(fields)
    return data


def _open(client, year_from, year_to, **fields):
    page = client.get("/upphandling/partner")
    experience = re.search(r'<option[^>]*value="(\d+)"', page.text.split('id="experience_id"')[1])
    data = {"experience_id": experience.group(1), "year_from": str(year_from),
            "year_to": str(year_to), **fields}
    return post(client, "/upphandling/partner", data, page="/upphandling/partner")


def test_partners_find_each_other_and_write_without_addresses(client, factory, auth, app):
    year = this_year()
    heroma = factory.system(slug="heroma", name="Heroma")
    personec = factory.system(slug="personec-p", name="Personec P")
    anna = factory.member(ANNA, "Anna Andersson", "Exempelby kommun")
    berit = factory.member(BERIT, "Berit Berg", "Grannby kommun")
    factory.member(CECILIA, "Cecilia Ceder", "Tredjeby kommun")
    factory.experience(berit, personec, contract_end_year=year + 2, procurement_route="own")
    earlier = factory.experience(anna, heroma)

    # Anna records her contract by updating her answer through the experience form: it
    # ends next year, called off from Adda's framework agreement.
    auth.login(ANNA)
    response = post_form(client, f"/experiences/{earlier}/edit",
                         _contract_form(heroma, personec, year + 1))
    assert response.status_code == 302, response.text
    page = client.get(response.headers["Location"])
    assert f"mars {year + 1}" in page.text
    assert "Avrop från ramavtal – Adda" in page.text and "2+1 år" in page.text

    # Before she is open she sees no one, only how to become open.
    before = client.get("/upphandling/partner")
    assert before.status_code == 200
    assert "Så blir ni synliga för andra" in before.text
    assert "Möjliga samarbetspartner" not in before.text
    assert _open(client, year + 1, year + 2).status_code == 302
    auth.logout()

    # Berit, open for the year after next, finds Anna – by sector, size and system only.
    auth.login(BERIT)
    assert _open(client, year + 1, year + 3).status_code == 302
    listing = client.get("/upphandling/partner")
    content = main_content(listing)
    assert "Heroma" in content and str(year + 1) in content
    assert "Avrop från ramavtal – Adda" in content
    assert "Exempelby" not in content and "Anna" not in content and ANNA not in content
    write = re.search(r'href="(/upphandling/partner/\d+/meddelande)"', listing.text).group(1)
    sent = post(client, write, {"body": "Hej! Vi upphandlar också snart. Ska vi prata?"},
                page=write)
    assert sent.status_code == 302
    auth.logout()

    # The message reaches Anna by mail, with neither address in it.
    [mail] = outbox(app, kind="procurement_message")
    assert mail.recipient == ANNA
    assert "Ska vi prata?" in mail.text
    for secret in (ANNA, BERIT, "Berit", "Grannby"):
        assert secret not in mail.text and secret not in mail.html
        assert secret not in mail.subject
    assert "\n" not in mail.subject and mail.headers == {}
    with app.app_context():
        message_id = db.session.scalar(select(ProcurementMessage.id))
    assert f"/upphandling/meddelanden/{message_id}" in mail.text

    # Cecilia is not open: she sees neither Anna nor the message.
    auth.login(CECILIA)
    page = client.get("/upphandling/partner")
    assert "Möjliga samarbetspartner" not in page.text and "Heroma" not in main_content(page)
    assert client.get(write).status_code == 403
    assert client.get(f"/upphandling/meddelanden/{message_id}").status_code == 404
    auth.logout()

    # A visitor is sent to log in.
    for path in ("/upphandling/partner", write, f"/upphandling/meddelanden/{message_id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]

    # Anna answers: only then do both get each other's address.
    auth.login(ANNA)
    reading = client.get(f"/upphandling/meddelanden/{message_id}")
    assert BERIT not in reading.text
    answered = post(client, f"/upphandling/meddelanden/{message_id}",
                    {"body": "Gärna! Hör av dig."}, page=f"/upphandling/meddelanden/{message_id}")
    assert answered.status_code == 302
    contacts = {m.recipient: m for m in outbox(app, kind="procurement_contact")}
    assert BERIT in contacts[ANNA].text and ANNA in contacts[BERIT].text
    assert BERIT in client.get(f"/upphandling/meddelanden/{message_id}").text


def _segment(factory, year):
    """Kommuner of 1 000–4 999: six on Heroma ending next year, two on Personec P ending
    next year, five on Personec P ending the year after; a region on Heroma."""
    heroma = factory.system(slug="heroma", name="Heroma")
    personec = factory.system(slug="personec-p", name="Personec P")
    with factory.batch():
        n = 0
        for system, end, count in ((heroma, year + 1, 6), (personec, year + 1, 2),
                                   (personec, year + 2, 5)):
            for _ in range(count):
                n += 1
                organisation = factory.organisation(f"Kommun {n}")
                member = factory.user(organisation_id=organisation)
                factory.experience(member, system, organisation_id=organisation,
                                   contract_end_year=end,
                                   procurement_route="adda" if n % 2 else "own")
        region = factory.organisation("Region Exempel", sector="region", size_band="5000+")
        member = factory.user(organisation_id=region)
        factory.experience(member, heroma, sector="region", size_band="5000+",
                           organisation_id=region, contract_end_year=year + 1)
    return heroma, personec


def test_the_procurement_view_per_year_and_system(client, factory):
    year = this_year()
    _segment(factory, year)
    page = client.get("/upphandling?sector=kommun&size=1000-4999")
    assert page.status_code == 200
    table = page.text.split('class="data-table contract-ends"')[1].split("</table>")[0]
    heroma = table.split("Heroma</a></th>")[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", heroma)
    assert cells[:3] == ["0", "6", "0"]
    personec = table.split("Personec P</a></th>")[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", personec)
    assert cells[:3] == ["0", "färre än 5", "5"]
    # Next year's total (8) would give Personec P's 2 away: withheld as well.
    totals = re.findall(r"<td[^>]*>([^<]*)</td>", table.split("<tfoot>")[1])
    assert totals[:3] == ["0", "visas inte", "5"]
    assert "<svg" in page.text and "Avtal som löper ut per år" in page.text
    # The region is not in the segment; every organisation is.
    everyone = client.get("/upphandling")
    assert "8 organisationer i urvalet" not in everyone.text


def test_the_api_gives_the_same_figures(client, factory):
    year = this_year()
    _segment(factory, year)
    spec = OpenAPI.from_dict(openapi_document())
    body = checked_get(client, spec, "/api/v1/procurement?sector=kommun&size=1000-4999").json
    assert body["years"][:3] == [year, year + 1, year + 2]
    by_slug = {row["system"]["slug"]: row for row in body["systems"]}
    heroma = [cell["organisations"] for cell in by_slug["heroma"]["years"]][:3]
    personec = [(cell["organisations"], cell["too_few"])
                for cell in by_slug["personec-p"]["years"]][:3]
    assert heroma == [0, 6, 0]
    assert personec == [(0, False), (None, True), (5, False)]
    totals = [(cell["organisations"], cell["withheld"]) for cell in body["totals"]][:3]
    assert totals == [(0, False), (None, True), (5, False)]
    assert body["organisations"] == 13
    assert checked_get(client, spec, "/api/v1/procurement?sector=nope").status_code == 400


def test_a_system_page_says_when_its_customers_contracts_end(client, factory):
    year = this_year()
    _segment(factory, year)
    page = client.get("/systems/personec-p?sector=kommun&size=1000-4999")
    assert f"7 organisationers avtal löper ut {year}–{year + 2}" in page.text


def test_private_contract_facts_count_nowhere_and_show_to_the_author_only(client, factory,
                                                                          auth, app):
    year = this_year()
    heroma = factory.system(slug="heroma", name="Heroma")
    author = factory.member(ANNA, "Anna Andersson", "Exempelby kommun")
    factory.member(BERIT, "Berit Berg", "Grannby kommun")
    experience = factory.experience(author, heroma, contract_end_year=year + 1,
                                    contract_audience="private", procurement_route="adda")
    with app.app_context():
        assert db.session.get(Experience, experience).contract_audience == "private"
    assert "Avtalet löper ut" not in client.get(f"/experiences/{experience}").text
    auth.login(BERIT)
    assert "Avtalet löper ut" not in client.get(f"/experiences/{experience}").text
    assert client.get("/api/v1/procurement").json["known"] == 0
    assert client.get(f"/api/v1/experiences/{experience}").json["contract"] is None
    auth.logout()
    auth.login(ANNA)
    assert "Avtalet löper ut" in client.get(f"/experiences/{experience}").text


def test_an_anonymous_answer_keeps_its_partners_and_month_to_its_author(client, factory, auth):
    year = this_year()
    heroma = factory.system(slug="heroma", name="Heroma")
    author = factory.member(ANNA, "Anna Andersson", "Exempelby kommun")
    experience = factory.experience(author, heroma, anonymous=True, contract_end_year=year + 1,
                                    contract_end_month=4, procurement_route="joint",
                                    procured_with="Grannby kommun och Tredjeby kommun")
    page = client.get(f"/experiences/{experience}")
    assert f">{year + 1}<" in page.text
    assert "Grannby" not in page.text and "april" not in page.text
    api = client.get(f"/api/v1/experiences/{experience}").json["contract"]
    assert api["end_year"] == year + 1 and api["end_month"] is None
    assert api["procured_with"] is None
    auth.login(ANNA)
    page = client.get(f"/experiences/{experience}")
    assert "Grannby kommun och Tredjeby kommun" in page.text and f"april {year + 1}" in page.text


def test_the_csv_and_the_decision_report_carry_the_same_counts(client, factory):
    year = this_year()
    _segment(factory, year)
    csv = client.get("/upphandling/avtal.csv?sector=kommun&size=1000-4999")
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:4] == ["Lönesystem", str(year), str(year + 1), str(year + 2)]
    assert "Personec P;0;färre än 5;5;0;0;0" in lines
    assert "Heroma;0;6;0;0;0;0" in lines
    report = client.get("/compare/report?s=heroma&s=personec-p&sector=kommun&size=1000-4999")
    assert report.status_code == 200
    section = report.text.split("Avtal som löper ut</h3>")[1].split("</ul>")[0]
    assert f"Heroma: 6 organisationers avtal löper ut {year}–{year + 1}" in section
    assert f"Personec P: 7 organisationers avtal löper ut {year}–{year + 2}" in section

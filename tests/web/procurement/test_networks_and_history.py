"""A network's members see when their organisations' contracts end (one row per
organisation), the survey import reads a contract-end column, and an update or a
confirmation keeps the contract facts stated before."""

from __future__ import annotations

from sqlalchemy import select

from kb.extensions import db
from kb.models import ContractHistory
from kb.procurement import this_year
from tests.support import sheets
from tests.support.pages import full_form, network_id, post, post_form, start_network


def test_a_networks_members_see_when_each_organisations_contract_ends(client, factory, auth):
    year = this_year()
    heroma = factory.system(slug="heroma", name="Heroma")
    with factory.batch():
        members = {}
        for name, email in (("Alby kommun", "a@alby.se"), ("Bby kommun", "b@bby.se"),
                            ("Cby kommun", "c@cby.se")):
            organisation = factory.organisation(name)
            members[email] = (factory.user(email=email, organisation_id=organisation),
                              organisation)
        factory.user(email="outsider@x.se")
        network = factory.network(slug="vast", name="Väst",
                                  members={members["a@alby.se"][0]: "leader",
                                           members["b@bby.se"][0]: "member",
                                           members["c@cby.se"][0]: "member"})
        user, organisation = members["a@alby.se"]
        factory.experience(user, heroma, organisation_id=organisation, visibility="members",
                           contract_end_year=year + 2, contract_end_month=6,
                           procurement_route="joint", procured_with="Bby kommun")
        user, organisation = members["b@bby.se"]
        factory.experience(user, heroma, organisation_id=organisation, anonymous=True,
                           contract_end_year=year + 1)
        user, organisation = members["c@cby.se"]
        factory.experience(user, heroma, organisation_id=organisation,
                           contract_end_year=year + 3, contract_audience="private")
    auth.login("b@bby.se")
    page = client.get("/networks/vast")
    section = page.text.split("När löper medlemmarnas avtal ut?")[1].split("</section>")[0]
    assert "Alby kommun" in section and f"juni {year + 2}" in section
    assert "Samordnad upphandling" in section
    # An anonymous answer is no row; nor are facts its author keeps to herself.
    assert "Bby kommun</th>" not in section and "Cby" not in section
    auth.logout()
    auth.login("outsider@x.se")
    assert "När löper medlemmarnas avtal ut?" not in client.get("/networks/vast").text
    assert network


def test_the_survey_import_reads_when_contracts_end(client, factory, auth, app):
    year = this_year()
    factory.system(slug="heroma", name="Heroma", vendor="CGI")
    factory.member("ledare@malmo.se", "Lena Ledare", "Malmö stad")
    auth.login("ledare@malmo.se")
    slug = start_network(client, "Lönechefer i väst")
    sheets.imported(client, slug, sheets.csv_bytes(
        rows=[["Kungälvs kommun", "Kommun", "1000-4999", "Heroma", "3", str(year + 2)]],
        headers=["Organisation", "Sektor", "Storlek", "Lönesystem", "Nöjdhet",
                 "När löper avtalet ut?"]))
    [answer] = sheets.survey_answers(app, network_id(app, slug))
    assert answer.contract_end_year == year + 2
    page = client.get(f"/networks/{slug}")
    assert "Kungälvs kommun" in page.text.split("När löper medlemmarnas avtal ut?")[1]

    review = sheets.uploaded(client, slug, sheets.csv_bytes(
        rows=[["Kungälvs kommun", "Kommun", "1000-4999", "Heroma", "3", "nästa år"]],
        headers=["Organisation", "Sektor", "Storlek", "Lönesystem", "Nöjdhet",
                 "Avtalet löper ut"]))
    assert "Avtalets slut ”nästa år” är inget årtal." in client.get(review).text


def test_updating_and_confirming_keep_the_contract_stated_before(client, factory, auth, app):
    year = this_year()
    heroma = factory.system(slug="heroma", name="Heroma")
    with factory.batch():
        organisation = factory.organisation("Exempelby kommun")
        factory.user(email="anna@a.se", organisation_id=organisation)
    auth.login("anna@a.se")
    from tests.support.pages import user_id
    experience = factory.experience(user_id(app, "anna@a.se"), heroma,
                                    organisation_id=organisation, contract_end_year=year + 1,
                                    procurement_route="adda")
    post(client, f"/experiences/{experience}/confirm", page=f"/experiences/{experience}")
    data = full_form(heroma, factory.system(), factory.system())
    data.update(contract_end_year=str(year + 3), procurement_route="own", anonymous="")
    assert post_form(client, f"/experiences/{experience}/edit", data).status_code == 302
    with app.app_context():
        kept = db.session.scalars(select(ContractHistory).order_by(ContractHistory.id)).all()
        assert [(k.change, k.contract_end_year, k.procurement_route) for k in kept] == [
            ("confirmed", year + 1, "adda"), ("updated", year + 1, "adda")]
    page = client.get(f"/experiences/{experience}")
    assert "Tidigare uppgifter om avtalet" in page.text
    assert f"löper ut {year + 1}" in page.text and f">{year + 3}<" in page.text

"""Taking over an organisation's survey answer needs a verified link to that
organisation: typing its name into the profile is not enough, a moderator's or a
leader's confirmation or a confirmed address at its domain is – and the page says
what is missing."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import AuditLog, Experience, NetworkMembership, User
from tests.support import sheets
from tests.support.pages import network_id, post, start_network, user_id

NOT_VERIFIED = "Din koppling till organisationen är inte verifierad"


@pytest.fixture
def answer(app, client, auth, factory):
    """Kungälvs kommun's answer in a network's survey, for every member to read once a
    moderator approved the import; nobody is logged in."""
    factory.system(slug="heroma", name="Heroma", vendor="CGI")
    factory.member("ledare@malmo.se", "Lena Ledare", "Malmö stad")
    factory.user(email="moa@kb.se", display_name="Moa Moderator", site_role="moderator")
    auth.login("ledare@malmo.se")
    slug = start_network(client, "Lönechefer i väst")
    sheets.imported(client, slug, sheets.csv_bytes(
        rows=[["Kungälvs kommun", "Kommun", "1000-4999", "Heroma", "3"]],
        headers=["Organisation", "Sektor", "Storlek", "Lönesystem", "Nöjdhet"]),
        visibility="members")
    auth.logout()
    # Shared beyond the network once a moderator approves the import.
    auth.login("moa@kb.se")
    assert sheets.review(client, sheets.last_import(app).id).status_code == 302
    auth.logout()
    return sheets.survey_answers(app, network_id(app, slug))[0]


@pytest.fixture
def member(factory, answer):
    """A member of kb by name and typed organisation, in the survey's network (so they
    read its answers); their id."""
    def make(email: str, name: str, organisation: str, **fields) -> int:
        made = factory.member(email, name, organisation, **fields)
        factory.membership(answer.survey_network_id, made)
        return made
    return make


def text_of(response) -> str:
    return html.unescape(response.text)


def claim(client, experience_id: int):
    page = f"/experiences/{experience_id}"
    return post(client, f"{page}/claim", page=page)


def unchanged(app, experience_id: int) -> bool:
    with app.app_context():
        experience = db.session.get(Experience, experience_id)
        return experience.author_id is None and experience.survey_network_id is not None


def type_organisation(client, name: str):
    """The member writes an organisation's name into their profile on /account."""
    response = post(client, "/account/profile", {
        "profile-display_name": "Olle Olsson", "profile-professional_role": "lonechef",
        "profile-organisation_name": name, "profile-sector": "kommun",
        "profile-size_band": "1000-4999"}, page="/account")
    assert response.status_code == 302, response.text


def test_typing_the_organisations_name_into_the_profile_does_not_allow_a_claim(
        app, client, auth, factory, answer, member):
    member("olle@example.se", "Olle Olsson", "Annat AB")
    auth.login("olle@example.se")
    type_organisation(client, "Kungälvs kommun")
    page = text_of(client.get(f"/experiences/{answer.id}"))
    assert "Ta över svaret" not in page
    # The page says what is missing, to a member who names the organisation.
    assert NOT_VERIFIED in page
    assert "be en moderator eller nätverksledare bekräfta den" in page
    refused = claim(client, answer.id)
    assert refused.status_code == 403
    assert NOT_VERIFIED in text_of(refused)
    assert unchanged(app, answer.id)
    # The profile says the link is not verified, and what to do.
    account = text_of(client.get("/account"))
    assert "Kungälvs kommun</strong> – Inte verifierad" in account
    assert "Be en moderator" in account


def test_a_member_of_another_organisation_is_told_nothing(
        app, client, auth, factory, answer, member):
    member("bo@malmo.se", "Bo Berg", "Malmö stad")
    auth.login("bo@malmo.se")
    page = text_of(client.get(f"/experiences/{answer.id}"))
    assert "Ta över svaret" not in page and NOT_VERIFIED not in page
    assert claim(client, answer.id).status_code == 403
    assert unchanged(app, answer.id)


def test_after_a_moderator_confirms_the_organisation_the_claim_works(
        app, client, auth, factory, answer, member):
    olle = member("olle@example.se", "Olle Olsson", "Kungälvs kommun")
    auth.login("olle@example.se")
    assert claim(client, answer.id).status_code == 403
    auth.logout()
    auth.login("moa@kb.se")
    page = text_of(client.get("/admin/organisations?q=Kung"))
    assert "Olle Olsson" in page and "Inte verifierad" in page
    response = post(client, f"/admin/users/{olle}/organisation/confirm",
                    {"reason": "Ringde kommunen."}, page="/admin/organisations")
    assert response.status_code == 302
    assert "Bekräftad av moderator" in text_of(client.get("/admin/organisations?q=Kung"))
    auth.logout()
    auth.login("olle@example.se")
    assert "Bekräftad av en moderator" in text_of(client.get("/account"))
    page = text_of(client.get(f"/experiences/{answer.id}"))
    assert "Ta över svaret" in page and NOT_VERIFIED not in page
    response = claim(client, answer.id)
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    with app.app_context():
        taken = db.session.get(Experience, answer.id)
        assert taken.author_id == olle
        # It now counts for the organisation Olle is verified at, once with him.
        assert taken.organisation_id == db.session.get(User, olle).organisation_id
        actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"organisation.confirm", "survey.claim"} <= actions


def test_a_confirmed_address_at_the_organisations_domain_allows_the_claim(
        app, client, auth, factory, answer, member):
    auth.login("moa@kb.se")
    response = post(client, f"/admin/organisations/{answer.organisation_id}/domain",
                    {"email_domain": "gmail.com"}, page="/admin/organisations")
    assert "allmän e-posttjänst" in text_of(client.get("/admin/organisations"))
    response = post(client, f"/admin/organisations/{answer.organisation_id}/domain",
                    {"email_domain": "kungalv.se"}, page="/admin/organisations")
    assert response.status_code == 302
    auth.logout()
    # Not confirmed yet: the page says so.
    member("ny@kungalv.se", "Ny Nilsson", "Kungälvs kommun", confirmed=False)
    auth.login("ny@kungalv.se")
    page = text_of(client.get(f"/experiences/{answer.id}"))
    assert "Ta över svaret" not in page and "Bekräfta din e-postadress" in page
    assert claim(client, answer.id).status_code == 403
    assert unchanged(app, answer.id)
    auth.logout()
    # Confirmed at kungalv.se and naming Kungälvs kommun: verified at once.
    member("anna@kungalv.se", "Anna Andersson", "Annat AB")
    auth.login("anna@kungalv.se")
    account = text_of(client.get("/account"))
    assert "som hör till Kungälvs kommun" in account
    assert "Koppla mig till Kungälvs kommun" in account
    type_organisation(client, "Kungälvs Kommun")
    assert "Verifierad via din e-postadress (kungalv.se)" in text_of(client.get("/account"))
    assert "Ta över svaret" in text_of(client.get(f"/experiences/{answer.id}"))
    assert claim(client, answer.id).status_code == 302
    with app.app_context():
        assert db.session.get(Experience, answer.id).author_id == user_id(app, "anna@kungalv.se")


def test_a_leaders_confirmation_counts_for_the_leaders_own_organisation_only(
        app, client, auth, factory, answer, member):
    """A leader vouches for colleagues at their own organisation; a survey answer kept
    under another organisation of the same name needs a moderator or the domain."""
    lena = member("lena@example.se", "Lena Lönechef", "Kungälvs kommun")
    olle = member("olle@example.se", "Olle Olsson", "kungälvs kommun")
    network = factory.network(slug="kungalv", name="Kungälvsnätverket",
                              members={lena: "leader", olle: "member"})
    with app.app_context():
        membership = db.session.scalar(select(NetworkMembership.id).where(
            NetworkMembership.network_id == network, NetworkMembership.user_id == olle))
    # An unverified leader confirms nobody.
    auth.login("lena@example.se")
    page = text_of(client.get("/networks/kungalv/members"))
    assert "När din egen koppling till din organisation är verifierad" in page
    assert "Bekräfta att Olle Olsson" not in page
    post(client, f"/networks/kungalv/members/{membership}/organisation",
         page="/networks/kungalv/members")
    assert "Din egen koppling" in text_of(client.get("/networks/kungalv/members"))
    auth.logout()
    auth.login("moa@kb.se")
    post(client, f"/admin/users/{lena}/organisation/confirm", page="/admin/organisations")
    auth.logout()
    auth.login("lena@example.se")
    page = text_of(client.get("/networks/kungalv/members"))
    assert "Bekräfta att Olle Olsson arbetar på Kungälvs kommun" in page
    response = post(client, f"/networks/kungalv/members/{membership}/organisation",
                    page="/networks/kungalv/members")
    assert response.status_code == 302
    assert "Olle Olssons organisation är bekräftad" in text_of(
        client.get("/networks/kungalv/members"))
    auth.logout()
    auth.login("olle@example.se")
    assert "Bekräftad av nätverksledare Lena Lönechef" in text_of(client.get("/account"))
    # The answer is kept under the import's own Kungälvs kommun, not Lena's.
    page = text_of(client.get(f"/experiences/{answer.id}"))
    assert "Ta över svaret" not in page and "be en moderator bekräfta den" in page
    assert claim(client, answer.id).status_code == 403
    assert unchanged(app, answer.id)
    auth.logout()
    # Lena, whom a moderator confirmed, takes it over.
    auth.login("lena@example.se")
    assert claim(client, answer.id).status_code == 302
    with app.app_context():
        assert db.session.get(Experience, answer.id).author_id == lena
        assert "organisation.confirm_leader" in set(db.session.scalars(select(AuditLog.action)))


def test_a_leader_cannot_confirm_a_member_of_another_network(app, client, auth, factory):
    lena = factory.member("lena@kungalv.se", "Lena Lönechef", "Kungälvs kommun",
                          organisation_verified_by="moderator")
    with app.app_context():
        lena_row = db.session.get(User, lena)
        lena_row.organisation_verified_at = lena_row.created_at
        db.session.commit()
    olle = factory.member("olle@example.se", "Olle Olsson", "Kungälvs kommun")
    factory.network(slug="lenas", name="Lenas nätverk", members={lena: "leader"})
    other = factory.network(slug="andras", name="Andras nätverk", members={olle: "member"})
    with app.app_context():
        membership = db.session.scalar(select(NetworkMembership.id).where(
            NetworkMembership.network_id == other))
    auth.login("lena@kungalv.se")
    response = post(client, f"/networks/lenas/members/{membership}/organisation",
                    page="/networks/lenas/members")
    assert response.status_code == 404
    assert post(client, f"/networks/andras/members/{membership}/organisation",
                page="/networks/lenas/members").status_code == 403
    with app.app_context():
        assert db.session.get(User, olle).organisation_verified_at is None

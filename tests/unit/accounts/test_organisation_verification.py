"""Organisations are verified, not typed: a member's link to an organisation is verified
by a confirmed address at its domain, a verified leader of one of their networks, or a
moderator – never by typing its name, never by a public mail service – and changing
the organisation ends it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kb import accounts
from kb.accounts import organisations, privacy
from kb.core.errors import Forbidden, Invalid
from kb.extensions import db
from kb.models import AuditLog, Experience, Organisation, User

KUNGALV = "Kungälvs kommun"


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def member(email: str, organisation: str | None = KUNGALV, *, confirmed: bool = True,
           site_role: str = "member") -> User:
    """A member as registering makes one: the organisation is what they typed."""
    return accounts.create_account(
        email=email, password="ett-långt-lösenord-för-test", display_name=email.split("@")[0],
        site_role=site_role, professional_role="lonechef", organisation_name=organisation,
        sector="kommun", size_band="1000-4999", confirmed=confirmed)


def moderator() -> User:
    """The moderator (made on first use)."""
    found = db.session.scalar(select(User).where(User.email == "moa@kb.se"))
    return found or member("moa@kb.se", None, site_role="moderator")


def kungalv(domain: str | None = None) -> Organisation:
    """The organisation as a survey import or a moderator knows it."""
    found = Organisation(name=KUNGALV, sector="kommun", size_band="1000-4999")
    db.session.add(found)
    db.session.commit()
    if domain:
        organisations.set_domain(found, domain, moderator())
    return found


def how(user: User) -> str | None:
    found = accounts.organisation_verification(user)
    return found.how if found else None


def experience_for(author: User, system_id: int) -> Experience:
    """An experience as recording one attaches it (kb.experiences.records)."""
    experience = Experience(author=author, system_id=system_id, sector="kommun",
                            size_band="1000-4999", reviewer_role="lonechef",
                            usage_status="current", satisfaction=4, title="Bra",
                            organisation_id=accounts.organisation_for_experience(author))
    db.session.add(experience)
    db.session.commit()
    return experience


# Typing ---------------------------------------------------------------------------------

def test_typing_an_organisations_name_verifies_nobody(ctx, factory):
    kungalv()
    system = factory.system()
    first = member("anna@kungalv.se")
    second = member("olle@example.se", "kungälvs kommun")
    assert not accounts.organisation_verified(first)
    assert not accounts.organisation_verified(second)
    # Two members who typed the same name are two organisations in the figures.
    assert first.organisation_id != second.organisation_id
    assert experience_for(first, system).organisation_id != \
        experience_for(second, system).organisation_id
    # Typing it again on /account changes nothing either.
    privacy.save_profile(second, display_name="Olle", professional_role="lonechef",
                         organisation_name=KUNGALV, sector="kommun", size_band="1000-4999")
    assert not accounts.organisation_verified(second)


def test_an_unverified_member_never_counts_for_a_row_shared_with_others(ctx, factory):
    """A survey import found the member's typed row by its name: their experience gets a
    row of its own, not the survey answer's."""
    system = factory.system()
    typed = member("olle@example.se")
    survey_answer = Experience(author_id=None, system_id=system, sector="kommun",
                               size_band="1000-4999", reviewer_role="lonechef",
                               usage_status="current", satisfaction=3, title="Enkätsvar",
                               organisation_id=typed.organisation_id)
    db.session.add(survey_answer)
    db.session.commit()
    written = experience_for(typed, factory.system())
    assert written.organisation_id != survey_answer.organisation_id
    assert typed.organisation.name == KUNGALV


# By domain --------------------------------------------------------------------------------

def test_a_confirmed_address_at_the_domain_verifies_the_member(ctx):
    organisation = kungalv("kungalv.se")
    anna = member("anna@kungalv.se", "KUNGÄLVS KOMMUN", confirmed=False)
    assert not accounts.organisation_verified(anna)  # the address is not confirmed yet
    accounts.mark_confirmed(anna)
    db.session.commit()
    assert how(anna) == "domain"
    assert anna.organisation_id == organisation.id
    assert accounts.organisation_verification(anna).domain == "kungalv.se"
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.object_id == anna.id, AuditLog.object_type == "user_account")) == \
        "organisation.domain_verified"


def test_a_member_at_the_domain_who_names_another_organisation_is_not_verified_for_it(ctx):
    organisation = kungalv("kungalv.se")
    anna = member("anna@kungalv.se", "Göteborgs stad")
    assert not accounts.organisation_verified(anna)
    assert anna.organisation.name == "Göteborgs stad" and anna.organisation_id != organisation.id
    # /account offers the organisation of the address's domain; joining it verifies.
    status = accounts.organisation_status(anna)
    assert status.offer is not None and status.offer.id == organisation.id
    accounts.join_organisation_by_domain(anna)
    assert how(anna) == "domain" and anna.organisation_id == organisation.id


@pytest.mark.parametrize("webmail", ["gmail.com", "hotmail.com", "outlook.com", "live.se",
                                     "yahoo.com", "icloud.com", "telia.com", "me.com",
                                     "protonmail.com"])
def test_a_public_mail_service_never_verifies_anything(ctx, webmail):
    organisation = kungalv()
    with pytest.raises(Invalid, match="allmän e-posttjänst"):
        organisations.set_domain(organisation, webmail, moderator())
    assert webmail in accounts.WEBMAIL_DOMAINS
    # Even a domain put there behind kb's back verifies nobody.
    organisation.email_domain = webmail
    db.session.commit()
    someone = member(f"someone@{webmail}")
    assert not accounts.organisation_verified(someone)
    someone.organisation = organisation
    someone.organisation_verified_by, someone.organisation_verified_at = "domain", \
        someone.created_at
    assert not accounts.organisation_verified(someone)


def test_a_moderator_setting_a_domain_verifies_matching_confirmed_members_at_once(ctx, factory):
    organisation = kungalv()
    system = factory.system()
    anna = member("anna@kungalv.se", "Kungälvs Kommun")
    written = experience_for(anna, system)
    waiting = member("ny@kungalv.se", confirmed=False)
    elsewhere = member("bo@kungalv.se", "Annat AB")
    webmail = member("kungalv@gmail.com")
    assert organisations.set_domain(organisation, " @KUNGALV.se ", moderator()) == 1
    assert organisation.email_domain == "kungalv.se"
    assert how(anna) == "domain" and anna.organisation_id == organisation.id
    # What Anna wrote for "Kungälvs kommun" now counts for it.
    assert db.session.get(Experience, written.id).organisation_id == organisation.id
    for other in (waiting, elsewhere, webmail):
        assert not accounts.organisation_verified(other)
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.object_type == "organisation")) == "organisation.domain"
    # One organisation a domain.
    other = Organisation(name="Annat AB", sector="privat", size_band="50-249")
    db.session.add(other)
    db.session.commit()
    with pytest.raises(Invalid, match="hör redan till Kungälvs kommun"):
        organisations.set_domain(other, "kungalv.se", moderator())
    # Removing the domain ends what it verified: each has a row of their own again.
    eva = member("eva@kungalv.se", "Kungälvs kommun")
    assert how(eva) == "domain" and eva.organisation_id == anna.organisation_id
    organisations.set_domain(organisation, "", moderator())
    assert not accounts.organisation_verified(anna)
    assert not accounts.organisation_verified(eva)
    assert anna.organisation_id != eva.organisation_id


def test_only_a_moderator_sets_a_domain(ctx):
    organisation = kungalv()
    with pytest.raises(Forbidden):
        organisations.set_domain(organisation, "kungalv.se", member("anna@kungalv.se"))
    assert organisation.email_domain is None


def test_an_address_moved_away_from_the_domain_ends_the_verification(ctx):
    kungalv("kungalv.se")
    anna = member("anna@kungalv.se")
    assert how(anna) == "domain"
    privacy.change_email(anna, "anna@gmail.com")
    assert not accounts.organisation_verified(anna)
    assert anna.organisation.name == KUNGALV and anna.organisation.email_domain is None


# By a leader --------------------------------------------------------------------------------

def test_a_verified_leader_confirms_a_member_of_their_network_at_the_same_organisation(
        ctx, factory):
    organisation = kungalv("kungalv.se")
    leader = member("lena@kungalv.se")
    colleague = member("olle@gmail.com", "kungalvs kommun")
    stranger = member("sten@gmail.com")
    other = member("ola@gmail.com", "Stenungsunds kommun")
    network = factory.network(members={leader.id: "leader", colleague.id: "member",
                                       other.id: "member"})
    from kb.models import Network, NetworkMembership

    network_row = db.session.get(Network, network)

    def membership_of(user):
        found = db.session.scalar(select(NetworkMembership.id).where(
            NetworkMembership.network_id == network, NetworkMembership.user_id == user.id))
        return found if found is not None else -1

    # A member of another organisation is not the leader's to confirm.
    with pytest.raises(Invalid, match="samma organisation som du"):
        organisations.confirm_by_leader(network_row, leader, membership_of(other))
    # Someone outside the network is not either.
    factory.membership(network, stranger.id, status="requested")
    with pytest.raises(Invalid, match="Bara nätverkets medlemmar"):
        organisations.confirm_by_leader(network_row, leader, membership_of(stranger))
    # A member cannot confirm anyone.
    with pytest.raises(Forbidden):
        organisations.confirm_by_leader(network_row, colleague, membership_of(other))
    organisations.confirm_by_leader(network_row, leader, membership_of(colleague))
    assert how(colleague) == "leader"
    assert colleague.organisation_id == organisation.id
    assert accounts.organisation_verification(colleague).by_name == leader.display_name
    assert not accounts.organisation_verified(stranger)
    # The confirmation outlives the leader's account, without their name.
    privacy.delete_account(leader, "ett-långt-lösenord-för-test", keep_experiences=True)
    db.session.expire_all()
    assert how(colleague) == "leader"
    assert colleague.organisation_verified_by_id is None
    assert accounts.organisation_verification(colleague).by_name == ""


def test_a_leader_whose_own_link_is_not_verified_confirms_nobody(ctx, factory):
    leader = member("lena@example.se")
    colleague = member("olle@example.se")
    network = factory.network(members={leader.id: "leader", colleague.id: "member"})
    from kb.models import Network, NetworkMembership

    membership = db.session.scalar(select(NetworkMembership.id).where(
        NetworkMembership.user_id == colleague.id))
    with pytest.raises(Invalid, match="Din egen koppling"):
        organisations.confirm_by_leader(db.session.get(Network, network), leader, membership)
    assert not accounts.organisation_verified(colleague)


# By a moderator -------------------------------------------------------------------------------

def test_a_moderator_confirms_the_organisation_kb_knows_by_that_name(ctx, factory):
    organisation = kungalv("kungalv.se")
    system = factory.system()
    olle = member("olle@gmail.com", "Kungälvs kommun")
    written = experience_for(olle, system)
    with pytest.raises(Forbidden):
        organisations.confirm_by_moderator(olle, member("anna@example.se"))
    moa = moderator()
    organisations.confirm_by_moderator(olle, moa, "Ringde kommunen.")
    assert how(olle) == "moderator" and olle.organisation_id == organisation.id
    assert olle.organisation_verifier.id == moa.id
    assert db.session.get(Experience, written.id).organisation_id == organisation.id
    # Taking it back takes what counted for the organisation back too.
    organisations.revoke(olle, moa, "Fel person.")
    assert not accounts.organisation_verified(olle)
    assert olle.organisation_id != organisation.id and olle.organisation.name == KUNGALV
    assert db.session.get(Experience, written.id).organisation_id == olle.organisation_id
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"organisation.confirm", "organisation.revoke"} <= actions


def test_a_moderator_confirms_a_members_own_row_when_kb_knows_none_by_that_name(ctx):
    olle = member("olle@example.se", "Lilla Edets kommun")
    own = olle.organisation_id
    organisations.confirm_by_moderator(olle, moderator())
    assert how(olle) == "moderator" and olle.organisation_id == own
    # The next one to name it is confirmed into the same organisation: counted once.
    eva = member("eva@example.se", "Lilla Edets Kommun")
    organisations.confirm_by_moderator(eva, moderator())
    assert eva.organisation_id == own


# Changing the organisation ---------------------------------------------------------------------

def test_changing_the_organisation_clears_the_verification(ctx, factory):
    organisation = kungalv("kungalv.se")
    system = factory.system()
    anna = member("anna@kungalv.se")
    written = experience_for(anna, system)
    assert written.organisation_id == organisation.id
    # The same organisation with another size stays verified.
    privacy.save_profile(anna, display_name="Anna", professional_role="lonechef",
                         organisation_name="Kungälvs kommun", sector="kommun",
                         size_band="5000+")
    assert how(anna) == "domain" and organisation.size_band == "5000+"
    privacy.save_profile(anna, display_name="Anna", professional_role="lonechef",
                         organisation_name="Göteborgs stad", sector="kommun",
                         size_band="5000+")
    assert not accounts.organisation_verified(anna)
    assert anna.organisation.name == "Göteborgs stad"
    # The organisation itself is not renamed, and what she wrote while there stays its.
    assert organisation.name == KUNGALV
    assert db.session.get(Experience, written.id).organisation_id == organisation.id
    # Naming it again verifies her again through her address.
    privacy.save_profile(anna, display_name="Anna", professional_role="lonechef",
                         organisation_name="Kungälvs kommun", sector="kommun",
                         size_band="5000+")
    assert how(anna) == "domain" and anna.organisation_id == organisation.id


def test_changing_away_from_a_leaders_confirmation_clears_it_too(ctx, factory):
    kungalv("kungalv.se")
    leader = member("lena@kungalv.se")
    colleague = member("olle@gmail.com")
    network = factory.network(members={leader.id: "leader", colleague.id: "member"})
    from kb.models import Network, NetworkMembership

    membership = db.session.scalar(select(NetworkMembership.id).where(
        NetworkMembership.user_id == colleague.id))
    organisations.confirm_by_leader(db.session.get(Network, network), leader, membership)
    assert how(colleague) == "leader"
    privacy.save_profile(colleague, display_name="Olle", professional_role="lonechef",
                         organisation_name="Stenungsunds kommun", sector="kommun",
                         size_band="1000-4999")
    assert not accounts.organisation_verified(colleague)
    assert colleague.organisation_verified_by is None
    assert colleague.organisation_verified_by_id is None

"""Who may see and do what in a network (kb.access.networks, kb.access.membership): for a
visitor, a member of kb outside the network, one who only asked to join, one who left,
a network member, a leader and a moderator – in an open network, an invite-only one and
one a moderator closed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from kb.access import membership, policy
from kb.access import networks as access
from kb.core.errors import Forbidden
from kb.extensions import db
from kb.models import (
    Experience,
    Meeting,
    Network,
    NetworkMembership,
    NetworkQuestion,
    User,
    utcnow,
)

ROLES = ("visitor", "outsider", "applicant", "former", "member", "leader", "moderator")


@pytest.fixture
def world(app, factory):
    """Two networks with the same people in them: "open" (joined by request) and
    "invite" (joined by invite link); "closed" is an open network a moderator closed,
    with the same member and leader."""
    ids = {
        "outsider": factory.user(email="utanfor@kb.se"),
        "applicant": factory.user(email="sokande@kb.se"),
        "former": factory.user(email="tidigare@kb.se"),
        "member": factory.user(email="medlem@kb.se"),
        "leader": factory.user(email="ledare@kb.se"),
        "moderator": factory.user(email="moderator@kb.se", site_role="moderator"),
    }
    people = [(ids["applicant"], "requested", "member"), (ids["former"], "left", "member"),
              (ids["member"], "active", "member"), (ids["leader"], "active", "leader")]
    networks = {
        "open": factory.network(slug="oppet", name="Öppet", access="open", members=people,
                                description="Vi ses varje kvartal."),
        "invite": factory.network(slug="slutet", name="Slutet", access="invite",
                                  members=people, description="Bara för inbjudna."),
        "closed": factory.network(slug="stangt", name="Stängt", access="open",
                                  closed_at=utcnow(), closed_reason="Spam",
                                  members=people[2:]),
    }
    with app.app_context():
        yield ids, {name: db.session.get(Network, i) for name, i in networks.items()}


def audience(ids, role) -> policy.Audience:
    if role == "visitor":
        return policy.VISITOR
    return policy.audience_of(db.session.get(User, ids[role]))


def flags(ids, network, role) -> access.NetworkView:
    return access.network_view(audience(ids, role), network)


# The active membership --------------------------------------------------------------------

def test_the_sql_clause_and_the_python_predicate_agree_on_every_status_and_role(app, factory):
    network = factory.network()
    statuses = ("requested", "active", "left", "removed", "declined")
    for status in statuses:
        for role in ("member", "leader"):
            factory.membership(network, factory.user(), role=role, status=status)
    with app.app_context():
        rows = db.session.scalars(select(NetworkMembership)).all()
        active = set(db.session.scalars(select(NetworkMembership.id).where(membership.active())))
        leading = set(db.session.scalars(select(NetworkMembership.id)
                                         .where(membership.leading())))
        assert active == {m.id for m in rows if membership.is_active(m)}
        assert leading == {m.id for m in rows if membership.is_leader(m)}
        assert {m.status for m in rows if membership.is_active(m)} == {"active"}
        assert {(m.status, m.role) for m in rows if membership.is_leader(m)} == {
            ("active", "leader")}
        assert not membership.is_active(None) and not membership.is_leader(None)


def test_only_active_members_read_a_network(world):
    ids, networks = world
    found = membership.active_network_ids(ids.values())
    inside = {role for role, user_id in ids.items() if networks["open"].id in
              found.get(user_id, ())}
    assert inside == {"member", "leader"}
    assert found[ids["member"]] == {n.id for n in networks.values()}


# Reading and taking part -------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_who_reads_inside_and_who_takes_part(world, role):
    ids, networks = world
    viewer = audience(ids, role)
    for network in networks.values():
        reads = role in ("member", "leader", "moderator")
        takes_part = role in ("member", "leader")
        assert access.may_read(viewer, network) is reads
        assert access.is_member(viewer, network) is takes_part
        if reads:
            access.require_reader(viewer, network)
        else:
            with pytest.raises(Forbidden, match="Bara nätverkets medlemmar"):
                access.require_reader(viewer, network)
        if takes_part:
            access.require_member(viewer, network)
        else:
            with pytest.raises(Forbidden, match="Bara nätverkets medlemmar"):
                access.require_member(viewer, network)


@pytest.mark.parametrize("role", ROLES)
def test_only_an_active_leader_leads(world, role):
    ids, networks = world
    network = networks["open"]
    user_id = ids.get(role)
    assert access.is_leader(network, user_id) is (role == "leader")
    if role == "leader":
        assert access.require_leader(network, db.session.get(User, user_id)).role == "leader"
    elif user_id is not None:
        with pytest.raises(Forbidden, match="Bara nätverkets ledare"):
            access.require_leader(network, db.session.get(User, user_id))


@pytest.mark.parametrize("role", ROLES)
def test_an_invite_only_networks_description_is_for_those_inside(world, role):
    ids, networks = world
    viewer = audience(ids, role)
    assert access.may_see_description(viewer, networks["open"])
    assert access.may_see_description(viewer, networks["invite"]) is (
        role in ("member", "leader", "moderator"))


def test_the_list_describes_open_networks_and_ones_own(world):
    ids, networks = world
    invite = networks["invite"]
    assert access.described(networks["open"], None)
    assert not access.described(invite, None)
    for role in ("applicant", "former", "member", "leader"):
        mine = access.membership_of(invite, ids[role])
        assert access.described(invite, mine) is (role in ("member", "leader"))


@pytest.mark.parametrize("role", ROLES)
def test_a_network_a_moderator_closed_is_listed_to_its_members_and_moderators(world, role):
    ids, networks = world
    viewer = audience(ids, role)
    listed = set(db.session.scalars(select(Network.slug).where(access.listed_clause(viewer))))
    if role in ("member", "leader", "moderator"):
        assert listed == {"oppet", "slutet", "stangt"}
    else:
        assert listed == {"oppet", "slutet"}


# The flags templates test -----------------------------------------------------------------

EXPECTED = {
    # role: inside, member, leader, edit, take_part, join, moderate
    "visitor": (False, False, False, False, False, False, False),
    "outsider": (False, False, False, False, False, True, False),
    "applicant": (False, False, False, False, False, False, False),
    "former": (False, False, False, False, False, True, False),
    "member": (True, True, False, False, True, False, False),
    "leader": (True, True, True, True, True, False, False),
    "moderator": (True, False, False, False, False, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_flags_of_an_open_network(world, role):
    ids, networks = world
    may = flags(ids, networks["open"], role)
    inside, member, leader, edit, take_part, join, moderate = EXPECTED[role]
    assert (may.inside, may.member, may.leader, may.edit, may.take_part, may.join,
            may.moderate) == EXPECTED[role]
    assert may.download is member and may.leave is member
    assert may.requested is (role == "applicant")
    assert may.see_closed_reason is moderate


@pytest.mark.parametrize("role", ROLES)
def test_nobody_joins_an_invite_only_network_by_asking(world, role):
    ids, networks = world
    may = flags(ids, networks["invite"], role)
    assert not may.join
    assert may.edit is (role == "leader")


@pytest.mark.parametrize("role", ROLES)
def test_in_a_closed_network_members_read_and_nothing_new_happens(world, role):
    ids, networks = world
    may = flags(ids, networks["closed"], role)
    assert may.inside is (role in ("member", "leader", "moderator"))
    assert may.member is (role in ("member", "leader"))
    assert may.download is may.member and may.leave is may.member
    assert not may.edit and not may.take_part and not may.join
    assert may.leader is (role == "leader")  # still answers requests, takes back invites
    assert may.see_closed_reason is (role == "moderator")


def test_a_leader_manages_others_but_not_themselves_and_not_while_closed(world):
    ids, networks = world
    for name, manages in (("open", True), ("closed", False)):
        network = networks[name]
        leader = flags(ids, network, "leader")
        member = flags(ids, network, "member")
        theirs = access.membership_of(network, ids["member"])
        own = access.membership_of(network, ids["leader"])
        assert leader.manage(theirs) is manages
        assert not leader.manage(own)
        assert not member.manage(own)


# Meetings -----------------------------------------------------------------------------------

def _meeting(network, mode="both", cancelled=False, days=7) -> Meeting:
    starts = utcnow() + timedelta(days=days)
    meeting = Meeting(network_id=network.id, uid=f"m-{mode}-{cancelled}-{days}@kb",
                      title="Mötet", starts_at=starts, ends_at=starts + timedelta(hours=2),
                      mode=mode, meeting_url="https://meet.example/abc",
                      cancelled_at=utcnow() if cancelled else None)
    db.session.add(meeting)
    db.session.flush()
    return meeting


@pytest.mark.parametrize("role", ROLES)
def test_a_meetings_link_and_calendar_file_are_for_members_only(world, role):
    ids, networks = world
    meeting = _meeting(networks["open"])
    may = access.meeting_view(meeting, flags(ids, networks["open"], role))
    member = role in ("member", "leader")
    assert may.see_link is member and may.download is member  # not moderators
    assert may.answer is member
    assert may.edit is may.cancel is may.write_notes is may.manage is (role == "leader")


def test_nobody_answers_a_cancelled_or_past_meeting_and_leaders_only_write_its_notes(world):
    ids, networks = world
    network = networks["open"]
    leader, member = flags(ids, network, "leader"), flags(ids, network, "member")
    cancelled = _meeting(network, cancelled=True)
    past = _meeting(network, days=-3)
    for may in (leader, member):
        assert not access.meeting_view(cancelled, may).answer
        assert not access.meeting_view(past, may).answer
    on_cancelled = access.meeting_view(cancelled, leader)
    assert not on_cancelled.edit and not on_cancelled.cancel
    assert on_cancelled.write_notes and on_cancelled.manage
    assert access.meeting_view(past, leader).edit
    assert not access.meeting_view(past, member).write_notes


# Questions and sharing ---------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_the_asker_alone_marks_the_answer_that_helped(world, role):
    ids, networks = world
    question = NetworkQuestion(network_id=networks["open"].id, author_id=ids["member"],
                               title="Hur gör ni?")
    db.session.add(question)
    db.session.flush()
    assert access.may_mark_helped(audience(ids, role), question) is (role == "member")
    orphan = NetworkQuestion(network_id=networks["open"].id, author_id=None, title="?")
    assert not access.may_mark_helped(audience(ids, role), orphan)


def test_a_viewer_sees_the_names_of_their_own_networks_an_experience_is_shared_with(
        world, factory):
    ids, networks = world
    other = factory.network(slug="annat", name="Annat")
    author = factory.user(email="skribent@kb.se")
    experience_id = factory.network_experience(author, factory.system(),
                                               networks=[networks["open"].id, other])
    experience = db.session.get(Experience, experience_id)
    both = {"oppet", "annat"}

    def names(viewer):
        return {n.slug for n in access.shared_with(viewer, experience)}

    assert names(policy.audience_of(db.session.get(User, author))) == both
    assert names(audience(ids, "moderator")) == both
    assert names(audience(ids, "member")) == {"oppet"}
    for role in ("visitor", "outsider", "applicant", "former"):
        assert names(audience(ids, role)) == set()


# Site-wide roles ---------------------------------------------------------------------------

def test_one_moderator_check_for_views_and_templates(world, factory):
    ids, _networks = world
    admin = policy.audience_of(db.session.get(User, factory.user(site_role="admin")))
    for role in ROLES:
        viewer = audience(ids, role)
        moderates = role == "moderator"
        assert policy.may_moderate(viewer) is moderates
        assert policy.Viewer(viewer).may_moderate is moderates
        assert not policy.may_administer(viewer)
        if moderates:
            policy.require_moderator(viewer)
        else:
            with pytest.raises(Forbidden, match="Bara moderatorer"):
                policy.require_moderator(viewer)
    assert policy.may_moderate(admin) and policy.Viewer(admin).may_administer


def test_the_viewer_changes_only_what_they_wrote(world, factory):
    ids, _networks = world
    experience_id = factory.experience(ids["member"], factory.system())
    experience = db.session.get(Experience, experience_id)
    for role in ROLES:
        assert policy.Viewer(audience(ids, role)).may_change(experience) is (role == "member")

"""The audience policy is one rule: its SQL clause, index mask, snapshot mask and the
test of a loaded experience agree, for every kind of viewer and every use – members
and non-members of the networks experiences are shared with included."""

import itertools

import pytest
from sqlalchemy import select

from kb import indexing
from kb.access import policy
from kb.extensions import db
from kb.models import Experience, Network, NetworkMembership, User
from kb.search.docsets import docsets, mask_to_ids
from kb.stats import cache, snapshot

STATES = ("published", "pending", "hidden")
# Who an experience is for: public, members, or shared with the networks named (none
# left: shared with networks, but with none of them any more).
SHARINGS = ("public", "members", "networks:1", "networks:2", "networks:1+2", "networks:-")
ROLES = ("visitor", "member", "network_member", "former_member", "applicant", "author",
         "moderator", "admin")
USES = {"readable": policy.readable, "listed": policy.listed, "counted": policy.counted}


@pytest.fixture
def world(app, factory):
    """Every combination of state and sharing, by the author, by someone else and by a
    moderator; two networks. The network member is in network 1, the author in network 2,
    the former member left network 1 and the applicant only asked to join it."""
    with factory.batch():
        author = factory.user(email="author@kb.se")
        other = factory.user(email="other@kb.se")
        member = factory.user(email="member@kb.se")
        network_member = factory.user(email="network@kb.se")
        former = factory.user(email="former@kb.se")
        applicant = factory.user(email="applicant@kb.se")
        moderator = factory.user(email="moderator@kb.se", site_role="moderator")
        admin = factory.user(email="admin@kb.se", site_role="admin")
        system = factory.system()
        one = factory.network(slug="ett", name="Ett", members=[
            (network_member, "active", "member"), (other, "active", "leader"),
            (former, "left", "member"), (applicant, "requested", "member")])
        two = factory.network(slug="två", name="Två", members={author: "member"})
    with app.app_context():
        one, two = db.session.get(Network, one), db.session.get(Network, two)
        networks = {"1": [one], "2": [two], "1+2": [one, two], "-": []}
        for writer, state, sharing in itertools.product(
                (author, other, moderator), STATES, SHARINGS):
            visibility, _, names = sharing.partition(":")
            experience = Experience(
                author_id=writer, system_id=system, moderation_state=state,
                visibility=visibility, sector="kommun", size_band="1000-4999",
                reviewer_role="lonechef", usage_status="current", satisfaction=4,
                title=f"{state} {sharing}", pros="Lönekörningen fungerar.")
            experience.networks = list(networks[names]) if names else []
            db.session.add(experience)
        db.session.commit()
    return {"visitor": None, "member": member, "network_member": network_member,
            "former_member": former, "applicant": applicant, "author": author,
            "moderator": moderator, "admin": admin, "other": other}


def reached_by_each_translation(reach) -> dict[str, set[int]]:
    found = {}
    found["sql"] = set(db.session.scalars(select(Experience.id).where(reach.clause())))
    found["object"] = {e.id for e in db.session.scalars(select(Experience))
                       if reach.includes(e)}
    with indexing.store().searcher() as searcher:
        mask = reach.index_mask(docsets(searcher))
        found["index"] = {int(searcher.stored_fields(d)["id"]) for d in mask_to_ids(mask)}
    figures = snapshot.current(cache.data_version())
    found["snapshot"] = set(figures.columns["id"][
        reach.snapshot_rows(figures.columns, figures.shared)].tolist())
    return found


def _audience(world, role):
    user = db.session.get(User, world[role]) if world[role] else None
    return policy.audience_of(user)


@pytest.mark.parametrize("use", sorted(USES))
@pytest.mark.parametrize("role", ROLES)
def test_every_translation_of_the_policy_agrees(app, world, role, use):
    with app.app_context():
        reach = USES[use](_audience(world, role))
        found = reached_by_each_translation(reach)
    assert found["sql"] == found["object"] == found["index"] == found["snapshot"], found


def _describe(world, experience) -> tuple[str, str, str]:
    writers = {world["author"]: "author", world["moderator"]: "moderator"}
    return (writers.get(experience.author_id, "other"), experience.moderation_state,
            experience.title.split(" ", 1)[1])


def _reached(app, world, role, use) -> set[tuple[str, str, str]]:
    """What a role reaches, described as (writer, state, sharing)."""
    with app.app_context():
        reach = USES[use](_audience(world, role))
        return {_describe(world, e)
                for e in db.session.scalars(select(Experience).where(reach.clause()))}


def test_what_each_viewer_reaches(app, world):
    everyone = {(w, s, v) for w in ("author", "other", "moderator") for s in STATES
                for v in SHARINGS}
    published = {e for e in everyone if e[1] == "published"}
    public = {e for e in published if e[2] == "public"}
    for_members = {e for e in published if e[2] in ("public", "members")}
    in_network_1 = {e for e in published if e[2] in ("networks:1", "networks:1+2")}
    in_network_2 = {e for e in published if e[2] in ("networks:2", "networks:1+2")}
    own = {e for e in everyone if e[0] == "author"}
    own_moderator = {e for e in everyone if e[0] == "moderator"}
    assert _reached(app, world, "visitor", "readable") == public
    assert _reached(app, world, "member", "readable") == for_members
    assert _reached(app, world, "network_member", "readable") == for_members | in_network_1
    # Leaving a network, or only asking to join, reads nothing that was shared with it.
    assert _reached(app, world, "former_member", "readable") == for_members
    assert _reached(app, world, "applicant", "readable") == for_members
    assert _reached(app, world, "author", "readable") == for_members | in_network_2 | own
    # Moderators read everything, networks' too: they moderate it.
    assert _reached(app, world, "moderator", "readable") == everyone
    assert _reached(app, world, "moderator", "listed") == published | own_moderator
    # Figures never count anything unpublished, not even one's own; what is shared with
    # networks counts for their members only (a moderator's figures included).
    expected_counted = {"visitor": public, "network_member": for_members | in_network_1,
                        "author": for_members | in_network_2}
    for role in ROLES:
        assert _reached(app, world, role, "counted") == expected_counted.get(
            role, for_members), role


def test_leaving_a_network_takes_its_experiences_out_of_every_translation(app, world):
    with app.app_context():
        membership = db.session.scalar(select(NetworkMembership).where(
            NetworkMembership.user_id == world["network_member"]))
        before = reached_by_each_translation(policy.readable(_audience(world,
                                                                       "network_member")))
        membership.status = "left"
        db.session.commit()
        after = reached_by_each_translation(policy.readable(_audience(world, "network_member")))
        shared = {e.id for e in db.session.scalars(select(Experience).where(
            Experience.visibility == "networks"))}
    assert before["sql"] & shared
    for translation in after.values():
        assert not translation & shared

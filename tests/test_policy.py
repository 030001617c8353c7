"""The audience policy is one rule: its SQL clause, index mask, snapshot mask and the
test of a loaded experience agree, for every kind of viewer and every use."""

import itertools

import pytest
from sqlalchemy import select

from kb import indexing, policy, vocab
from kb.extensions import db
from kb.models import Experience, User
from kb.search.docsets import docsets, mask_to_ids
from kb.stats import cache, snapshot

STATES = ("published", "pending", "hidden")
ROLES = ("visitor", "member", "author", "moderator", "admin")
USES = {"readable": policy.readable, "listed": policy.listed, "counted": policy.counted}


@pytest.fixture
def world(app, factory):
    """Every combination of state and visibility, by the author and by someone else."""
    author = factory.user(email="author@kb.se")
    other = factory.user(email="other@kb.se")
    member = factory.user(email="member@kb.se")
    moderator = factory.user(email="moderator@kb.se", site_role="moderator")
    admin = factory.user(email="admin@kb.se", site_role="admin")
    system = factory.system()
    for writer, state, visibility in itertools.product(
            (author, other, moderator), STATES, vocab.VISIBILITIES):
        factory.experience(writer, system, moderation_state=state, visibility=visibility)
    return {"visitor": None, "member": member, "author": author, "moderator": moderator,
            "admin": admin}


def reached_by_each_translation(reach) -> dict[str, set[int]]:
    found = {}
    found["sql"] = set(db.session.scalars(select(Experience.id).where(reach.clause())))
    found["object"] = {e.id for e in db.session.scalars(select(Experience))
                       if reach.includes(e)}
    with indexing.store().searcher() as searcher:
        mask = reach.index_mask(docsets(searcher))
        found["index"] = {int(searcher.stored_fields(d)["id"]) for d in mask_to_ids(mask)}
    figures = snapshot.current(cache.data_version())
    found["snapshot"] = set(figures.columns["id"][reach.snapshot_rows(figures.columns)]
                            .tolist())
    return found


@pytest.mark.parametrize("use", sorted(USES))
@pytest.mark.parametrize("role", ROLES)
def test_every_translation_of_the_policy_agrees(app, world, role, use):
    with app.app_context():
        user = db.session.get(User, world[role]) if world[role] else None
        reach = USES[use](policy.audience_of(user))
        found = reached_by_each_translation(reach)
    assert found["sql"] == found["object"] == found["index"] == found["snapshot"], found


def _reached(app, world, role, use) -> set[tuple[str, str, str]]:
    """What a role reaches, described as (writer, state, visibility)."""
    with app.app_context():
        user = db.session.get(User, world[role]) if world[role] else None
        reach = USES[use](policy.audience_of(user))
        writers = {world["author"]: "author", world["moderator"]: "moderator"}
        return {(writers.get(e.author_id, "other"), e.moderation_state, e.visibility)
                for e in db.session.scalars(select(Experience).where(reach.clause()))}


def test_what_each_viewer_reaches(app, world):
    everyone = {(w, s, v) for w in ("author", "other", "moderator") for s in STATES
                for v in vocab.VISIBILITIES}
    published = {(w, "published", v) for w in ("author", "other", "moderator")
                 for v in vocab.VISIBILITIES}
    public = {e for e in published if e[2] == "public"}
    own = {e for e in everyone if e[0] == "author"}
    own_moderator = {e for e in everyone if e[0] == "moderator"}
    assert _reached(app, world, "visitor", "readable") == public
    assert _reached(app, world, "member", "readable") == published
    assert _reached(app, world, "author", "readable") == published | own
    assert _reached(app, world, "moderator", "readable") == everyone
    assert _reached(app, world, "moderator", "listed") == published | own_moderator
    # Figures never count anything unpublished, not even one's own.
    for role in ROLES:
        expected = public if role == "visitor" else published
        assert _reached(app, world, role, "counted") == expected, role

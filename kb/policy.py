"""Who may see what: the one audience policy.

Every page, list, search, figure, export and notification asks this module what
an audience reaches; kb.reach turns the answer into SQL, index masks and snapshot
masks. The rules:

- an experience is read by everyone when published and public, by members when
  published and for members, by the members of the networks it is shared with
  when published and shared with networks (visibility "networks"), by its author
  in any state, and by moderators always (they must see what they moderate);
- lists and search results show what the audience may read, except that a
  moderator's lists show others' experiences only once published (the queue is
  where pending ones are met); search shows moderators everything;
- figures count published experiences only – never anyone's pending or hidden
  ones, not even for their author or a moderator – and for visitors public ones
  only; what is shared with networks counts only for the members of those networks
  (a moderator's figures too: they count what the moderator's own networks see);
- a comment is read with its experience while published; hidden ones only by
  moderators; one waiting for its author's e-mail confirmation by its author and
  moderators; a deleted question shows only as a placeholder.
- what a member writes before confirming their address waits: experiences in the
  state "unconfirmed" (read like pending ones: by the author and moderators) and
  comments likewise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from kb import vocab
from kb.extensions import db
from kb.models import NetworkMembership
from kb.models.networks import ACTIVE
from kb.reach import Reach

PUBLIC = frozenset({"public"})
FOR_MEMBERS = frozenset({"public", "members"})
EVERY_VISIBILITY = frozenset(vocab.VISIBILITIES)


@dataclass(frozen=True)
class Audience:
    """Who is looking: a visitor (no member id), a member, a moderator or an admin, with
    the networks the member is an active member of."""

    member_id: int | None = None
    moderator: bool = False
    admin: bool = False
    network_ids: frozenset[int] = frozenset()

    @property
    def is_member(self) -> bool:
        return self.member_id is not None

    def in_network(self, network_id: int) -> bool:
        return network_id in self.network_ids


VISITOR = Audience()


def audience_of(user, network_ids: Iterable[int] | None = None) -> Audience:
    """The audience of a logged-in User (anything unauthenticated is a visitor); its
    networks are read from the database unless given."""
    if user is None or not getattr(user, "is_authenticated", False):
        return VISITOR
    if network_ids is None:
        network_ids = active_network_ids([user.id]).get(user.id, ())
    return Audience(member_id=user.id, moderator=user.is_moderator, admin=user.is_admin,
                    network_ids=frozenset(network_ids))


def active_network_ids(user_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Per member, the networks they are an active member (or leader) of – what they
    read network-shared text in. A member who left, was removed or only asked to join
    reads none of it."""
    ids = sorted(set(user_ids))
    found: dict[int, set[int]] = {}
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            select(NetworkMembership.user_id, NetworkMembership.network_id)
            .where(NetworkMembership.user_id.in_(ids[start:start + 500]),
                   NetworkMembership.status == ACTIVE))
        for user_id, network_id in rows:
            found.setdefault(user_id, set()).add(network_id)
    return {user_id: frozenset(networks) for user_id, networks in found.items()}


# Experiences ---------------------------------------------------------------------------

def readable(audience: Audience) -> Reach:
    """Experiences the audience may open and find in search."""
    if audience.moderator:
        return Reach(everything=True)
    if not audience.is_member:
        return Reach(visibilities=PUBLIC)
    return Reach(visibilities=FOR_MEMBERS, networks=audience.network_ids,
                 author_id=audience.member_id)


def listed(audience: Audience) -> Reach:
    """Experiences shown in the audience's lists (home page, system pages)."""
    if audience.moderator:
        return Reach(visibilities=EVERY_VISIBILITY, author_id=audience.member_id)
    return readable(audience)


def counted(audience: Audience) -> Reach:
    """Experiences that count in the figures the audience sees."""
    if not audience.is_member:
        return Reach(visibilities=PUBLIC)
    return Reach(visibilities=FOR_MEMBERS, networks=audience.network_ids)


def may_read(audience: Audience, experience) -> bool:
    return readable(audience).includes(experience)


def may_change(audience: Audience, experience) -> bool:
    """Only the author edits, deletes or confirms an experience."""
    return audience.is_member and experience.author_id == audience.member_id


# Comments --------------------------------------------------------------------------------

COMMENT_PUBLISHED, COMMENT_HIDDEN, COMMENT_UNCONFIRMED = "published", "hidden", "unconfirmed"


def readable_comment_states(audience: Audience) -> frozenset[str]:
    """The moderation states of comments whose text the audience may read (their
    experience being readable)."""
    if audience.moderator:
        return frozenset({COMMENT_PUBLISHED, COMMENT_HIDDEN, COMMENT_UNCONFIRMED})
    return frozenset({COMMENT_PUBLISHED})


def may_read_comment(audience: Audience, comment) -> bool:
    own = audience.is_member and comment.author_id == audience.member_id
    if comment.moderation_state == COMMENT_UNCONFIRMED and own:
        return True
    return comment.moderation_state in readable_comment_states(audience)


def may_change_comment(audience: Audience, comment) -> bool:
    return audience.is_member and comment.author_id == audience.member_id


# Roles ------------------------------------------------------------------------------------

def may_moderate(audience: Audience) -> bool:
    return audience.moderator


def may_administer(audience: Audience) -> bool:
    return audience.admin

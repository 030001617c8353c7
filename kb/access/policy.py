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
- an anonymous experience shows everybody its author's role, sector and size band
  and nothing finer (no name, organisation or exact number of employees paid); its
  author and moderators alone see the rest (`author_context`);
- a comment is read with its experience while published; hidden ones only by
  moderators; one waiting for its author's e-mail confirmation by its author and
  moderators; a deleted question shows only as a placeholder.
- what a member writes before confirming their address waits: experiences in the
  state "unconfirmed" (read like pending ones: by the author and moderators) and
  comments likewise;
- moderators (and admins) moderate, admins alone administer: `may_moderate` and
  `may_administer` are the only role checks – views call them (or
  `require_moderator`), templates test `viewer` (a Viewer).

Which networks an audience is in comes from its active memberships
(kb.access.membership); what may be seen and done inside a network is
kb.access.networks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kb.access.membership import active_network_ids
from kb.access.reach import Reach
from kb.core import vocab
from kb.core.errors import Forbidden
from kb.core.vocab import ModerationState

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


# Experiences ---------------------------------------------------------------------------

def readable(audience: Audience) -> Reach:
    """Experiences the audience may open and find in search."""
    if may_moderate(audience):
        return Reach(everything=True)
    if not audience.is_member:
        return Reach(visibilities=PUBLIC)
    return Reach(visibilities=FOR_MEMBERS, networks=audience.network_ids,
                 author_id=audience.member_id)


def listed(audience: Audience) -> Reach:
    """Experiences shown in the audience's lists (home page, system pages)."""
    if may_moderate(audience):
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


# Authors ---------------------------------------------------------------------------------

def may_see_author(audience: Audience, experience) -> bool:
    """Whether the audience may know who wrote an experience, at which organisation and
    how many employees it pays: everyone when it is named; when it is anonymous, its
    author and moderators alone. Everybody else sees role, sector and size band."""
    return (not experience.anonymous or may_moderate(audience)
            or (audience.is_member and experience.author_id == audience.member_id))


def author_context(audience: Audience, experience):
    """What of the experience's author the audience sees (Experience.author_context;
    what no reader is known for is Experience.public_context)."""
    return experience.author_context(privileged=may_see_author(audience, experience))


# Comments --------------------------------------------------------------------------------

def readable_comment_states(audience: Audience) -> frozenset[str]:
    """The moderation states of comments whose text the audience may read (their
    experience being readable)."""
    if may_moderate(audience):
        return frozenset({ModerationState.PUBLISHED, ModerationState.HIDDEN,
                          ModerationState.UNCONFIRMED})
    return frozenset({ModerationState.PUBLISHED})


def may_read_comment(audience: Audience, comment) -> bool:
    own = audience.is_member and comment.author_id == audience.member_id
    if comment.moderation_state == ModerationState.UNCONFIRMED and own:
        return True
    return comment.moderation_state in readable_comment_states(audience)


def may_change_comment(audience: Audience, comment) -> bool:
    return audience.is_member and comment.author_id == audience.member_id


# Roles ------------------------------------------------------------------------------------

MODERATORS_ONLY = "Bara moderatorer kan göra det här."


def may_moderate(audience: Audience) -> bool:
    """Moderators (and admins) moderate: the queue, flags, hidden comments, networks."""
    return audience.moderator


def may_administer(audience: Audience) -> bool:
    """Admins alone manage members' accounts, roles and invite codes."""
    return audience.admin


def require_moderator(audience: Audience, message: str = MODERATORS_ONLY) -> None:
    if not may_moderate(audience):
        raise Forbidden(message)


# For templates -------------------------------------------------------------------------

@dataclass(frozen=True)
class Viewer:
    """What the one looking may do anywhere, for templates (`viewer` in every template):
    `viewer.may_moderate`, `viewer.may_change(experience)`. A template tests these flags
    and never decides on roles or authors itself."""

    audience: Audience

    @property
    def may_moderate(self) -> bool:
        return may_moderate(self.audience)

    @property
    def may_administer(self) -> bool:
        return may_administer(self.audience)

    def may_change(self, experience) -> bool:
        return may_change(self.audience, experience)

    def author(self, experience):
        """What of the experience's author this viewer sees (`author_context`)."""
        return author_context(self.audience, experience)

    def may_change_comment(self, comment) -> bool:
        return may_change_comment(self.audience, comment)

"""Networks and their members: starting one, joining, invites, leaders, leaving, closing.

Any member may start a network and becomes its leader. An open network is joined by a
request that a leader approves (or at once, if the leaders chose so); a closed one only
through a single-use invite link a leader creates. Leaders approve, remove and appoint
co-leaders; a member can leave; moderators close a network (its members keep reading
it, nothing new happens in it). Every membership change is written to the audit log in
the same transaction.

What a member reads of a network's shared experiences follows from their active
memberships (kb.access.membership): once they leave or are removed they read none of
it, and what was shared stays shared with the network only. Who may see and do what in
a network is decided in kb.access.networks.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from kb import community, moderation
from kb.access import membership, policy
from kb.access import networks as access
from kb.access.networks import (  # noqa: F401  (CLOSED, require_leader: read from here)
    CLOSED,
    OPEN,
    require_leader,
    require_leading,
)
from kb.access.policy import Audience
from kb.core import slugs, vocab
from kb.core.errors import Conflict, Forbidden, Invalid, NotFound
from kb.extensions import db
from kb.models import Network, NetworkInvite, NetworkMembership, User, utcnow
from kb.models.networks import ACTIVE, DECLINED, LEADER, LEFT, MEMBER, REMOVED, REQUESTED
from kb.networks import invitations

INVITE = "invite"
EVERY_ROLE = "alla"
INVITE_VALID_DAYS = 14
EDITABLE = ("name", "description", "kind", "region", "access", "auto_approve")

NOT_FOUND = "Nätverket finns inte."
INVITE_GONE = ("Inbjudningslänken gäller inte längre: den är redan använd, har gått ut "
               "eller dragits tillbaka. Be en ledare om en ny.")


# Finding networks -----------------------------------------------------------------------

def by_slug(slug: str) -> Network:
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        raise NotFound(NOT_FOUND)
    return network


def require_open(network: Network) -> None:
    """Nothing new happens in a network a moderator closed (kb.access.networks)."""
    access.require_open(network)


def member_counts(network_ids) -> dict[int, int]:
    ids = list(network_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(NetworkMembership.network_id, func.count())
        .where(NetworkMembership.network_id.in_(ids), membership.active())
        .group_by(NetworkMembership.network_id)).all())


@dataclass
class Listed:
    """A network as the list of networks shows it to one viewer."""

    network: Network
    members: int
    mine: NetworkMembership | None

    @property
    def described(self) -> bool:
        """Open networks are shown in full; closed ones by name only (to non-members)."""
        return access.described(self.network, self.mine)

    @property
    def member(self) -> bool:
        return membership.is_active(self.mine)

    @property
    def leader(self) -> bool:
        return membership.is_leader(self.mine)

    @property
    def requested(self) -> bool:
        return membership.is_requested(self.mine)


def listed(audience: Audience) -> list[Listed]:
    """Every network the viewer may see: open and closed ones, except networks a
    moderator closed, which only their members and moderators see. Mine first."""
    query = select(Network).where(access.listed_clause(audience)).order_by(Network.name)
    networks = list(db.session.scalars(query))
    counts = member_counts(n.id for n in networks)
    mine = {}
    if audience.member_id is not None:
        mine = {m.network_id: m for m in db.session.scalars(select(NetworkMembership).where(
            NetworkMembership.user_id == audience.member_id))}
    found = [Listed(n, counts.get(n.id, 0), mine.get(n.id)) for n in networks]
    found.sort(key=lambda item: (not item.member, item.network.name))
    return found


def members(network: Network) -> list[NetworkMembership]:
    """Active members, leaders first, then by name."""
    found = db.session.scalars(
        select(NetworkMembership)
        .options(joinedload(NetworkMembership.user).joinedload(User.organisation))
        .where(NetworkMembership.network_id == network.id, membership.active())
    ).all()
    return sorted(found, key=lambda m: (m.role != LEADER, m.user.display_name.lower()))


def member_ids(network: Network) -> list[int]:
    return list(db.session.scalars(select(NetworkMembership.user_id).where(
        NetworkMembership.network_id == network.id, membership.active())))


def leader_ids(network: Network) -> list[int]:
    return list(db.session.scalars(select(NetworkMembership.user_id).where(
        NetworkMembership.network_id == network.id, membership.leading())))


def requests(network: Network) -> list[NetworkMembership]:
    return list(db.session.scalars(
        select(NetworkMembership).options(joinedload(NetworkMembership.user))
        .where(NetworkMembership.network_id == network.id,
               NetworkMembership.status == REQUESTED)
        .order_by(NetworkMembership.created_at)))


def mine(user_id: int) -> list[Network]:
    """The networks a member is an active member of, by name."""
    return list(db.session.scalars(
        select(Network).join(NetworkMembership, NetworkMembership.network_id == Network.id)
        .where(NetworkMembership.user_id == user_id, membership.active())
        .order_by(Network.name)))


# Starting and changing --------------------------------------------------------------------

def free_slug(name: str) -> str:
    """A slug for a new network's name (kb.core.slugs) that no network has yet:
    "Lönechefsnätverket Skåne" -> "lonechefsnatverket-skane", then "...-skane-2"."""
    return slugs.free(name, "natverk", lambda slug: db.session.scalar(
        select(Network.id).where(Network.slug == slug)) is not None)


def _clean(values: dict) -> dict:
    cleaned = {name: values.get(name) for name in EDITABLE if name in values}
    for name in ("name", "description", "region"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "auto_approve" in cleaned:
        cleaned["auto_approve"] = bool(cleaned["auto_approve"])
    if not cleaned.get("name", "x"):
        raise Invalid("Ge nätverket ett namn.", field="name")
    return cleaned


def _name_taken(name: str, network_id: int | None = None) -> bool:
    query = select(Network.id).where(func.lower(Network.name) == name.lower())
    if network_id is not None:
        query = query.where(Network.id != network_id)
    return db.session.scalar(query) is not None


def start(founder: User, values: dict) -> Network:
    """A new network with its founder as leader."""
    cleaned = _clean(values)
    if _name_taken(cleaned["name"]):
        raise Invalid("Det finns redan ett nätverk med det namnet.", field="name")
    network = Network(slug=free_slug(cleaned["name"]), created_by_id=founder.id, **cleaned)
    db.session.add(network)
    db.session.flush()
    leader = NetworkMembership(network_id=network.id, user_id=founder.id, role=LEADER,
                               status=ACTIVE, joined_at=utcnow())
    db.session.add(leader)
    db.session.flush()
    moderation.audit_log(founder, "network.create", network)
    moderation.audit_log(founder, "network.join", leader, "Startade nätverket och blev ledare.")
    db.session.commit()
    return network


def update(network: Network, leader: User, values: dict) -> Network:
    require_leading(network, leader)
    cleaned = _clean(values)
    if "name" in cleaned and _name_taken(cleaned["name"], network.id):
        raise Invalid("Det finns redan ett nätverk med det namnet.", field="name")
    for name, value in cleaned.items():
        setattr(network, name, value)
    moderation.audit_log(leader, "network.update", network)
    db.session.commit()
    return network


def close(network: Network, audience: Audience, moderator: User, reason: str) -> None:
    policy.require_moderator(audience, "Bara moderatorer kan stänga ett nätverk.")
    if network.is_closed:
        raise Conflict("Nätverket är redan stängt.")
    network.closed_at = utcnow()
    network.closed_reason = reason.strip()
    moderation.audit_log(moderator, "network.close", network, reason)
    db.session.commit()


def reopen(network: Network, audience: Audience, moderator: User, reason: str = "") -> None:
    policy.require_moderator(audience, "Bara moderatorer kan öppna ett nätverk igen.")
    network.closed_at = None
    network.closed_reason = ""
    moderation.audit_log(moderator, "network.reopen", network, reason)
    db.session.commit()


# Joining ------------------------------------------------------------------------------------

def _place(network: Network, user: User) -> NetworkMembership:
    """The member's row for this network, new or kept from before."""
    found = access.membership_of(network, user.id)
    if found is None:
        found = NetworkMembership(network_id=network.id, user_id=user.id, role=MEMBER,
                                  status=REQUESTED)
        db.session.add(found)
    return found


def _activate(found: NetworkMembership) -> None:
    found.status = ACTIVE
    found.role = MEMBER if found.role != LEADER else LEADER
    found.joined_at = utcnow()


def request_to_join(network: Network, user: User) -> NetworkMembership:
    """A member asks to join an open network; in at once if the leaders chose so."""
    require_open(network)
    found = access.membership_of(network, user.id)
    if membership.is_active(found):
        raise Conflict("Du är redan medlem i nätverket.")
    if membership.is_requested(found):
        raise Conflict("Du har redan ansökt; en ledare svarar på ansökan.")
    if found is not None and found.status == REMOVED:
        raise Forbidden("En ledare har tagit bort dig ur nätverket. Be en ledare om en "
                        "inbjudan om du vill vara med igen.")
    if network.access != OPEN:
        raise Forbidden("Nätverket är slutet: man går med via en inbjudningslänk från en ledare.")
    if network.kind != EVERY_ROLE and user.professional_role != network.kind:
        who = vocab.label(vocab.NETWORK_KINDS, network.kind).lower()
        raise Forbidden(f"Nätverket är för {who}. Be en ledare om en inbjudan om du ändå "
                        "vill vara med.")
    found = _place(network, user)
    found.role = MEMBER
    if network.auto_approve:
        _activate(found)
        db.session.flush()
        moderation.audit_log(user, "network.join", found)
    else:
        found.status = REQUESTED
        found.created_at = utcnow()
        db.session.flush()
        moderation.audit_log(user, "network.request", found)
        community.notify_members(network, community.JOIN_REQUEST, leaders_only=True,
                                 except_user=user)
    db.session.commit()
    return found


def _request_of(network: Network, membership_id: int) -> NetworkMembership:
    found = db.session.get(NetworkMembership, membership_id)
    if found is None or found.network_id != network.id:
        raise NotFound("Medlemskapet finns inte.")
    return found


def approve(network: Network, leader: User, membership_id: int) -> NetworkMembership:
    require_leading(network, leader)
    found = _request_of(network, membership_id)
    if not membership.is_requested(found):
        raise Conflict("Ansökan är redan besvarad.")
    _activate(found)
    moderation.audit_log(leader, "network.approve", found)
    community.notify(found.user_id, community.JOINED, network=network, actor_id=leader.id)
    db.session.commit()
    return found


def decline(network: Network, leader: User, membership_id: int) -> NetworkMembership:
    require_leading(network, leader)
    found = _request_of(network, membership_id)
    if not membership.is_requested(found):
        raise Conflict("Ansökan är redan besvarad.")
    found.status = DECLINED
    moderation.audit_log(leader, "network.decline", found)
    db.session.commit()
    return found


def create_invite(network: Network, leader: User, note: str = "",
                  valid_days: int = INVITE_VALID_DAYS) -> NetworkInvite:
    """A single-use link that lets one person in, valid for `valid_days` days."""
    require_leading(network, leader)
    invite = NetworkInvite(network_id=network.id, token=secrets.token_urlsafe(24),
                           note=(note or "").strip(), created_by_id=leader.id,
                           expires_at=utcnow() + timedelta(days=valid_days))
    db.session.add(invite)
    db.session.flush()
    moderation.audit_log(leader, "network.invite", invite, invite.note)
    db.session.commit()
    return invite


def open_invites(network: Network) -> list[NetworkInvite]:
    """The links to pass on that still work (invitations by e-mail are listed by
    kb.networks.invitations)."""
    now = utcnow()
    return list(db.session.scalars(
        select(NetworkInvite).where(NetworkInvite.network_id == network.id,
                                    NetworkInvite.email.is_(None),
                                    NetworkInvite.used_at.is_(None),
                                    NetworkInvite.revoked_at.is_(None),
                                    NetworkInvite.expires_at > now)
        .order_by(NetworkInvite.created_at.desc())))


def revoke_invite(network: Network, leader: User, invite_id: int) -> None:
    """The link stops working, unless someone used it first (one conditional UPDATE:
    kb.networks.invitations.withdraw)."""
    invitations.withdraw(network, leader, invite_id)


def usable_invite(network: Network, token: str) -> NetworkInvite:
    """The invite behind a link, or NotFound when it is used, revoked, expired or wrong."""
    invite = db.session.scalar(select(NetworkInvite).where(
        NetworkInvite.token == (token or "")[:64], NetworkInvite.network_id == network.id))
    if invite is None or invite.used_at is not None or invite.revoked_at is not None \
            or invite.expires_at < utcnow():
        raise NotFound(INVITE_GONE)
    return invite


def _use_up(invite: NetworkInvite, user: User) -> bool:
    """Mark the invite used by `user` – one conditional UPDATE, so of several people
    accepting one link at the same moment exactly one wins (True); the others find it
    used (False), in every process and on every database."""
    now = utcnow()
    taken = db.session.execute(
        sql_update(NetworkInvite)
        .where(NetworkInvite.id == invite.id, NetworkInvite.used_at.is_(None),
               NetworkInvite.revoked_at.is_(None), NetworkInvite.expires_at >= now)
        .values(used_by_id=user.id, used_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        return False
    set_committed_value(invite, "used_by_id", user.id)  # as stored: no second UPDATE
    set_committed_value(invite, "used_at", now)
    return True


def accept_invite(network: Network, token: str, user: User) -> NetworkMembership:
    """The invite is used up and the member is in (an invite lets anyone in, whatever
    their role: the leader chose them). An invitation mailed to an address is for the
    member whose confirmed address it is (Forbidden for anyone else). A link someone
    else used, or a leader withdrew or sent again, a moment earlier is refused
    (Conflict, with the message of a used link)."""
    require_open(network)
    invite = usable_invite(network, token)
    found = access.membership_of(network, user.id)
    if membership.is_active(found):
        if invite.email is not None:
            raise Conflict("Du är redan medlem i nätverket.")
        raise Conflict("Du är redan medlem i nätverket; länken kan användas av någon annan.")
    access.require_invitee(invite, user)
    if not _use_up(invite, user):
        db.session.rollback()
        raise Conflict(INVITE_GONE)
    found = _place(network, user)
    _activate(found)
    try:
        db.session.flush()
    except IntegrityError:  # the same member joined through another link just now
        db.session.rollback()
        raise Conflict("Du är redan medlem i nätverket; länken kan användas av någon "
                       "annan.") from None
    moderation.audit_log(user, "network.join_by_invite", found, invite.note)
    community.notify_members(network, community.JOINED, leaders_only=True, except_user=user)
    db.session.commit()
    return found


# Leaving and leading -----------------------------------------------------------------------

def leave(network: Network, user: User) -> None:
    found = access.membership_of(network, user.id)
    if not membership.is_active(found):
        raise Conflict("Du är inte medlem i nätverket.")
    if found.role == LEADER and leader_ids(network) == [user.id] and len(member_ids(network)) > 1:
        raise Conflict("Du är nätverkets enda ledare. Utse en medledare innan du lämnar.")
    found.status = LEFT
    found.role = MEMBER
    found.calendar_token = None  # the calendar feed stops with the membership
    moderation.audit_log(user, "network.leave", found)
    db.session.commit()


def remove(network: Network, leader: User, membership_id: int, reason: str = "") -> None:
    require_leading(network, leader)
    found = _request_of(network, membership_id)
    if not membership.is_active(found):
        raise Conflict("Personen är inte medlem i nätverket.")
    if found.user_id == leader.id:
        raise Conflict("Du kan inte ta bort dig själv; välj Lämna nätverket i stället.")
    found.status = REMOVED
    found.role = MEMBER
    found.calendar_token = None
    moderation.audit_log(leader, "network.remove", found, reason)
    db.session.commit()


def appoint_leader(network: Network, leader: User, membership_id: int) -> NetworkMembership:
    require_leading(network, leader)
    found = _request_of(network, membership_id)
    if not membership.is_active(found):
        raise Conflict("Bara medlemmar kan bli ledare.")
    if found.role == LEADER:
        raise Conflict("Personen är redan ledare.")
    found.role = LEADER
    moderation.audit_log(leader, "network.appoint", found)
    db.session.commit()
    return found

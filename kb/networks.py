"""Networks and their members: starting one, joining, invites, leaders, leaving, closing.

Any member may start a network and becomes its leader. An open network is joined by a
request that a leader approves (or at once, if the leaders chose so); a closed one only
through a single-use invite link a leader creates. Leaders approve, remove and appoint
co-leaders; a member can leave; moderators close a network (its members keep reading
it, nothing new happens in it). Every membership change is written to the audit log in
the same transaction.

What a member reads of a network's shared experiences follows from their active
memberships (kb.policy.active_network_ids): once they leave or are removed they read
none of it, and what was shared stays shared with the network only.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kb import audit, notifications, vocab
from kb.errors import Conflict, Forbidden, Invalid, NotFound
from kb.extensions import db
from kb.models import Network, NetworkInvite, NetworkMembership, User, utcnow
from kb.models.networks import ACTIVE, DECLINED, LEADER, LEFT, MEMBER, REMOVED, REQUESTED
from kb.policy import Audience

OPEN, INVITE = "open", "invite"
EVERY_ROLE = "alla"
INVITE_VALID_DAYS = 14
EDITABLE = ("name", "description", "kind", "region", "access", "auto_approve")

NOT_FOUND = "Nätverket finns inte."
LEADERS_ONLY = "Bara nätverkets ledare kan göra det här."
MEMBERS_ONLY = "Bara nätverkets medlemmar ser det här."
CLOSED = "Nätverket är stängt av en moderator; inget nytt kan hända i det."


# Finding networks -----------------------------------------------------------------------

def by_slug(slug: str) -> Network:
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        raise NotFound(NOT_FOUND)
    return network


def membership(network: Network, user_id: int | None) -> NetworkMembership | None:
    if user_id is None:
        return None
    return db.session.scalar(select(NetworkMembership).where(
        NetworkMembership.network_id == network.id, NetworkMembership.user_id == user_id))


def is_member(audience: Audience, network: Network) -> bool:
    return audience.in_network(network.id)


def may_read(audience: Audience, network: Network) -> bool:
    """Who reads what happens inside a network: its members, and moderators (they
    moderate everything, networks too)."""
    return audience.in_network(network.id) or audience.moderator


def require_reader(audience: Audience, network: Network) -> None:
    if not may_read(audience, network):
        raise Forbidden(MEMBERS_ONLY)


def require_member(audience: Audience, network: Network) -> None:
    """Taking part (answering, asking, the calendar) is for the network's members."""
    if not is_member(audience, network):
        raise Forbidden(MEMBERS_ONLY)


def is_leader(network: Network, user_id: int | None) -> bool:
    found = membership(network, user_id)
    return found is not None and found.is_leader


def require_leader(network: Network, user: User) -> NetworkMembership:
    found = membership(network, user.id)
    if found is None or not found.is_leader:
        raise Forbidden(LEADERS_ONLY)
    return found


def require_open(network: Network) -> None:
    if network.is_closed:
        raise Conflict(CLOSED)


def member_counts(network_ids) -> dict[int, int]:
    ids = list(network_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(NetworkMembership.network_id, func.count())
        .where(NetworkMembership.network_id.in_(ids), NetworkMembership.status == ACTIVE)
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
        return self.network.access == OPEN or (self.mine is not None and self.mine.is_active)


def listed(audience: Audience) -> list[Listed]:
    """Every network the viewer may see: open and closed ones, except networks a
    moderator closed, which only their members and moderators see. Mine first."""
    query = select(Network).order_by(Network.name)
    if not audience.moderator:
        query = query.where(Network.closed_at.is_(None)
                            | Network.id.in_(sorted(audience.network_ids) or [0]))
    networks = list(db.session.scalars(query))
    counts = member_counts(n.id for n in networks)
    mine = {}
    if audience.member_id is not None:
        mine = {m.network_id: m for m in db.session.scalars(select(NetworkMembership).where(
            NetworkMembership.user_id == audience.member_id))}
    found = [Listed(n, counts.get(n.id, 0), mine.get(n.id)) for n in networks]
    found.sort(key=lambda item: (not (item.mine and item.mine.is_active), item.network.name))
    return found


def members(network: Network) -> list[NetworkMembership]:
    """Active members, leaders first, then by name."""
    found = db.session.scalars(
        select(NetworkMembership)
        .options(joinedload(NetworkMembership.user).joinedload(User.organisation))
        .where(NetworkMembership.network_id == network.id, NetworkMembership.status == ACTIVE)
    ).all()
    return sorted(found, key=lambda m: (m.role != LEADER, m.user.display_name.lower()))


def member_ids(network: Network) -> list[int]:
    return list(db.session.scalars(select(NetworkMembership.user_id).where(
        NetworkMembership.network_id == network.id, NetworkMembership.status == ACTIVE)))


def leader_ids(network: Network) -> list[int]:
    return list(db.session.scalars(select(NetworkMembership.user_id).where(
        NetworkMembership.network_id == network.id, NetworkMembership.status == ACTIVE,
        NetworkMembership.role == LEADER)))


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
        .where(NetworkMembership.user_id == user_id, NetworkMembership.status == ACTIVE)
        .order_by(Network.name)))


def shareable(user_id: int) -> list[Network]:
    """The networks a member may share an experience with: theirs, not closed."""
    return [network for network in mine(user_id) if not network.is_closed]


# Starting and changing --------------------------------------------------------------------

def slug_for(name: str) -> str:
    """A URL slug from a Swedish name: "Lönechefsnätverket Skåne" -> "lonechefsnatverket-skane"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:70].strip("-")
    base = slug or "natverk"
    candidate, n = base, 1
    while db.session.scalar(select(Network.id).where(Network.slug == candidate)):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


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
    network = Network(slug=slug_for(cleaned["name"]), created_by_id=founder.id, **cleaned)
    db.session.add(network)
    db.session.flush()
    leader = NetworkMembership(network_id=network.id, user_id=founder.id, role=LEADER,
                               status=ACTIVE, joined_at=utcnow())
    db.session.add(leader)
    db.session.flush()
    audit.record(founder, "network.create", network)
    audit.record(founder, "network.join", leader, "Startade nätverket och blev ledare.")
    db.session.commit()
    return network


def update(network: Network, leader: User, values: dict) -> Network:
    require_leader(network, leader)
    require_open(network)
    cleaned = _clean(values)
    if "name" in cleaned and _name_taken(cleaned["name"], network.id):
        raise Invalid("Det finns redan ett nätverk med det namnet.", field="name")
    for name, value in cleaned.items():
        setattr(network, name, value)
    audit.record(leader, "network.update", network)
    db.session.commit()
    return network


def close(network: Network, moderator: User, reason: str) -> None:
    if not moderator.is_moderator:
        raise Forbidden("Bara moderatorer kan stänga ett nätverk.")
    if network.is_closed:
        raise Conflict("Nätverket är redan stängt.")
    network.closed_at = utcnow()
    network.closed_reason = reason.strip()
    audit.record(moderator, "network.close", network, reason)
    db.session.commit()


def reopen(network: Network, moderator: User, reason: str = "") -> None:
    if not moderator.is_moderator:
        raise Forbidden("Bara moderatorer kan öppna ett nätverk igen.")
    network.closed_at = None
    network.closed_reason = ""
    audit.record(moderator, "network.reopen", network, reason)
    db.session.commit()


# Joining ------------------------------------------------------------------------------------

def _place(network: Network, user: User) -> NetworkMembership:
    """The member's row for this network, new or kept from before."""
    found = membership(network, user.id)
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
    found = membership(network, user.id)
    if found is not None and found.status == ACTIVE:
        raise Conflict("Du är redan medlem i nätverket.")
    if found is not None and found.status == REQUESTED:
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
        audit.record(user, "network.join", found)
    else:
        found.status = REQUESTED
        found.created_at = utcnow()
        db.session.flush()
        audit.record(user, "network.request", found)
        for leader_id in leader_ids(network):
            notifications.notify(leader_id, notifications.JOIN_REQUEST, network=network,
                                 actor_id=user.id)
    db.session.commit()
    return found


def _request_of(network: Network, membership_id: int) -> NetworkMembership:
    found = db.session.get(NetworkMembership, membership_id)
    if found is None or found.network_id != network.id:
        raise NotFound("Medlemskapet finns inte.")
    return found


def approve(network: Network, leader: User, membership_id: int) -> NetworkMembership:
    require_leader(network, leader)
    require_open(network)
    found = _request_of(network, membership_id)
    if found.status != REQUESTED:
        raise Conflict("Ansökan är redan besvarad.")
    _activate(found)
    audit.record(leader, "network.approve", found)
    notifications.notify(found.user_id, notifications.JOINED, network=network,
                         actor_id=leader.id)
    db.session.commit()
    return found


def decline(network: Network, leader: User, membership_id: int) -> NetworkMembership:
    require_leader(network, leader)
    found = _request_of(network, membership_id)
    if found.status != REQUESTED:
        raise Conflict("Ansökan är redan besvarad.")
    found.status = DECLINED
    audit.record(leader, "network.decline", found)
    db.session.commit()
    return found


def create_invite(network: Network, leader: User, note: str = "",
                  valid_days: int = INVITE_VALID_DAYS) -> NetworkInvite:
    """A single-use link that lets one person in, valid for `valid_days` days."""
    require_leader(network, leader)
    require_open(network)
    invite = NetworkInvite(network_id=network.id, token=secrets.token_urlsafe(24),
                           note=(note or "").strip(), created_by_id=leader.id,
                           expires_at=utcnow() + timedelta(days=valid_days))
    db.session.add(invite)
    db.session.flush()
    audit.record(leader, "network.invite", invite, invite.note)
    db.session.commit()
    return invite


def open_invites(network: Network) -> list[NetworkInvite]:
    now = utcnow()
    return list(db.session.scalars(
        select(NetworkInvite).where(NetworkInvite.network_id == network.id,
                                    NetworkInvite.used_at.is_(None),
                                    NetworkInvite.revoked_at.is_(None),
                                    NetworkInvite.expires_at > now)
        .order_by(NetworkInvite.created_at.desc())))


def revoke_invite(network: Network, leader: User, invite_id: int) -> None:
    require_leader(network, leader)
    invite = db.session.get(NetworkInvite, invite_id)
    if invite is None or invite.network_id != network.id:
        raise NotFound("Inbjudan finns inte.")
    if invite.used_at is None and invite.revoked_at is None:
        invite.revoked_at = utcnow()
        audit.record(leader, "network.invite_revoke", invite)
    db.session.commit()


def usable_invite(network: Network, token: str) -> NetworkInvite:
    """The invite behind a link, or NotFound when it is used, revoked, expired or wrong."""
    invite = db.session.scalar(select(NetworkInvite).where(
        NetworkInvite.token == (token or "")[:64], NetworkInvite.network_id == network.id))
    if invite is None or invite.used_at is not None or invite.revoked_at is not None \
            or invite.expires_at < utcnow():
        raise NotFound("Inbjudningslänken gäller inte längre: den är redan använd, har gått "
                       "ut eller dragits tillbaka. Be en ledare om en ny.")
    return invite


def accept_invite(network: Network, token: str, user: User) -> NetworkMembership:
    """The invite is used up and the member is in (an invite lets anyone in, whatever
    their role: the leader chose them)."""
    require_open(network)
    invite = usable_invite(network, token)
    found = membership(network, user.id)
    if found is not None and found.status == ACTIVE:
        raise Conflict("Du är redan medlem i nätverket; länken kan användas av någon annan.")
    found = _place(network, user)
    _activate(found)
    invite.used_by_id = user.id
    invite.used_at = utcnow()
    db.session.flush()
    audit.record(user, "network.join_by_invite", found, invite.note)
    for leader_id in leader_ids(network):
        notifications.notify(leader_id, notifications.JOINED, network=network,
                             actor_id=user.id)
    db.session.commit()
    return found


# Leaving and leading -----------------------------------------------------------------------

def leave(network: Network, user: User) -> None:
    found = membership(network, user.id)
    if found is None or found.status != ACTIVE:
        raise Conflict("Du är inte medlem i nätverket.")
    if found.role == LEADER and leader_ids(network) == [user.id] and len(member_ids(network)) > 1:
        raise Conflict("Du är nätverkets enda ledare. Utse en medledare innan du lämnar.")
    found.status = LEFT
    found.role = MEMBER
    found.calendar_token = None  # the calendar feed stops with the membership
    audit.record(user, "network.leave", found)
    db.session.commit()


def remove(network: Network, leader: User, membership_id: int, reason: str = "") -> None:
    require_leader(network, leader)
    found = _request_of(network, membership_id)
    if found.status != ACTIVE:
        raise Conflict("Personen är inte medlem i nätverket.")
    if found.user_id == leader.id:
        raise Conflict("Du kan inte ta bort dig själv; välj Lämna nätverket i stället.")
    found.status = REMOVED
    found.role = MEMBER
    found.calendar_token = None
    audit.record(leader, "network.remove", found, reason)
    db.session.commit()


def appoint_leader(network: Network, leader: User, membership_id: int) -> NetworkMembership:
    require_leader(network, leader)
    require_open(network)
    found = _request_of(network, membership_id)
    if found.status != ACTIVE:
        raise Conflict("Bara medlemmar kan bli ledare.")
    if found.role == LEADER:
        raise Conflict("Personen är redan ledare.")
    found.role = LEADER
    audit.record(leader, "network.appoint", found)
    db.session.commit()
    return found

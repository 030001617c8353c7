"""Invitations by e-mail: a leader pastes addresses and each gets a mail with a link of
its own.

- Each invitation is a NetworkInvite with the address it was mailed to (`email`). Its
  link works once, for the member whose confirmed address it is
  (kb.access.networks.require_invitee): a forwarded mail lets nobody else in.
- Pasting: addresses that are members already, that have an invitation still waiting,
  that were typed twice, or that were mailed too often today get no mail and are
  reported; what is no address is given back as typed. At most
  ADDRESSES_PER_FORM entries a form and MAILS_PER_DAY mails a network a day (a
  "day" is the last 24 hours), and at most MAILS_PER_ADDRESS_PER_DAY to one address.
- "Skicka igen" mails a new link and ends the old one; "Återkalla" ends the link. Both
  are one conditional UPDATE that loses to an acceptance committed first (and the
  acceptance loses to them: kb.networks.memberships._use_up asks for a link neither
  used nor ended), so a withdrawn link never lets anyone in.
- The mail is queued in the outbox (kb.mail) in the same transaction: the request never
  waits for or fails on the mail server. The address goes in the header; the name the
  leader pasted only in the body, on one line.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import joinedload

from kb import mail, moderation
from kb.access import membership
from kb.access import networks as access
from kb.core import swedish
from kb.core.errors import Conflict, Invalid, NotFound
from kb.extensions import db
from kb.models import Network, NetworkInvite, NetworkMembership, User, utcnow
from kb.networks import addresses

INVITATION_MAIL = "network_invitation"
VALID_DAYS = 14
ADDRESSES_PER_FORM = 50
MAILS_PER_DAY = 100
MAILS_PER_ADDRESS_PER_DAY = 3
LISTED = 200  # the newest invitations the members page lists

PENDING, ACCEPTED, EXPIRED, WITHDRAWN = "pending", "accepted", "expired", "withdrawn"
STATES = {PENDING: "Väntar på svar", ACCEPTED: "Tackade ja", EXPIRED: "Gick ut",
          WITHDRAWN: "Återkallad"}

NO_ADDRESS = "Klistra in minst en e-postadress."
UNKNOWN = "Inbjudan finns inte."


@dataclass
class Outcome:
    """What became of a pasted list: who got a mail and who did not, and why."""

    sent: list[addresses.Address] = field(default_factory=list)
    members: list[str] = field(default_factory=list)      # members already
    waiting: list[str] = field(default_factory=list)      # an invitation still works
    too_often: list[str] = field(default_factory=list)    # mailed too often today
    repeated: list[str] = field(default_factory=list)     # typed more than once
    invalid: list[str] = field(default_factory=list)      # no address, as typed


@dataclass(frozen=True)
class Listed:
    """An invitation as the members page lists it."""

    invite: NetworkInvite
    state: str

    @property
    def label(self) -> str:
        return STATES[self.state]

    @property
    def pending(self) -> bool:
        return self.state == PENDING

    @property
    def may_resend(self) -> bool:
        return self.state != ACCEPTED

    @property
    def may_withdraw(self) -> bool:
        return self.state == PENDING


def state(invite: NetworkInvite, now: datetime | None = None) -> str:
    if invite.used_at is not None:
        return ACCEPTED
    if invite.revoked_at is not None:
        return WITHDRAWN
    if invite.expires_at < (now or utcnow()):
        return EXPIRED
    return PENDING


# Inviting ------------------------------------------------------------------------------

def mails_left_today(network: Network) -> int:
    return max(0, MAILS_PER_DAY - _mailed_since(network, None))


def _mailed_since(network: Network, email: str | None) -> int:
    query = select(func.count()).select_from(NetworkInvite).where(
        NetworkInvite.network_id == network.id, NetworkInvite.email.is_not(None),
        NetworkInvite.created_at >= utcnow() - timedelta(days=1))
    if email is not None:
        query = query.where(NetworkInvite.email == email)
    return db.session.scalar(query) or 0


def _member_addresses(network: Network, emails: list[str]) -> set[str]:
    if not emails:
        return set()
    return set(db.session.scalars(
        select(User.email).join(NetworkMembership, NetworkMembership.user_id == User.id)
        .where(NetworkMembership.network_id == network.id, membership.active(),
               User.email.in_(emails))))


def _waiting_addresses(network: Network, emails: list[str]) -> set[str]:
    if not emails:
        return set()
    return set(db.session.scalars(
        select(NetworkInvite.email).where(
            NetworkInvite.network_id == network.id, NetworkInvite.email.in_(emails),
            NetworkInvite.used_at.is_(None), NetworkInvite.revoked_at.is_(None),
            NetworkInvite.expires_at > utcnow())))


def invite_by_email(network: Network, leader: User, pasted: str) -> Outcome:
    """Mail an invitation to every new address in `pasted` (Invalid, on the field
    "addresses", when there is none, when there are too many, or when the network's
    mails for today would run out; nothing is sent then)."""
    access.require_leading(network, leader)
    parsed = addresses.parse(pasted)
    if parsed.typed == 0:
        raise Invalid(NO_ADDRESS, field="addresses")
    if parsed.typed > ADDRESSES_PER_FORM:
        raise Invalid(f"Högst {ADDRESSES_PER_FORM} adresser åt gången – du klistrade in "
                      f"{parsed.typed}. Dela upp listan och skicka resten i en ny omgång.",
                      field="addresses")
    outcome = Outcome(repeated=parsed.repeated, invalid=parsed.invalid)
    emails = [a.email for a in parsed.addresses]
    members = _member_addresses(network, emails)
    waiting = _waiting_addresses(network, emails)
    to_send = []
    for address in parsed.addresses:
        if address.email in members:
            outcome.members.append(address.email)
        elif address.email in waiting:
            outcome.waiting.append(address.email)
        elif _mailed_since(network, address.email) >= MAILS_PER_ADDRESS_PER_DAY:
            outcome.too_often.append(address.email)
        else:
            to_send.append(address)
    left = mails_left_today(network)
    if len(to_send) > left:
        raise Invalid(
            f"Ett nätverk kan skicka högst {MAILS_PER_DAY} inbjudningar per dygn. Just nu "
            f"återstår {left}, och listan har {len(to_send)} nya adresser. Skicka färre "
            "eller vänta till i morgon.", field="addresses")
    for address in to_send:
        _mail(network, leader, address.email, address.name)
    outcome.sent = to_send
    db.session.commit()
    return outcome


def _mail(network: Network, leader: User, email: str, name: str,
          reason: str = "Mejlad") -> NetworkInvite:
    """A new invitation for `email` in the session, and its mail in the outbox."""
    invite = NetworkInvite(network_id=network.id, token=secrets.token_urlsafe(24),
                           created_by_id=leader.id, email=email, name=name,
                           expires_at=utcnow() + timedelta(days=VALID_DAYS))
    db.session.add(invite)
    db.session.flush()
    moderation.audit_log(leader, "network.invite", invite, f"{reason} till {email}")
    inviter = leader.display_name
    mail.queue(INVITATION_MAIL, email,
               f"{inviter} har bjudit in dig till {network.name} på kb", "network_invitation",
               name=name, inviter=inviter, network=network.name,
               description=network.description or "", email=email,
               url=mail.link("networks.accept_invite", slug=network.slug, token=invite.token),
               valid=swedish.plural(VALID_DAYS, "dag", "dagar"))
    return invite


# The list, sending again and withdrawing ------------------------------------------------

def listed(network: Network, limit: int = LISTED) -> list[Listed]:
    """The network's invitations by e-mail, newest first: each address's current one
    (one sent again is listed as its new link)."""
    now = utcnow()
    found = db.session.scalars(
        select(NetworkInvite).options(joinedload(NetworkInvite.used_by))
        .where(NetworkInvite.network_id == network.id, NetworkInvite.email.is_not(None),
               NetworkInvite.replaced_by_id.is_(None))
        .order_by(NetworkInvite.created_at.desc(), NetworkInvite.id.desc()).limit(limit))
    return [Listed(invite, state(invite, now)) for invite in found]


def _mailed(network: Network, invite_id: int) -> NetworkInvite:
    invite = db.session.get(NetworkInvite, invite_id)
    if invite is None or invite.network_id != network.id or invite.email is None:
        raise NotFound(UNKNOWN)
    return invite


def resend(network: Network, leader: User, invite_id: int) -> NetworkInvite:
    """A new link to the same address; the old one stops working at once."""
    access.require_leading(network, leader)
    old = _mailed(network, invite_id)
    if old.used_at is not None:
        raise Conflict(f"{old.email} har redan tackat ja till inbjudan.")
    if old.replaced_by_id is not None:
        raise Conflict("Inbjudan är redan skickad igen; se den nya i listan.")
    if _member_addresses(network, [old.email]):
        raise Conflict(f"{old.email} är redan medlem i nätverket.")
    if _mailed_since(network, old.email) >= MAILS_PER_ADDRESS_PER_DAY:
        raise Conflict(f"{old.email} har fått {MAILS_PER_ADDRESS_PER_DAY} inbjudningar det "
                       "senaste dygnet. Vänta till i morgon innan du skickar igen.")
    if mails_left_today(network) < 1:
        raise Conflict(f"Nätverket har skickat {MAILS_PER_DAY} inbjudningar det senaste "
                       "dygnet, det högsta antalet. Vänta till i morgon.")
    new = _mail(network, leader, old.email, old.name, reason="Skickad igen")
    # Only while the old link is neither used nor replaced: of an acceptance and a
    # resend at the same moment exactly one wins.
    ended = db.session.execute(
        sql_update(NetworkInvite)
        .where(NetworkInvite.id == old.id, NetworkInvite.used_at.is_(None),
               NetworkInvite.replaced_by_id.is_(None))
        .values(revoked_at=func.coalesce(NetworkInvite.revoked_at, utcnow()),
                replaced_by_id=new.id)
        .execution_options(synchronize_session=False))
    if ended.rowcount != 1:
        db.session.rollback()
        raise Conflict("Inbjudan ändrades just nu (den användes eller skickades igen). "
                       "Se listan.")
    db.session.commit()
    return new


def withdraw(network: Network, leader: User, invite_id: int) -> NetworkInvite:
    """The link stops working (a link to pass on, or an invitation by e-mail); Conflict
    when it was used first."""
    access.require_leading(network, leader)
    invite = db.session.get(NetworkInvite, invite_id)
    if invite is None or invite.network_id != network.id:
        raise NotFound(UNKNOWN)
    ended = db.session.execute(
        sql_update(NetworkInvite)
        .where(NetworkInvite.id == invite.id, NetworkInvite.used_at.is_(None),
               NetworkInvite.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False))
    if ended.rowcount == 1:
        moderation.audit_log(leader, "network.invite_revoke", invite, invite.email or "")
        db.session.commit()
        db.session.refresh(invite)
        return invite
    db.session.rollback()
    db.session.refresh(invite)
    if invite.used_at is not None:
        who = invite.email or "Någon"
        raise Conflict(f"{who} har redan tackat ja, så inbjudan kan inte återkallas. Ta bort "
                       "personen ur nätverket i medlemslistan om hen inte ska vara med.")
    return invite  # withdrawn already: nothing more to do


# The invited person's side -------------------------------------------------------------

def usable(token: str) -> NetworkInvite | None:
    """The invitation by e-mail behind a link while it works (not used, withdrawn,
    replaced or expired, in a network that is not closed), else None."""
    if not token or len(token) > 64:
        return None
    invite = db.session.scalar(
        select(NetworkInvite).options(joinedload(NetworkInvite.network),
                                      joinedload(NetworkInvite.created_by))
        .where(NetworkInvite.token == token, NetworkInvite.email.is_not(None)))
    if invite is None or state(invite) != PENDING or invite.network.is_closed:
        return None
    return invite


def inviter_name(invite: NetworkInvite) -> str:
    return invite.created_by.display_name if invite.created_by is not None else "En ledare"

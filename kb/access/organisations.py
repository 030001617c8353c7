"""Whose organisation counts as verified, and who may confirm whose.

An organisation's name is only what a member typed; nobody speaks for an organisation
(takes over its survey answer, counts as one of it in the figures) by typing it. A
member's link to their organisation is verified

- by domain: their address is confirmed and its domain is the organisation's e-mail
  domain (a moderator sets it); public mail services (WEBMAIL_DOMAINS) never verify
  anything, since anyone can have an address there;
- by a leader: a leader of a network the member is an active member of, whose own link
  to the same organisation is verified, confirmed it;
- by a moderator, who confirms any member's organisation and sets domains.

A verification by domain holds while it does: once the address or the domain changes,
it no longer counts (kb.accounts.organisations also clears it then).

Views and templates do not decide any of this themselves: they call these functions;
the writes are kb.accounts.organisations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from kb.access import membership as memberships
from kb.access.networks import LEADERS_ONLY, membership_of
from kb.access.policy import audience_of, may_moderate
from kb.core.errors import Forbidden
from kb.core.slugs import slugify

DOMAIN, LEADER, MODERATOR = "domain", "leader", "moderator"
WAYS = (DOMAIN, LEADER, MODERATOR)

# Public mail services: an address there says nothing about where its owner works.
WEBMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.se", "outlook.com", "outlook.se",
    "live.com", "live.se", "msn.com", "yahoo.com", "yahoo.se", "ymail.com", "icloud.com",
    "me.com", "mac.com", "aol.com", "gmx.com", "gmx.net", "mail.com", "protonmail.com",
    "proton.me", "pm.me", "tutanota.com", "zoho.com", "yandex.com", "telia.com", "telia.se",
    "bredband.net", "bredband2.com", "comhem.se", "tele2.se", "spray.se", "passagen.se",
    "home.se", "swipnet.se", "glocalnet.net", "bahnhof.se", "ownit.se",
})

# A host name of letters, digits and hyphens, with a dot and a top-level domain.
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

NOT_A_LEADER = LEADERS_ONLY
NETWORK_CLOSED = "Nätverket är stängt: ingen organisation bekräftas i det just nu."
NOT_OWN = "Din egen organisation bekräftas av en moderator eller via din e-postadress."
NOT_A_MEMBER = "Bara nätverkets medlemmar kan få sin organisation bekräftad här."
LEADER_NOT_VERIFIED = ("Din egen koppling till en organisation är inte verifierad, så du kan "
                       "inte bekräfta andras. Verifiera den under Mitt konto.")
NO_ORGANISATION = "Medlemmen har inte angett någon organisation."
ALREADY_VERIFIED = "Medlemmens organisation är redan verifierad."


def name_key(name: str | None) -> str:
    """An organisation's name compared without case, accents or punctuation:
    "Kungälvs kommun" and "kungalvs-kommun" are the same name."""
    return slugify(name or "", max_length=1000)


def same_name(first, second) -> bool:
    """Whether two organisations (or none) have the same name, compared loosely."""
    if first is None or second is None:
        return False
    key = name_key(first.name)
    return bool(key) and key == name_key(second.name)


def address_domain(email: str | None) -> str:
    """The domain of an address, lower-case ("" for no address)."""
    _, at, domain = (email or "").strip().lower().rpartition("@")
    return domain.rstrip(".") if at else ""


def is_webmail(domain: str) -> bool:
    return domain.lower() in WEBMAIL_DOMAINS


def looks_like_domain(domain: str) -> bool:
    """A host name an organisation's work addresses can be at (not a public mail service)."""
    return bool(_DOMAIN.match(domain)) and not is_webmail(domain)


def domain_verifies(user, organisation) -> bool:
    """Whether the member's address verifies their link to this organisation: confirmed,
    at the organisation's domain, and that domain not a public mail service."""
    if organisation is None or not organisation.email_domain or not user.is_confirmed:
        return False
    domain = address_domain(user.email)
    return domain == organisation.email_domain and looks_like_domain(domain)


@dataclass(frozen=True)
class Verification:
    """How a member's link to their organisation is verified now."""

    how: str                  # DOMAIN, LEADER or MODERATOR
    at: datetime
    domain: str = ""          # the organisation's domain, verified by domain
    by_name: str = ""         # the leader who confirmed it, while their account exists


def verification(user) -> Verification | None:
    """How the member's link to their organisation is verified, or None: never verified,
    or verified by a domain that no longer holds (their address or the domain changed)."""
    if user is None or getattr(user, "organisation_id", None) is None:
        return None
    how, at = user.organisation_verified_by, user.organisation_verified_at
    if at is None or how not in WAYS:
        return None
    if how == DOMAIN:
        if not domain_verifies(user, user.organisation):
            return None
        return Verification(DOMAIN, at, domain=user.organisation.email_domain)
    verifier = user.organisation_verifier if how == LEADER else None
    return Verification(how, at, by_name=verifier.display_name if verifier else "")


def is_verified(user) -> bool:
    return verification(user) is not None


# Who confirms whose organisation ----------------------------------------------------------

def may_confirm_any(user) -> bool:
    """Moderators (and admins) confirm any member's organisation and set domains."""
    return user is not None and may_moderate(audience_of(user, network_ids=()))


def require_moderator(user) -> None:
    if not may_confirm_any(user):
        raise Forbidden("Bara moderatorer kan verifiera organisationer.")


def leader_refusal(network, leader, member) -> str | None:
    """Why this leader may not confirm this member's organisation in this network (None
    when they may): they lead it and it is open, the member is an active member of it
    and not themselves, the leader's own link is verified, the member says they work at
    the same organisation and is not verified already."""
    if not memberships.is_leader(membership_of(network, leader.id)):
        return NOT_A_LEADER
    if network.is_closed:
        return NETWORK_CLOSED
    if member.id == leader.id:
        return NOT_OWN
    if not memberships.is_active(membership_of(network, member.id)):
        return NOT_A_MEMBER
    if not is_verified(leader):
        return LEADER_NOT_VERIFIED
    if member.organisation is None or not name_key(member.organisation.name):
        return NO_ORGANISATION
    if is_verified(member):
        return ALREADY_VERIFIED
    if member.organisation_id != leader.organisation_id and \
            not same_name(member.organisation, leader.organisation):
        return ("Du kan bara bekräfta medlemmar som arbetar i samma organisation som du "
                f"({leader.organisation.name}).")
    return None


def may_confirm_as_leader(network, leader, member) -> bool:
    return leader is not None and leader_refusal(network, leader, member) is None


def require_leader_of(network, user) -> None:
    """Forbidden unless the user leads the network (what else is missing is told on the
    members page, not as a refusal)."""
    if not memberships.is_leader(membership_of(network, user.id)):
        raise Forbidden(NOT_A_LEADER)

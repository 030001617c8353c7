"""Organisations are verified, not typed: every change to a member's link to their
organisation, and to an organisation's e-mail domain.

What a member types as their organisation (registering, or on /account) is theirs
alone: a row of its own that nobody else shares, so it speaks for nobody – two
members who both type "Kungälvs kommun" are two organisations in the figures, and
neither takes over that organisation's survey answer. A link becomes verified
(kb.access.organisations says when it is, and who may confirm whose):

- by domain: when the member's confirmed address is at an organisation's e-mail domain
  and the organisation they name is that one (by name, compared loosely), they join it
  – on confirming the address, on changing the address or the organisation, when a
  moderator sets the domain, or with the button on /account that joins the
  organisation of their address's domain whatever they typed;
- by a leader of one of their networks, whose own link is verified, to the leader's
  organisation, when the member names the same one;
- by a moderator, to the organisation kb knows by that name (one with a domain or
  verified members) or else to the member's own.

A verified member shares their organisation's row with its other verified members,
so it counts once; their experiences written for that organisation under its name
before go with them. Changing the organisation on /account ends the verification (the
member gets a row of their own again; what they wrote while verified stays the
organisation's); a moderator taking a verification back takes those experiences back
too. Every confirmation and domain is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from kb import moderation
from kb.access import organisations as rules
from kb.access.organisations import (
    ALREADY_VERIFIED,
    DOMAIN,
    LEADER,
    MODERATOR,
    NO_ORGANISATION,
    WEBMAIL_DOMAINS,
    Verification,
    is_verified,
    verification,
)
from kb.core.errors import Conflict, Invalid, NotFound
from kb.extensions import db
from kb.models import Experience, NetworkMembership, Organisation, User, utcnow

__all__ = ["DOMAIN", "LEADER", "MODERATOR", "WEBMAIL_DOMAINS", "Status", "Verification",
           "confirm_by_leader", "confirm_by_moderator", "domain_organisation",
           "for_experience", "get", "is_verified", "join_by_domain", "known_organisation",
           "listed",
           "normalise_domain", "revoke", "set_domain", "settle", "status", "type_organisation",
           "verification"]

NOT_VERIFIED = "Medlemmens organisation är inte verifierad."


# The member's own row ------------------------------------------------------------------

def _is_private(organisation: Organisation, user: User) -> bool:
    """Whether the row is the member's alone: no domain, no other member, and no
    experience of anyone else (a survey answer has no author) counted for it."""
    if organisation.id is None:
        db.session.flush()
    if organisation.email_domain:
        return False
    others = db.session.scalar(select(func.count()).select_from(User).where(
        User.organisation_id == organisation.id, User.id != user.id))
    if others:
        return False
    return db.session.scalar(select(Experience.id).where(
        Experience.organisation_id == organisation.id,
        or_(Experience.author_id.is_(None), Experience.author_id != user.id)).limit(1)) is None


def _has_experiences(organisation: Organisation) -> bool:
    if organisation.id is None:
        return False
    return db.session.scalar(select(Experience.id).where(
        Experience.organisation_id == organisation.id).limit(1)) is not None


def _own_row(name: str, sector: str, size_band: str) -> Organisation:
    organisation = Organisation(name=name, sector=sector or "", size_band=size_band or "")
    db.session.add(organisation)
    return organisation


def _copy_of(organisation: Organisation) -> Organisation:
    return _own_row(organisation.name, organisation.sector, organisation.size_band)


def _clear(user: User) -> None:
    user.organisation_verified_at = None
    user.organisation_verified_by = None
    user.organisation_verifier = None


def _move_experiences(user: User, source: Organisation, target: Organisation) -> None:
    """The member's experiences counted for `source` count for `target` (through the ORM,
    row by row, so the change log carries them to the figures and the index)."""
    db.session.flush()
    for experience in db.session.scalars(select(Experience).where(
            Experience.author_id == user.id, Experience.organisation_id == source.id)):
        experience.organisation_id = target.id


def _verify(user: User, organisation: Organisation, how: str, by: User | None = None) -> None:
    previous = user.organisation
    user.organisation = organisation
    user.organisation_verified_at = utcnow()
    user.organisation_verified_by = how
    user.organisation_verifier = by
    db.session.flush()
    # What the member wrote for this organisation under its name now counts for it.
    if previous is not None and previous.id != organisation.id and \
            rules.same_name(previous, organisation):
        _move_experiences(user, previous, organisation)


def _unverify(user: User, *, detach: bool) -> None:
    """The member's link is no longer verified: they get a row of their own again
    (with `detach`, their experiences counted for the organisation go with them)."""
    current = user.organisation
    _clear(user)
    if current is None or _is_private(current, user):
        db.session.flush()
        return
    own = _copy_of(current)
    user.organisation = own
    db.session.flush()
    if detach:
        _move_experiences(user, current, own)


# Verification by domain ----------------------------------------------------------------

def normalise_domain(text: str | None) -> str:
    """What a moderator typed as a domain, as it is stored: "@Kungalv.se" and
    "https://www.kungalv.se/" are "kungalv.se"."""
    domain = (text or "").strip().lower()
    for prefix in ("https://", "http://", "@", "www."):
        domain = domain.removeprefix(prefix)
    return domain.split("/", 1)[0].rstrip(".")


def domain_organisation(user: User) -> Organisation | None:
    """The organisation whose e-mail domain the member's confirmed address is at."""
    if not user.is_confirmed:
        return None
    domain = rules.address_domain(user.email)
    if not rules.looks_like_domain(domain):
        return None
    return db.session.scalar(select(Organisation).where(Organisation.email_domain == domain))


def _verify_by_domain(user: User, organisation: Organisation, actor: User) -> None:
    _verify(user, organisation, DOMAIN)
    moderation.audit_log(actor, "organisation.domain_verified", user,
                         f"{user.display_name}: {organisation.name} ({organisation.email_domain}).")


def settle(user: User) -> None:
    """Bring the member's verification in line with their address and organisation now
    (after confirming or changing the address, or changing the organisation): a
    verification by a domain that no longer holds ends, and a confirmed address at the
    domain of the organisation they name verifies them. The caller commits."""
    if user.organisation_verified_by == DOMAIN and user.organisation_verified_at is not None \
            and not rules.domain_verifies(user, user.organisation):
        _unverify(user, detach=False)
    if is_verified(user):
        return
    organisation = domain_organisation(user)
    mine = user.organisation
    if organisation is not None and mine is not None and \
            (mine.id == organisation.id or rules.same_name(mine, organisation)):
        _verify_by_domain(user, organisation, user)


def join_by_domain(user: User) -> Organisation:
    """The member joins the organisation of their address's domain, whatever they had
    typed (the button on /account)."""
    organisation = domain_organisation(user)
    if organisation is None:
        raise Invalid("Ingen organisation i kb har domänen i din bekräftade e-postadress.")
    if is_verified(user) and user.organisation_id == organisation.id:
        raise Conflict(f"Du är redan verifierad på {organisation.name}.")
    _verify_by_domain(user, organisation, user)
    db.session.commit()
    return organisation


def set_domain(organisation: Organisation, text: str | None, moderator: User,
               reason: str = "") -> int:
    """A moderator sets (or, with nothing, removes) an organisation's e-mail domain.
    Members with a confirmed address there who name this organisation are verified at
    once; members verified by the domain it had are no longer. Returns how many members
    it verified."""
    rules.require_moderator(moderator)
    domain = normalise_domain(text)
    if domain:
        if rules.is_webmail(domain):
            raise Invalid(f"{domain} är en allmän e-posttjänst: en adress där visar inte var "
                          "någon arbetar.", field="email_domain")
        if not rules.looks_like_domain(domain):
            raise Invalid("Ange en domän som kungalv.se (utan @ och utan www).",
                          field="email_domain")
        other = db.session.scalar(select(Organisation).where(
            Organisation.email_domain == domain, Organisation.id != organisation.id))
        if other is not None:
            raise Invalid(f"Domänen {domain} hör redan till {other.name}.", field="email_domain")
    previous = organisation.email_domain or ""
    if previous == domain:
        raise Invalid("Organisationen har redan den domänen." if domain else
                      "Organisationen har ingen domän.", field="email_domain")
    organisation.email_domain = domain or None
    db.session.flush()
    for member in db.session.scalars(select(User).where(
            User.organisation_id == organisation.id, User.organisation_verified_by == DOMAIN,
            User.organisation_verified_at.is_not(None))).all():
        if not rules.domain_verifies(member, organisation):
            _unverify(member, detach=True)
    verified = 0
    if domain:
        at_domain = db.session.scalars(select(User).where(
            User.email.like(f"%@{domain}"), User.email_confirmed_at.is_not(None),
            User.active.is_(True)).order_by(User.id)).all()
        for member in at_domain:
            mine = member.organisation
            if mine is None or not (mine.id == organisation.id
                                    or rules.same_name(mine, organisation)):
                continue  # they name another organisation: not verified for this one
            if is_verified(member) and member.organisation_id == organisation.id:
                continue
            _verify_by_domain(member, organisation, moderator)
            verified += 1
    moderation.audit_log(moderator, "organisation.domain", organisation,
                         f"{organisation.name}: {previous or '–'} → {domain or '–'}. {reason}")
    db.session.commit()
    return verified


def listed(term: str, page: int, per_page: int = 25):
    """Organisations with a name, for moderators: by name, optionally those whose name
    or domain contains `term`, each with its members."""
    query = (select(Organisation).options(selectinload(Organisation.members))
             .where(Organisation.name != "").order_by(Organisation.name, Organisation.id))
    term = (term or "").strip()
    if term:
        query = query.where(or_(func.lower(Organisation.name).contains(term.lower()),
                                Organisation.name.contains(term),
                                Organisation.email_domain.contains(term.lower())))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get(organisation_id: int) -> Organisation:
    found = db.session.get(Organisation, organisation_id)
    if found is None:
        raise NotFound("Organisationen finns inte.")
    return found


# Confirmation by a person ---------------------------------------------------------------

def known_organisation(name: str) -> Organisation | None:
    """The organisation kb knows for certain by this name (compared loosely): the one
    with an e-mail domain, else the one most verified members are linked to."""
    key = rules.name_key(name)
    if not key:
        return None
    verified_members = (select(func.count()).where(
        User.organisation_id == Organisation.id, User.organisation_verified_at.is_not(None))
        .correlate(Organisation).scalar_subquery())
    candidates = db.session.execute(
        select(Organisation, verified_members)
        .where(or_(Organisation.email_domain.is_not(None), verified_members > 0))
        .order_by(Organisation.id)).all()
    found = [(organisation.email_domain is None, -count, organisation.id, organisation)
             for organisation, count in candidates if rules.name_key(organisation.name) == key]
    return min(found, key=lambda item: item[:3])[3] if found else None


def confirm_by_moderator(member: User, moderator: User, reason: str = "") -> Organisation:
    """A moderator vouches for the organisation the member names: they join the
    organisation kb knows by that name, or their own row becomes a verified one. A
    leader's confirmation may be made a moderator's (it then counts for a survey answer
    of another row of the same name)."""
    rules.require_moderator(moderator)
    current = member.organisation
    if current is None or not rules.name_key(current.name):
        raise Invalid(NO_ORGANISATION)
    found = verification(member)
    if found is not None and found.how != LEADER:
        raise Conflict(ALREADY_VERIFIED)
    target = current
    if found is None:
        target = known_organisation(current.name) or current
    _verify(member, target, MODERATOR, moderator)
    moderation.audit_log(moderator, "organisation.confirm", member,
                         f"{member.display_name}: {target.name}. {reason}")
    db.session.commit()
    return target


def revoke(member: User, moderator: User, reason: str = "") -> None:
    """A moderator takes a verification back: the member gets a row of their own, and
    their experiences counted for the organisation go with them."""
    rules.require_moderator(moderator)
    if member.organisation_verified_at is None or member.organisation is None:
        raise Invalid(NOT_VERIFIED)
    name = member.organisation.name
    _unverify(member, detach=True)
    moderation.audit_log(moderator, "organisation.revoke", member,
                         f"{member.display_name}: {name}. {reason}")
    db.session.commit()


def confirm_by_leader(network, leader: User, membership_id: int) -> User:
    """A network's leader confirms that a member of it works at the leader's own
    (verified) organisation; the member joins it. Invalid with the reason when the
    rules of kb.access.organisations do not allow it."""
    rules.require_leader_of(network, leader)
    found = db.session.get(NetworkMembership, membership_id)
    if found is None or found.network_id != network.id:
        raise NotFound("Medlemmen finns inte i nätverket.")
    member = found.user
    refusal = rules.leader_refusal(network, leader, member)
    if refusal is not None:
        raise Invalid(refusal)
    organisation = leader.organisation
    _verify(member, organisation, LEADER, leader)
    moderation.audit_log(leader, "organisation.confirm_leader", member,
                         f"{member.display_name}: {organisation.name}, i nätverket "
                         f"{network.name}.")
    db.session.commit()
    return member


# What the member types -------------------------------------------------------------------

def type_organisation(user: User, name: str | None, sector: str, size_band: str) -> None:
    """The organisation the member says they work at (the profile). Typing verifies
    nothing: a new name ends the verification and gives the member a row of their own
    (a confirmed address at that organisation's domain verifies them again at once).
    The same name changes the row itself while it is theirs alone or they are verified
    there. The caller commits."""
    name = (name or "").strip()
    current = user.organisation
    if current is None:
        user.organisation = _own_row(name, sector, size_band)
        _clear(user)
    elif rules.name_key(current.name) != rules.name_key(name):
        if not is_verified(user) and _is_private(current, user) and \
                not _has_experiences(current):
            current.name, current.sector, current.size_band = name, sector, size_band
        else:
            user.organisation = _own_row(name, sector, size_band)
        _clear(user)
    elif is_verified(user) or _is_private(current, user):
        current.name, current.sector, current.size_band = name, sector, size_band
    else:
        user.organisation = _own_row(name, sector, size_band)
        _clear(user)
    db.session.flush()
    settle(user)


def for_experience(author: User) -> int | None:
    """The organisation a new experience of this author counts for: theirs while their
    link is verified, otherwise a row of their own (never one they share with others
    or with a survey answer, so an unverified member speaks for nobody)."""
    current = author.organisation
    if current is None:
        return None
    if is_verified(author) or _is_private(current, author):
        return current.id
    author.organisation = _copy_of(current)
    _clear(author)
    db.session.flush()
    return author.organisation_id


# The profile -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    """The member's organisation on /account: how its link is verified, or what to do."""

    organisation: Organisation | None
    verification: Verification | None
    todo: str = ""                      # what to do when it is not verified, in Swedish
    offer: Organisation | None = None   # the organisation of the address's domain, to join


def status(user: User) -> Status:
    organisation = user.organisation
    found = verification(user)
    if organisation is None or not organisation.name:
        return Status(organisation, found, todo="Ange vilken organisation du arbetar i "
                      "ovan; sedan kan kopplingen verifieras.",
                      offer=domain_organisation(user))
    if found is not None:
        return Status(organisation, found)
    name = organisation.name
    domain = rules.address_domain(user.email)
    if not user.is_confirmed:
        return Status(organisation, None, todo="Bekräfta din e-postadress först (länken i "
                      "mejlet vi skickade). Har organisationen sin e-postdomän i kb verifieras "
                      "du då automatiskt; annars kan en moderator eller en nätverksledare "
                      f"som själv är verifierad på {name} bekräfta den.")
    offer = domain_organisation(user)
    if offer is not None:
        return Status(organisation, None, offer=offer, todo=(
            f"Din e-postadress är på {domain}, som hör till {offer.name} i kb. Arbetar du där "
            "kan du koppla dig dit; annars kan en moderator eller en nätverksledare som själv "
            f"är verifierad på {name} bekräfta din organisation."))
    if rules.is_webmail(domain):
        return Status(organisation, None, todo=(
            f"En adress på {domain} visar inte var du arbetar. Byt till din jobbadress, eller "
            "be en moderator, eller en nätverksledare i ett av dina nätverk som själv är "
            f"verifierad på {name}, bekräfta din organisation."))
    return Status(organisation, None, todo=(
        "Be en moderator, eller en nätverksledare i ett av dina nätverk som själv är "
        f"verifierad på {name}, bekräfta din organisation. När en moderator har lagt in "
        f"organisationens e-postdomän verifieras du automatiskt med din bekräftade adress "
        "där."))

"""The catalogue of payroll systems: what can be chosen, compared and proposed.

A proposed system (PENDING) is seen by its proposer and moderators only, until a
moderator approves it (kb.access.catalogue): pages and the API find a system for a
viewer through `visible_system`."""

from __future__ import annotations

from sqlalchemy import or_, select

from kb.access import catalogue as access
from kb.access.catalogue import PENDING
from kb.access.policy import Audience
from kb.core import slugs
from kb.core.errors import NotFound
from kb.extensions import db
from kb.models import PayrollSystem


def listed_systems() -> list[PayrollSystem]:
    """The catalogue (not proposals waiting for a moderator), by name."""
    return list(db.session.scalars(
        select(PayrollSystem).where(PayrollSystem.status != PENDING).order_by(PayrollSystem.name)
    ))


def selectable_systems(member_id: int | None = None) -> list[PayrollSystem]:
    """Systems a member can choose in the form: the catalogue, and systems they proposed."""
    shown = PayrollSystem.status != PENDING
    if member_id is not None:
        shown = or_(shown, PayrollSystem.proposed_by_id == member_id)
    return list(db.session.scalars(
        select(PayrollSystem).where(shown).order_by(PayrollSystem.name)))


def proposed_systems() -> list[PayrollSystem]:
    """Proposals waiting for a moderator, oldest first."""
    return list(db.session.scalars(
        select(PayrollSystem).where(PayrollSystem.status == PENDING).order_by(PayrollSystem.id)))


def system_by_slug(slug: str) -> PayrollSystem:
    system = db.session.scalar(select(PayrollSystem).where(PayrollSystem.slug == slug))
    if system is None:
        raise NotFound(f"Lönesystemet ”{slug[:80]}” finns inte.")
    return system


def visible_system(slug: str, audience: Audience) -> PayrollSystem:
    """The system behind a slug as this viewer may see it: a pending proposal only for
    its proposer and moderators; for anyone else NotFound, as for a slug nobody has."""
    system = db.session.scalar(select(PayrollSystem).where(PayrollSystem.slug == slug))
    return access.require_seen(audience, system, f"Lönesystemet ”{slug[:80]}” finns inte.")


def system_by_id(system_id: int) -> PayrollSystem:
    system = db.session.get(PayrollSystem, system_id)
    if system is None:
        raise NotFound("Lönesystemet finns inte.")
    return system


def system_names(audience: Audience | None = None) -> dict[int, tuple[str, str]]:
    """Every system's (slug, name) by id, for search facets: with an audience, the
    systems it may see (no one else's pending proposal)."""
    query = select(PayrollSystem.id, PayrollSystem.slug, PayrollSystem.name)
    if audience is not None:
        query = query.where(access.seen_clause(audience))
    return {row.id: (row.slug, row.name) for row in db.session.execute(query)}


def propose_system(member_id: int, name: str, vendor: str = "",
                   website: str = "") -> PayrollSystem:
    """A missing system, proposed by a member; a moderator approves or merges it."""
    name = name.strip()
    system = PayrollSystem(
        slug=free_slug(name), name=name, vendor=(vendor or "").strip(),
        website=(website or "").strip(), status=PENDING, proposed_by_id=member_id,
    )
    db.session.add(system)
    db.session.commit()
    return system


def free_slug(name: str) -> str:
    """A slug for a new system's name (kb.core.slugs) that no system has yet: "Hogia Lön"
    -> "hogia-lon", then "hogia-lon-2"."""
    return slugs.free(name, "system", lambda slug: db.session.scalar(
        select(PayrollSystem.id).where(PayrollSystem.slug == slug)) is not None)

"""Who counts in figures, the systems' names, and the most common switches (the
profiles themselves come from kb.stats.aggregate)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, select

from kb.access import visible_experiences
from kb.extensions import db
from kb.models import Experience, PayrollSystem
from kb.stats.figures import SystemRef

E = Experience


def audience(user) -> str:
    """Figures differ only between visitors ("public") and members ("members")."""
    return "public" if user is None else "members"


def aggregated(user) -> ColumnElement[bool]:
    """Experiences that count in figures for this viewer: published only (never pending
    or hidden, not even for moderators or authors), public ones only for visitors.

    For a member, visible_experiences(member) AND published is simply "published"
    (own unpublished ones drop out); written that way it stays inside the covering
    index ix_experience_stats, which has no author column."""
    published = E.moderation_state == "published"
    if audience(user) == "public":
        return and_(visible_experiences(None), published)
    return published


def system_refs(ids=None) -> dict[int, SystemRef]:
    """Id, slug, name and status of systems (all of them when ids is None)."""
    query = select(PayrollSystem.id, PayrollSystem.slug, PayrollSystem.name, PayrollSystem.status)
    if ids is not None:
        query = query.where(PayrollSystem.id.in_(ids))
    return {row.id: SystemRef(*row) for row in db.session.execute(query)}


def common_switches(user, limit: int = 5) -> list[tuple[SystemRef, SystemRef, int]]:
    """The most common switches, (from, to, number of experiences), for the home page."""
    rows = db.session.execute(
        select(E.switched_from_id, E.system_id, func.count().label("n"))
        .where(aggregated(user), E.switched_from_id.is_not(None),
               E.switched_from_id != E.system_id)
        .group_by(E.switched_from_id, E.system_id)
        .order_by(func.count().desc(), E.switched_from_id, E.system_id)
        .limit(limit)
    ).all()
    names = system_refs({from_id for from_id, _, _ in rows} | {to_id for _, to_id, _ in rows})
    return [(names[from_id], names[to_id], n) for from_id, to_id, n in rows]

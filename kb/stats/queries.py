"""The systems' names and the most common switches (the profiles themselves come
from kb.stats.aggregate). Which experiences count is the caller's Reach
(kb.policy.counted)."""

from __future__ import annotations

from sqlalchemy import func, select

from kb.extensions import db
from kb.models import Experience, PayrollSystem
from kb.reach import Reach
from kb.stats.figures import SystemRef

E = Experience


def system_refs(ids=None) -> dict[int, SystemRef]:
    """Id, slug, name and status of systems (all of them when ids is None)."""
    query = select(PayrollSystem.id, PayrollSystem.slug, PayrollSystem.name, PayrollSystem.status)
    if ids is not None:
        query = query.where(PayrollSystem.id.in_(ids))
    return {row.id: SystemRef(*row) for row in db.session.execute(query)}


def common_switches(reach: Reach, limit: int = 5) -> list[tuple[SystemRef, SystemRef, int]]:
    """The most common switches, (from, to, number of experiences), for the home page.

    A counting Reach has no author clause, so the query stays inside the covering
    index ix_experience_stats."""
    rows = db.session.execute(
        select(E.switched_from_id, E.system_id, func.count().label("n"))
        .where(reach.clause(), E.switched_from_id.is_not(None),
               E.switched_from_id != E.system_id)
        .group_by(E.switched_from_id, E.system_id)
        .order_by(func.count().desc(), E.switched_from_id, E.system_id)
        .limit(limit)
    ).all()
    names = system_refs({from_id for from_id, _, _ in rows} | {to_id for _, to_id, _ in rows})
    return [(names[from_id], names[to_id], n) for from_id, to_id, n in rows]

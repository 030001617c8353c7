"""The systems' names (the figures themselves come from kb.stats.aggregate; the home
page's most common switches are the market view's, each organisation once)."""

from __future__ import annotations

from sqlalchemy import select

from kb.extensions import db
from kb.models import PayrollSystem
from kb.stats.figures import SystemRef


def system_refs(ids=None) -> dict[int, SystemRef]:
    """Id, slug, name and status of systems (all of them when ids is None)."""
    query = select(PayrollSystem.id, PayrollSystem.slug, PayrollSystem.name, PayrollSystem.status)
    if ids is not None:
        query = query.where(PayrollSystem.id.in_(ids))
    return {row.id: SystemRef(*row) for row in db.session.execute(query)}


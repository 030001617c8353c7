"""Lists shown on several pages: systems with their counts, newest experiences, a
system's experiences, a member's own."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from kb import stats
from kb.access import policy
from kb.access.policy import Audience
from kb.experiences import freshness
from kb.extensions import db
from kb.models import Experience, PayrollSystem

SYSTEM_PAGE_SIZE = 10


def systems_with_counts(audience: Audience, limit: int | None = None):
    """(system, number of experiences, average satisfaction) counted for the audience,
    most reviewed first; proposals waiting for a moderator are not listed."""
    counts = (
        select(
            Experience.system_id,
            func.count().label("n"),
            func.avg(Experience.satisfaction).label("average"),
        )
        .where(policy.counted(audience).clause())
        .group_by(Experience.system_id)
        .subquery()
    )
    query = (
        select(PayrollSystem, func.coalesce(counts.c.n, 0), counts.c.average)
        .outerjoin(counts, counts.c.system_id == PayrollSystem.id)
        .where(PayrollSystem.status != "pending")
        .order_by(func.coalesce(counts.c.n, 0).desc(), PayrollSystem.name)
    )
    if limit:
        query = query.limit(limit)
    return [(system, n, average) for system, n, average in db.session.execute(query)]


def experiences_query(audience: Audience):
    """The experiences listed for the audience (kb.policy.listed), newest first, with
    system and author."""
    return (
        select(Experience)
        .options(joinedload(Experience.system), joinedload(Experience.author),
                         joinedload(Experience.organisation))
        .where(policy.listed(audience).clause())
        .order_by(Experience.created_at.desc(), Experience.id.desc())
    )


def newest_experiences(audience: Audience, limit: int = 6, *, system_ids=None, since=None,
                       not_by: int | None = None):
    """The newest experiences listed for the audience; with `system_ids`, of those systems
    only, with `since`, written since then, with `not_by`, not written by that member."""
    query = experiences_query(audience)
    if system_ids is not None:
        query = query.where(Experience.system_id.in_(sorted(system_ids)))
    if since is not None:
        query = query.where(Experience.created_at >= since)
    if not_by is not None:
        query = query.where(or_(Experience.author_id.is_(None), Experience.author_id != not_by))
    return db.session.scalars(query.limit(limit)).all()


def system_experiences(system: PayrollSystem, audience: Audience, filters, options,
                       page: int = 1):
    """A page of the system's experiences under the figures' filters and the list's
    options (order, confirmed recently)."""
    query = experiences_query(audience).where(
        Experience.system_id == system.id, *filters.clauses())
    # The figures already know how many there are: no count of the rows again.
    pages = db.paginate(options.apply(query), page=page, per_page=SYSTEM_PAGE_SIZE,
                        error_out=False, count=False)
    pages.total = stats.listed_count(
        system.id, policy.listed(audience), filters,
        confirmed_since=freshness.leave_out_before() if options.fresh else None)
    return pages


def own_experiences(member_id: int) -> list[Experience]:
    """Everything the member wrote, newest first, in any state."""
    return list(db.session.scalars(
        select(Experience).where(Experience.author_id == member_id)
        .order_by(Experience.created_at.desc())))

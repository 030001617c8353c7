"""Lists shown on several pages: systems with their counts, newest experiences."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from kb.access import visible_experiences
from kb.extensions import db
from kb.models import Experience, PayrollSystem


def systems_with_counts(user=None, limit: int | None = None):
    """(system, number of experiences, average satisfaction) the viewer may see,
    most reviewed first."""
    counts = (
        select(
            Experience.system_id,
            func.count().label("n"),
            func.avg(Experience.satisfaction).label("average"),
        )
        .where(visible_experiences(user), Experience.moderation_state == "published")
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


def experiences_query(user=None):
    """Published experiences the viewer may read, and the viewer's own not yet published,
    newest first, with system and author."""
    shown = Experience.moderation_state == "published"
    if user is not None:
        shown = or_(shown, Experience.author_id == user.id)
    return (
        select(Experience)
        .options(joinedload(Experience.system), joinedload(Experience.author))
        .where(visible_experiences(user), shown)
        .order_by(Experience.created_at.desc(), Experience.id.desc())
    )


def newest_experiences(user=None, limit: int = 6):
    return db.session.scalars(experiences_query(user).limit(limit)).all()

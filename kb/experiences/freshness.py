"""Experiences that stay fresh: confirmation, satisfaction history and the age rules.

The one place that knows how old an experience may get: after ASK_AFTER_MONTHS
the author is asked whether it still holds; after LEAVE_OUT_AFTER_MONTHS
lists may leave it out (``fresh_clause``). Every confirmation or update keeps
the earlier satisfaction in SatisfactionHistory, so a system page can show how
satisfaction at the same organisations changed over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from kb import procurement, stats
from kb.access import policy
from kb.access.policy import Audience
from kb.core.dates import months_before, utcnow
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.models import Experience, SatisfactionHistory, User
from kb.stats.figures import Revisions

# The author is asked on their next visit once the last confirmation is this old.
ASK_AFTER_MONTHS = 12
# Search and system pages may leave out experiences not confirmed for this long.
LEAVE_OUT_AFTER_MONTHS = 24
# A member who answers "later" is asked again on their next visit (next session).
SNOOZE_SESSION_KEY = "freshness_snoozed"

CHANGES = {
    "confirmed": "Bekräftad",
    "updated": "Uppdaterad",
}


def ask_before(now: datetime | None = None) -> datetime:
    """Experiences confirmed before this moment are due for the author's confirmation."""
    return months_before(now or utcnow(), ASK_AFTER_MONTHS)


def leave_out_before(now: datetime | None = None) -> datetime:
    """Experiences confirmed before this moment may be left out of lists."""
    return months_before(now or utcnow(), LEAVE_OUT_AFTER_MONTHS)


def needs_confirmation(experience: Experience, now: datetime | None = None) -> bool:
    return experience.confirmed_at < ask_before(now)


def is_outdated(experience: Experience, now: datetime | None = None) -> bool:
    """Not confirmed for LEAVE_OUT_AFTER_MONTHS: shown with a warning, may be left out."""
    return experience.confirmed_at < leave_out_before(now)


def fresh_clause(now: datetime | None = None):
    """A WHERE clause for lists: only experiences confirmed in the last 24 months."""
    return Experience.confirmed_at >= leave_out_before(now)


def due_for_confirmation(user: User, now: datetime | None = None) -> list[Experience]:
    """The member's own experiences older than 12 months since last confirmed, oldest first.

    Hidden experiences are left out: a moderator has taken them down.
    """
    return db.session.scalars(
        select(Experience)
        .where(
            Experience.author_id == user.id,
            Experience.moderation_state != ModerationState.HIDDEN,
            Experience.confirmed_at < ask_before(now),
        )
        .order_by(Experience.confirmed_at, Experience.id)
    ).all()


def _keep_history(experience: Experience, satisfaction: int, stated_at: datetime,
                  change: str, now: datetime) -> SatisfactionHistory:
    entry = SatisfactionHistory(
        experience_id=experience.id,
        satisfaction=satisfaction,
        stated_at=stated_at,
        recorded_at=now,
        change=change,
    )
    db.session.add(entry)
    return entry


def confirm(experience: Experience, now: datetime | None = None) -> None:
    """The author says it still holds: keep the earlier statement, confirm it today.

    The text is unchanged, so updated_at ("ändrad") stays as it was.
    """
    now = now or utcnow()
    _keep_history(experience, experience.satisfaction, experience.confirmed_at, "confirmed", now)
    procurement.keep_history(experience, procurement.facts_of(experience),
                             experience.confirmed_at, "confirmed", now)
    experience.confirmed_at = now
    # Keep updated_at in the UPDATE's SET clause so its onupdate does not fire.
    flag_modified(experience, "updated_at")
    db.session.commit()


def record_update(experience: Experience, previous_satisfaction: int,
                  previous_confirmed_at: datetime, now: datetime | None = None) -> None:
    """Called by experiences.update() before its commit, after the form is applied.

    An update is also a confirmation. It keeps the earlier satisfaction when the
    satisfaction changed, or when the experience was due for confirmation (the
    update answered the question whether it still holds). Small corrections of a
    fresh experience leave no history.
    """
    now = now or utcnow()
    if (
        previous_satisfaction != experience.satisfaction
        or previous_confirmed_at < ask_before(now)
    ):
        _keep_history(experience, previous_satisfaction, previous_confirmed_at, "updated", now)
    experience.confirmed_at = now


def history(experience: Experience) -> list[SatisfactionHistory]:
    """The experience's earlier satisfactions, oldest first."""
    return db.session.scalars(
        select(SatisfactionHistory)
        .where(SatisfactionHistory.experience_id == experience.id)
        .order_by(SatisfactionHistory.stated_at, SatisfactionHistory.id)
    ).all()


@dataclass
class SatisfactionChange:
    """One organisation's satisfaction over time: every statement, then today's."""

    experience: Experience
    points: list[tuple[datetime, int]]  # (stated at, satisfaction), oldest first

    @property
    def first(self) -> int:
        return self.points[0][1]

    @property
    def latest(self) -> int:
        return self.points[-1][1]

    @property
    def delta(self) -> int:
        return self.latest - self.first

    @property
    def since(self) -> datetime:
        return self.points[0][0]


@dataclass
class SatisfactionChanges:
    """Every organisation of a system that confirmed or updated its experience, as
    figures (`revisions`), and the most recently confirmed of them in full (`rows`)."""

    rows: list[SatisfactionChange]
    revisions: Revisions

    @property
    def n(self) -> int:
        return self.revisions.n

    @property
    def improved(self) -> int:
        return self.revisions.improved

    @property
    def worsened(self) -> int:
        return self.revisions.worsened

    @property
    def unchanged(self) -> int:
        return self.revisions.unchanged

    @property
    def average_first(self) -> float | None:
        return self.revisions.average_first

    @property
    def average_latest(self) -> float | None:
        return self.revisions.average_latest


def satisfaction_changes(system_id: int, audience: Audience = policy.VISITOR,
                         shown: int = 10) -> SatisfactionChanges:
    """How satisfaction changed at the same organisations: the published experiences of
    a system the audience may read that were confirmed or updated at least once.

    The figures cover all of them; the `shown` most recently confirmed come as rows,
    each one experience (one organisation's context) with its earlier satisfactions
    and the current one, the largest change first. Show the organisation by sector
    and size band only.
    """
    counted = policy.counted(audience)
    revisions = stats.revisions(system_id, counted, shown)
    if not revisions.recent:
        return SatisfactionChanges([], revisions)
    found = {
        experience.id: experience
        for experience in db.session.scalars(
            select(Experience).where(Experience.id.in_(revisions.recent), counted.clause())
        )
    }
    experiences = [found[i] for i in revisions.recent if i in found]
    entries: dict[int, list[SatisfactionHistory]] = {e.id: [] for e in experiences}
    for entry in db.session.scalars(
        select(SatisfactionHistory)
        .where(SatisfactionHistory.experience_id.in_(entries))
        .order_by(SatisfactionHistory.stated_at, SatisfactionHistory.id)
    ):
        entries[entry.experience_id].append(entry)
    rows = [
        SatisfactionChange(
            experience,
            _collapse([(h.stated_at, h.satisfaction) for h in entries[experience.id]]
                      + [(experience.confirmed_at, experience.satisfaction)]),
        )
        for experience in experiences
    ]
    rows.sort(key=lambda row: -abs(row.delta))
    return SatisfactionChanges(rows, revisions)


def _collapse(points: list[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    """Drop repeated confirmations of the same satisfaction, keeping the first of each run
    and the latest statement."""
    kept: list[tuple[datetime, int]] = []
    for point in points[:-1]:
        if not kept or kept[-1][1] != point[1]:
            kept.append(point)
    kept.append(points[-1])
    return kept

"""Members helping each other: helpful votes, following systems, list options.

Comments live in kb.comments, notifications in kb.notifications and the age
rules in kb.freshness.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from kb import experiences
from kb.core import parsing
from kb.core.errors import Forbidden
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.models import Experience, Follow, HelpfulVote, PayrollSystem, User, utcnow

OWN_VOTE = "Du kan inte markera din egen erfarenhet som hjälpsam."
UNCONFIRMED_VOTE = "Bekräfta din e-postadress innan du markerar erfarenheter som hjälpsamma."
NOT_PUBLISHED = "Det går bara att rösta på publicerade erfarenheter."

# Orders for lists of experiences (system pages; search uses the same columns).
SORTS = {
    "newest": "Nyaste först",
    "helpful": "Mest hjälpsamma först",
}


# Helpful votes -----------------------------------------------------------------

def has_voted(user: User | None, experience: Experience) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.get(HelpfulVote, (user.id, experience.id)) is not None


def can_vote(user: User | None, experience: Experience) -> bool:
    return (
        user is not None and user.is_authenticated
        and experience.author_id != user.id
        and experience.moderation_state == ModerationState.PUBLISHED
        and user.is_confirmed
    )


def set_helpful(user: User, experience: Experience, wanted: bool | None = None) -> bool:
    """Add or take back the member's vote (toggle when ``wanted`` is None).

    One vote per member per experience (the primary key), never on one's own;
    Experience.helpful_count changes in the same transaction as the vote, with an
    increment in SQL so concurrent votes cannot lose one. Returns whether the
    member's vote stands afterwards.
    """
    if experience.author_id == user.id:
        raise Forbidden(OWN_VOTE)
    if not user.is_confirmed:  # a vote counts for all to see, like anything published
        raise Forbidden(UNCONFIRMED_VOTE)
    if experience.moderation_state != ModerationState.PUBLISHED:
        raise Forbidden(NOT_PUBLISHED)
    voted = has_voted(user, experience)
    if wanted is None:
        wanted = not voted
    if wanted and not voted:
        db.session.add(HelpfulVote(user_id=user.id, experience_id=experience.id,
                                   created_at=utcnow()))
        try:
            db.session.flush()
        except IntegrityError:  # the same member voted in another request just now
            db.session.rollback()
            return True
        _adjust_count(experience.id, +1)
    elif not wanted and voted:
        removed = db.session.execute(
            delete(HelpfulVote).where(
                HelpfulVote.user_id == user.id, HelpfulVote.experience_id == experience.id
            )
        ).rowcount
        if removed:
            _adjust_count(experience.id, -1)
    db.session.commit()
    return wanted


def _adjust_count(experience_id: int, step: int) -> None:
    db.session.execute(
        update(Experience)
        .where(Experience.id == experience_id)
        .values(helpful_count=Experience.helpful_count + step,
                # Keep updated_at: a vote is not a change of the experience.
                updated_at=Experience.updated_at)
        .execution_options(synchronize_session=False)
    )


# Following systems ---------------------------------------------------------------

def is_following(user: User | None, system: PayrollSystem) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.get(Follow, (user.id, system.id)) is not None


def set_following(user: User, system: PayrollSystem, wanted: bool | None = None) -> bool:
    """Follow or stop following a system (toggle when ``wanted`` is None)."""
    following = is_following(user, system)
    if wanted is None:
        wanted = not following
    if wanted and not following:
        db.session.add(Follow(user_id=user.id, system_id=system.id, created_at=utcnow()))
        try:
            db.session.commit()
        except IntegrityError:  # followed in another request just now
            db.session.rollback()
    elif not wanted and following:
        db.session.execute(
            delete(Follow).where(Follow.user_id == user.id, Follow.system_id == system.id)
        )
        db.session.commit()
    return wanted


def followed_systems(user: User) -> list[PayrollSystem]:
    return db.session.scalars(
        select(PayrollSystem)
        .join(Follow, Follow.system_id == PayrollSystem.id)
        .where(Follow.user_id == user.id)
        .order_by(PayrollSystem.name)
    ).all()


# "New" on a member's start page: written in this many days.
NEWS_DAYS = 60


@dataclass(frozen=True)
class FollowedNews:
    """What is new about the systems a member follows: how many she follows, and the
    newest experiences of them others wrote in the last NEWS_DAYS that she may read."""

    following: int
    experiences: list[Experience]
    days: int = NEWS_DAYS


def followed_news(audience, limit: int = 5, now=None) -> FollowedNews:
    """New experiences of the systems the member follows (kb.community's follows), as the
    audience's lists show them (kb.access.policy.listed): two queries, whatever the number."""
    if not audience.is_member:
        return FollowedNews(0, [])
    followed = list(db.session.scalars(select(Follow.system_id)
                                       .where(Follow.user_id == audience.member_id)))
    if not followed:
        return FollowedNews(0, [])
    since = (now or utcnow()) - timedelta(days=NEWS_DAYS)
    return FollowedNews(len(followed), list(experiences.newest_experiences(
        audience, limit, system_ids=followed, since=since, not_by=audience.member_id)))


# List options for system pages (and the columns search uses) ------------------------

@dataclass(frozen=True)
class ListOptions:
    """The order of a system page's experiences and whether to leave out outdated ones."""

    sort: str = "newest"
    fresh: bool = False

    @classmethod
    def from_args(cls, args) -> ListOptions:
        sort = args.get("sort", "newest")
        return cls(sort=sort if sort in SORTS else "newest", fresh=parsing.flag(args.get("fresh")))

    def apply(self, query):
        return order_and_filter(query, self.sort, self.fresh)

    def query_args(self) -> dict[str, str]:
        args = {}
        if self.sort != "newest":
            args["sort"] = self.sort
        if self.fresh:
            args["fresh"] = "1"
        return args

    @property
    def heading(self) -> str:
        return "Erfarenheter, mest hjälpsamma först" if self.sort == "helpful" else (
            "Erfarenheter, nyaste först")


def order_and_filter(query, sort: str = "newest", fresh_only: bool = False):
    """Apply a sort from SORTS and the "confirmed in the last 24 months" option to a
    select(Experience) such as kb.listing.experiences_query(audience)."""
    if fresh_only:
        query = query.where(experiences.fresh_clause())
    if sort == "helpful":
        query = query.order_by(None).order_by(
            Experience.helpful_count.desc(), Experience.created_at.desc(), Experience.id.desc()
        )
    return query

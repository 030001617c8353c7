"""A member's start page: what is new for her, gathered from the features' public names.

- organisations like hers: the market view (kb.stats) of her organisation's sector and
  size, its most common systems with their organisations and satisfaction (a mean
  resting on fewer than stats.MIN_ANSWERS organisations withheld, as everywhere);
- her networks' next meetings and the questions nobody has answered yet;
- answers to the questions she asked in her networks;
- new experiences of the systems she follows (kb.community);
- her own experiences due for a confirmation (kb.experiences' freshness rules).

Everything is read for her audience (kb.access): figures count what she may count,
lists list what she may read, and a network's meetings and questions come from the
networks she is an active member of. Each part is one or two queries, whatever the
number of items; visitors get none of it (the home page stays as it is for them).
"""

from __future__ import annotations

from dataclasses import dataclass

from kb import community, experiences, networks, stats
from kb.access import policy
from kb.access.policy import Audience

# How many of each the start page lists (each list links to the whole).
SEGMENT_SYSTEMS = 5
MEETINGS = 3
QUESTIONS = 5
NEWS = 5


@dataclass(frozen=True)
class Segment:
    """The market view of the member's own sector and size."""

    filters: stats.Filters
    market: stats.Market

    @property
    def standings(self):
        return self.market.systems[:SEGMENT_SYSTEMS]

    @property
    def more(self) -> int:
        """Systems of the segment beyond those listed."""
        return max(len(self.market.systems) - SEGMENT_SYSTEMS, 0)


@dataclass(frozen=True)
class MemberStart:
    segment: Segment | None  # None: her organisation's sector or size is not known
    meetings: list
    open_questions: list
    answered_questions: list
    followed: community.FollowedNews
    due: list  # her experiences to confirm, oldest first
    in_networks: bool


def member_start(member, viewer: Audience, systems) -> MemberStart:
    """The start page's parts for a logged-in member (`viewer` is her audience, `systems`
    the listed catalogue)."""
    own = stats.Filters.of_organisation(member.organisation)
    segment = None
    if own is not None:
        segment = Segment(own, stats.market(systems, policy.counted(viewer), own))
    return MemberStart(
        segment=segment,
        meetings=networks.upcoming_meetings_for(viewer, limit=MEETINGS),
        open_questions=networks.open_questions_for(viewer, limit=QUESTIONS),
        answered_questions=networks.answered_questions_for(viewer, limit=QUESTIONS),
        followed=community.followed_news(viewer, limit=NEWS),
        due=experiences.due_for_confirmation(member),
        in_networks=bool(viewer.network_ids),
    )

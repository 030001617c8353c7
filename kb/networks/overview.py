"""“Vad kör vi i nätverket?”: which system each member organisation runs, how satisfied
it is, who is considering a switch and to what, and a summary per system.

The rows are the network's active members' current experiences, and the answers of
the network's own survey (kb.survey: one per organisation the sheet named), that the
viewer's figures count (kb.policy.counted: published, and shared with the viewer or with one of
their networks). The summary per system is kb.stats over exactly those experiences
(`stats.profiles(..., only=ids)`): the same means, NPS and distribution as every other
figure of kb, each organisation counted once per system.

Where the viewer sees every answer behind a system's figures (kb.access.figures: an
active member, who sees each member organisation's answer by name in the rows), the
mean, the NPS and the distribution are shown whatever n is, with n beside them; for
everybody else (a moderator who is not a member) a figure of fewer than
kb.stats.MIN_ANSWERS answers is "för få svar", as everywhere in kb.

An anonymous experience is never a row, nor part of the summary: the page says how many
were left out. Counted beside rows that name everybody else, a member could subtract
the rows from the summary and, with the list of members, name an author's system and
rating; even a group of five anonymous answers that agree tells the members without a
row which system they run. Anonymous answers still count in kb's own figures, where
nothing lists names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb import stats
from kb.access import figures as seeing
from kb.access import policy
from kb.access.policy import Audience
from kb.core import vocab
from kb.extensions import db
from kb.models import Experience, Network, PayrollSystem, User
from kb.networks import memberships as networks


@dataclass
class Row:
    """One member organisation's system, from one member's current experience."""

    organisation: str
    member: str
    experience: Experience

    @property
    def system(self) -> PayrollSystem:
        return self.experience.system

    @property
    def considering(self) -> PayrollSystem | None:
        return self.experience.considering_switch_to


@dataclass
class SystemSummary:
    """One system's figures in the network: over `profile.n` organisations' answers,
    shown whatever n when the viewer sees each of them (`seen`), else only from
    kb.stats.MIN_ANSWERS answers up."""

    system: PayrollSystem
    organisations: int
    profile: stats.Profile
    seen: bool = False  # the viewer sees every answer behind the figures

    @property
    def satisfaction(self) -> float | None:
        """The mean satisfaction as this viewer may see it (None: none, or "för få svar")."""
        mean = self.profile.satisfaction
        return mean.value if self.seen else mean.shown

    @property
    def nps(self) -> float | None:
        nps = self.profile.nps
        return nps.value if self.seen else nps.shown

    @property
    def distribution(self) -> list[tuple[int, int]] | None:
        """(score, organisations) from 5 down to 1, as this viewer may see them (None:
        none, or "för få svar")."""
        distribution = self.profile.distribution
        if not distribution.n or not (self.seen or distribution.enough):
            return None
        return [(score, distribution.counts.get(score, 0))
                for score in sorted(vocab.SATISFACTION, reverse=True)]


@dataclass
class Overview:
    rows: list[Row] = field(default_factory=list)
    summaries: list[SystemSummary] = field(default_factory=list)
    # Members with no current experience to show (none written, or none they share).
    silent: list[User] = field(default_factory=list)
    # Anonymous current experiences, left out of the summary (and never rows).
    anonymous: int = 0

    @property
    def compare_slugs(self) -> list[str]:
        """The network's most used systems, for /compare (two to four)."""
        return [summary.system.slug for summary in self.summaries[:4]]

    @property
    def every_figure_seen(self) -> bool:
        """Whether the viewer sees every answer behind every system's figures."""
        return all(summary.seen for summary in self.summaries)


def _organisation_of(user: User) -> tuple[object, str]:
    """A key and a name: the member's organisation, or the member alone without one."""
    if user.organisation is not None and (user.organisation.name or "").strip():
        return ("organisation", user.organisation.id), user.organisation.name.strip()
    return ("member", user.id), f"{user.display_name} (ingen organisation angiven)"


def overview(network: Network, audience: Audience) -> Overview:
    """What the network runs, as this viewer's figures count it."""
    members = networks.members(network)
    users = {m.user_id: m.user for m in members}
    experiences = db.session.scalars(
        select(Experience)
        .options(joinedload(Experience.system), joinedload(Experience.considering_switch_to),
                 joinedload(Experience.organisation))
        .where(policy.counted(audience).clause(),
               Experience.author_id.in_(sorted(users))
               | (Experience.survey_network_id == network.id),
               Experience.usage_status == "current")
        .order_by(Experience.created_at.desc(), Experience.id.desc())
    ).unique().all()
    if not experiences and not users:
        return Overview()
    found = Overview()
    named = [e for e in experiences if not e.anonymous]
    seen_authors = set()
    for experience in named:
        if experience.author_id not in users:  # the network's survey answer
            found.rows.append(Row(experience.organisation.name if experience.organisation
                                  else "–", experience.survey_label, experience))
            continue
        user = users[experience.author_id]
        _key, name = _organisation_of(user)
        seen_authors.add(user.id)
        found.rows.append(Row(name, user.display_name, experience))
    found.rows.sort(key=lambda row: (row.organisation.lower(), row.system.name.lower()))
    found.silent = [user for user_id, user in users.items() if user_id not in seen_authors]
    found.silent.sort(key=lambda user: user.display_name.lower())
    found.summaries, found.anonymous = _summaries(network, audience, experiences)
    return found


def _summaries(network: Network, audience: Audience,
               experiences: list[Experience]) -> tuple[list[SystemSummary], int]:
    """Each system's figures over the experiences (most organisations first), and how
    many anonymous ones were left out of them."""
    if not experiences:
        return [], 0
    reach = policy.counted(audience)
    by_id = {e.id: e for e in experiences}
    systems = {e.system_id: e.system for e in experiences}
    left_out = {e.id for e in experiences if e.anonymous}
    only = [i for i in by_id if i not in left_out]
    counted = stats.counted_answers(sorted(systems), reach, only=only)
    ordered = [systems[system_id] for system_id in sorted(systems) if counted[system_id]]
    profiles = stats.profiles(ordered, reach, only=only)
    summaries = [
        SystemSummary(system, profile.n, profile, seen=seeing.sees_every_answer(
            audience, network, (by_id[i] for i in counted[system.id])))
        for system, profile in zip(ordered, profiles, strict=True)]
    summaries.sort(key=lambda s: (-s.organisations, s.system.name.lower()))
    return summaries, len(left_out)

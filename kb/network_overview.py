"""“Vad kör vi i nätverket?”: which system each member organisation runs, how satisfied
it is, who is considering a switch and to what, and a summary per system.

The rows are the network's active members' current experiences, and the answers of
the network's own survey (kb.survey: one per organisation the sheet named), that the
viewer's figures count (kb.policy.counted: published, and shared with the viewer or with one of
their networks). The summary per system is kb.stats over exactly those experiences
(`stats.profiles(..., only=ids)`): the same means, NPS and "för få svar" as every other
figure of kb. An anonymous experience counts in the summary but is not put next to an
organisation or a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb import networks, policy, stats
from kb.extensions import db
from kb.models import Experience, Network, PayrollSystem, User
from kb.policy import Audience


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
    system: PayrollSystem
    organisations: int
    profile: stats.Profile


@dataclass
class Overview:
    rows: list[Row] = field(default_factory=list)
    summaries: list[SystemSummary] = field(default_factory=list)
    # Members with no current experience to show (none written, or none they share).
    silent: list[User] = field(default_factory=list)
    anonymous: int = 0  # current experiences counted in the summary but not in the rows

    @property
    def compare_slugs(self) -> list[str]:
        """The network's most used systems, for /compare (two to four)."""
        return [summary.system.slug for summary in self.summaries[:4]]


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
    organisations: dict[int, set] = {}
    seen_authors = set()
    for experience in experiences:
        if experience.author_id not in users:  # the network's survey answer
            key = ("organisation", experience.organisation_id or -experience.id)
            organisations.setdefault(experience.system_id, set()).add(key)
            found.rows.append(Row(experience.organisation.name if experience.organisation
                                  else "–", experience.survey_label, experience))
            continue
        user = users[experience.author_id]
        key, name = _organisation_of(user)
        organisations.setdefault(experience.system_id, set()).add(key)
        if experience.anonymous:
            found.anonymous += 1
            continue
        seen_authors.add(user.id)
        found.rows.append(Row(name, user.display_name, experience))
    found.rows.sort(key=lambda row: (row.organisation.lower(), row.system.name.lower()))
    found.silent = [user for user_id, user in users.items() if user_id not in seen_authors]
    found.silent.sort(key=lambda user: user.display_name.lower())
    systems = {e.system_id: e.system for e in experiences}
    ordered = sorted(systems.values(),
                     key=lambda s: (-len(organisations[s.id]), s.name.lower()))
    profiles = stats.profiles(ordered, policy.counted(audience),
                              only=[e.id for e in experiences])
    found.summaries = [SystemSummary(system, len(organisations[system.id]), profile)
                       for system, profile in zip(ordered, profiles, strict=True)]
    return found

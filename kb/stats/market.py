"""The market view of a segment: which systems the organisations of one sector, size
band and role run, how many of them, how satisfied they are, and how they move
between systems.

Every figure is a system's Profile (kb.stats.aggregate) or the segment's own
counts (aggregate.segment): organisations, not people, each once per system.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.stats.aggregate import SegmentCounts
from kb.stats.figures import Mean, Profile, Reason, Share, SystemRef
from kb.stats.filters import Filters


@dataclass(frozen=True)
class Standing:
    """One system in the segment: its profile and its share of the segment (the
    organisations running it today among those that said what they run today)."""

    profile: Profile
    share: Share

    @property
    def system(self) -> SystemRef:
        return self.profile.system


@dataclass(frozen=True)
class Switch:
    """Organisations of the segment that moved from one system to another."""

    source: SystemRef
    target: SystemRef
    n: int
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Considered:
    """Organisations running `source` today that consider switching to `target`."""

    source: SystemRef
    target: SystemRef
    n: int


@dataclass
class Market:
    filters: Filters
    organisations: int = 0
    current: int = 0
    satisfaction: Mean = field(default_factory=Mean)  # over every system of the segment
    systems: list[Standing] = field(default_factory=list)  # most run today first
    switches: list[Switch] = field(default_factory=list)  # most common first
    considering: list[Considered] = field(default_factory=list)

    def standing(self, slug: str) -> Standing | None:
        return next((s for s in self.systems if s.system.slug == slug), None)


def build(filters: Filters, profiles: list[Profile], counts: SegmentCounts,
          names: dict[int, SystemRef]) -> Market:
    """The segment from its systems' profiles and counts; systems nobody in the segment
    described are left out."""
    standings = [Standing(profile, Share(profile.current, counts.current))
                 for profile in profiles if profile.n]
    standings.sort(key=lambda s: (-s.profile.current, -s.profile.n, s.system.name.lower()))
    switches = [Switch(names[source], names[target], n, reasons)
                for (source, target), (n, reasons) in counts.switches.items()
                if source in names and target in names]
    switches.sort(key=lambda s: (-s.n, s.source.name.lower(), s.target.name.lower()))
    considering = [Considered(names[source], names[target], n)
                   for (source, target), n in counts.considering.items()
                   if source in names and target in names]
    considering.sort(key=lambda s: (-s.n, s.source.name.lower(), s.target.name.lower()))
    return Market(filters, counts.organisations, counts.current, counts.satisfaction,
                  standings, switches, considering)

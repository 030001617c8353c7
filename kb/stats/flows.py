"""The market view's flows: in a segment, how many organisations moved from each system
to each other over the last FLOW_YEARS years, and what each system gained and lost.

Every count is the number of experiences the /switches list of the same parameters
shows (kb.stats.journeys.switch_rows: from, to, the segment's filters and `since`):
the answers the figures count for the reader's Reach (aggregate.current_answers, each
organisation once per system) that name the system switched from, each organisation
once, made (gone live) in `since` or later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from kb.access.reach import Reach
from kb.core.dates import utcnow
from kb.stats.figures import SystemRef
from kb.stats.filters import Filters
from kb.stats.journeys import Switches, moved_rows, once_per_organisation, switch_years
from kb.stats.snapshot import Snapshot

# The flows cover the switches made this year and the FLOW_YEARS - 1 years before.
FLOW_YEARS = 5


def flow_since(today: datetime | None = None) -> int:
    """The first year of the last FLOW_YEARS years (this one included)."""
    return (today or utcnow()).year - FLOW_YEARS + 1


@dataclass(frozen=True)
class FlowCounts:
    """What the snapshot says, by system id: organisations per (from, to) pair, and per
    system the organisations that came to it (`gained`) and left it (`lost`)."""

    since: int
    pairs: dict[tuple[int, int], int] = field(default_factory=dict)
    gained: dict[int, int] = field(default_factory=dict)
    lost: dict[int, int] = field(default_factory=dict)


def count(snapshot: Snapshot, reach: Reach, filters: Filters, since: int,
          today: datetime | None = None) -> FlowCounts:
    """The flows of the segment since `since`, each count made as switch_rows makes
    the list behind it: the moves between the systems, each organisation once, then
    those made in `since` or later."""
    c = snapshot.columns
    moved = moved_rows(snapshot, reach, Switches(filters=filters), today)
    counts = FlowCounts(since)
    if not len(moved):
        return counts
    years = switch_years(c)
    sources, targets = c["switched_from_id"][moved], c["system_id"][moved]

    def made(rows: np.ndarray) -> int:
        picked = once_per_organisation(c, rows)
        return int(np.count_nonzero(years[picked] >= since))

    pairs = np.unique(np.stack([sources, targets]), axis=1)
    for source, target in pairs.T.tolist():
        n = made(moved[(sources == source) & (targets == target)])
        if n:
            counts.pairs[(source, target)] = n
    for system_id in np.unique(np.concatenate([sources, targets])).tolist():
        gained, lost = made(moved[targets == system_id]), made(moved[sources == system_id])
        if gained:
            counts.gained[system_id] = gained
        if lost:
            counts.lost[system_id] = lost
    return counts


@dataclass(frozen=True)
class PairFlow:
    """Organisations of the segment that moved from `source` to `target`."""

    source: SystemRef
    target: SystemRef
    n: int


@dataclass(frozen=True)
class Balance:
    """What one system gained and lost in the segment: organisations that came to it
    and left it (each once), and the difference."""

    system: SystemRef
    gained: int
    lost: int

    @property
    def net(self) -> int:
        return self.gained - self.lost


@dataclass(frozen=True)
class Flows:
    filters: Filters
    since: int
    flows: tuple[PairFlow, ...] = ()  # most organisations first
    balances: tuple[Balance, ...] = ()  # largest net gain first, largest loss last

    def largest(self, limit: int) -> tuple[PairFlow, ...]:
        """The `limit` largest flows (a diagram of every pair would be unreadable)."""
        return self.flows[:limit]


def build(filters: Filters, counts: FlowCounts, names: dict[int, SystemRef]) -> Flows:
    """The flows with today's names of the systems; systems without a name (not in the
    catalogue) are left out."""
    flows = [PairFlow(names[source], names[target], n)
             for (source, target), n in counts.pairs.items()
             if source in names and target in names]
    flows.sort(key=lambda f: (-f.n, f.source.name.lower(), f.target.name.lower()))
    balances = [Balance(names[system_id], counts.gained.get(system_id, 0),
                        counts.lost.get(system_id, 0))
                for system_id in set(counts.gained) | set(counts.lost) if system_id in names]
    balances.sort(key=lambda b: (-b.net, -b.gained, b.system.name.lower()))
    return Flows(filters, counts.since, tuple(flows), tuple(balances))

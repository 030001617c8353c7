"""Profiles computed from the figure snapshot (kb.stats.snapshot) with numpy.

Which experiences count is the caller's Reach (kb.policy.counted: published
only, public ones only for visitors), then the filters.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import numpy as np

from kb import vocab
from kb.reach import Reach
from kb.stats.figures import (
    CAPABILITY_SHARE_LEVELS,
    DETRACTOR_MAX,
    PROMOTER_MIN,
    Distribution,
    Flow,
    Group,
    Mean,
    Nps,
    Profile,
    Reason,
    Revisions,
    Shares,
    SystemRef,
)
from kb.stats.filters import Filters, recent_cutoff
from kb.stats.queries import system_refs
from kb.stats.snapshot import CODED, Snapshot

# How many of the most common reasons are shown for each switch.
REASONS_PER_FLOW = 3


def counted(snapshot: Snapshot, reach: Reach, filters: Filters,
            today: datetime | None = None, only=None):
    """Which rows of the snapshot count for this Reach under these filters (and among
    the experience ids `only`, when given)."""
    c = snapshot.columns
    rows = reach.snapshot_rows(c, snapshot.shared)
    if only is not None:
        rows &= np.isin(c["id"], np.fromiter(only, dtype=np.int64, count=len(only)))
    for name, column in (("sector", "sector"), ("size", "size_band"), ("role", "reviewer_role")):
        code = getattr(filters, name)
        if code:
            rows &= c[column] == list(CODED[column]).index(code)
    if filters.recent:
        rows &= c["created"] >= snapshot.epoch(recent_cutoff(today))
    return rows


def revisions(snapshot: Snapshot, system_id: int, reach: Reach, recent: int) -> Revisions:
    """The system's experiences that count for this Reach and kept an earlier
    satisfaction: first statement against today's, and the `recent` most recently
    confirmed (then the newest id)."""
    c = snapshot.columns
    rows = np.flatnonzero(counted(snapshot, reach, Filters()) & (c["system_id"] == system_id)
                          & (c["first_satisfaction"] > 0))
    first, latest = c["first_satisfaction"][rows], c["satisfaction"][rows]
    order = np.lexsort((-c["id"][rows], -c["confirmed"][rows]))[:recent]
    return Revisions(
        improved=int(np.count_nonzero(latest > first)),
        worsened=int(np.count_nonzero(latest < first)),
        unchanged=int(np.count_nonzero(latest == first)),
        first_total=int(first.sum()),
        latest_total=int(latest.sum()),
        recent=tuple(c["id"][rows][order].tolist()),
    )


def profiles(snapshot: Snapshot, systems, reach: Reach, filters: Filters,
             today: datetime | None = None, only=None) -> list[Profile]:
    """One Profile for each system, in the given order."""
    if not systems:
        return []
    c = snapshot.columns
    rows = counted(snapshot, reach, filters, today, only)
    found = []
    flows = []
    for system in systems:
        profile = Profile(system=SystemRef(system.id, system.slug, system.name, system.status))
        mine = np.flatnonzero(rows & (c["system_id"] == system.id))
        _fill_main(profile, c, mine)
        _fill_breakdowns(profile, c, mine)
        came = mine[(c["switched_from_id"][mine] > 0)
                    & (c["switched_from_id"][mine] != system.id)]
        went = np.flatnonzero(rows & (c["switched_from_id"] == system.id)
                              & (c["system_id"] != system.id))
        flows.append((profile, _flows(c, came, "switched_from_id"), _flows(c, went, "system_id")))
        found.append(profile)
    names = system_refs({other for _p, *directions in flows for d in directions for other in d})
    for profile, came, went in flows:
        profile.switched_from = _as_flows(came, names, snapshot.reasons)
        profile.switched_to = _as_flows(went, names, snapshot.reasons)
    return found


def _fill_main(profile: Profile, c: dict[str, np.ndarray], mine: np.ndarray) -> None:
    n = len(mine)
    satisfaction = c["satisfaction"][mine]
    scores = np.bincount(satisfaction, minlength=6)
    recommend = c["recommend"][mine]
    promoters = int(np.count_nonzero(recommend >= PROMOTER_MIN))
    detractors = int(np.count_nonzero((recommend >= 0) & (recommend <= DETRACTOR_MAX)))
    answered = int(np.count_nonzero(recommend >= 0))
    profile.n = n
    profile.satisfaction = Mean(int(satisfaction.sum()), n)
    profile.distribution = Distribution({score: int(scores[score]) for score in vocab.SATISFACTION})
    profile.nps = Nps(promoters, answered - promoters - detractors, detractors)
    profile.sub_ratings = {}
    for key in vocab.SUB_RATINGS:
        ratings = c[f"rating_{key}"][mine]
        profile.sub_ratings[key] = Mean(int(ratings.sum()), int(np.count_nonzero(ratings)))
    profile.capabilities = {}
    for key in vocab.CAPABILITIES:
        levels = np.bincount(c[f"cap_{key}"][mine] + 1, minlength=len(CAPABILITY_SHARE_LEVELS) + 1)
        counts = {level: int(levels[i + 1]) for i, level in enumerate(CAPABILITY_SHARE_LEVELS)}
        profile.capabilities[key] = Shares(**counts, unknown=n - sum(counts.values()))


def _fill_breakdowns(profile: Profile, c: dict[str, np.ndarray], mine: np.ndarray) -> None:
    """Satisfaction by sector, size band, year and usage status."""
    satisfaction = c["satisfaction"][mine]

    def groups(column: str, vocabulary) -> list[Group]:
        codes = c[column][mine] + 1  # -1 (not in the vocabulary) counts nowhere
        n = np.bincount(codes, minlength=len(vocabulary) + 1)
        totals = np.bincount(codes, weights=satisfaction, minlength=len(vocabulary) + 1)
        return [Group(code, label, Mean(int(totals[i + 1]), int(n[i + 1])))
                for i, (code, label) in enumerate(vocabulary.items()) if n[i + 1]]

    profile.by_sector = groups("sector", vocab.SECTORS)
    profile.by_size = groups("size_band", vocab.SIZE_BANDS)
    profile.by_status = groups("usage_status", vocab.USAGE_STATUSES)
    years, inverse, n = np.unique(c["year"][mine], return_inverse=True, return_counts=True)
    totals = np.bincount(inverse, weights=satisfaction, minlength=len(years))
    profile.by_year = [Group(int(year), str(int(year)), Mean(int(total), int(count)))
                       for year, total, count in zip(years, totals, n, strict=True)]


def _flows(c: dict[str, np.ndarray], rows: np.ndarray, other: str) -> dict[int, dict[int, int]]:
    """Other system id -> {reason code: number of experiences} (-1: no reason)."""
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if not len(rows):
        return counts
    pairs, n = np.unique(np.stack([c[other][rows], c["reason"][rows]]), axis=1,
                         return_counts=True)
    for (system_id, reason), count in zip(pairs.T.tolist(), n.tolist(), strict=True):
        counts[system_id][reason] += count
    return counts


def _as_flows(counts: dict[int, dict[int, int]], names: dict[int, SystemRef],
              reasons: list[str]) -> list[Flow]:
    flows = []
    for system_id, by_reason in counts.items():
        common = sorted((Reason(reasons[code], n) for code, n in by_reason.items() if code >= 0),
                        key=lambda reason: (-reason.n, reason.text))
        flows.append(Flow(names[system_id], sum(by_reason.values()),
                          tuple(common[:REASONS_PER_FLOW])))
    flows.sort(key=lambda flow: (-flow.n, flow.system.name))
    return flows

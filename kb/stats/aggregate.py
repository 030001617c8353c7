"""Profiles computed from the figure snapshot (kb.stats.snapshot) with numpy.

Which experiences count is the caller's Reach (kb.policy.counted: published
only, public ones only for visitors), then the filters. Then each organisation
counts once per system: of the experiences its members wrote of one system, the
most recently confirmed one stands for the organisation (`one_per_organisation`);
an answer a member wrote always wins over a network's survey answer for the same
organisation and system, whatever the dates (a survey row never replaces or
outranks what the organisation's own people said); an experience whose organisation
is not known stands for an organisation of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from kb.access.reach import SNAPSHOT_AUTHOR, SNAPSHOT_VISIBILITY, VISIBILITY_CODES, Reach
from kb.core import vocab
from kb.core.dates import months_before
from kb.stats.figures import (
    CAPABILITY_SHARE_LEVELS,
    DETRACTOR_MAX,
    PROMOTER_MIN,
    RECENT_MONTHS,
    Distribution,
    Flow,
    GoLive,
    Group,
    Mean,
    Nps,
    Profile,
    Reason,
    Revisions,
    Share,
    Shared,
    Shares,
    SystemRef,
    Trend,
)
from kb.stats.filters import FILTERED_CONTEXT, Filters, recent_cutoff
from kb.stats.queries import system_refs
from kb.stats.snapshot import CODED, Snapshot

# How many of the most common reasons are shown for each switch.
REASONS_PER_FLOW = 3
CURRENT = list(vocab.USAGE_STATUSES).index("current")


def counted(snapshot: Snapshot, reach: Reach, filters: Filters,
            today: datetime | None = None, only=None):
    """Which rows of the snapshot count for this Reach under these filters (and among
    the experience ids `only`, when given)."""
    c = snapshot.columns
    rows = reach.snapshot_rows(c, snapshot.shared)
    if only is not None:
        rows &= np.isin(c["id"], np.fromiter(only, dtype=np.int64, count=len(only)))
    for name in FILTERED_CONTEXT:
        code = getattr(filters, name)
        if code:
            column = vocab.CONTEXT_BY_PARAM[name].column
            rows &= c[column] == list(CODED[column]).index(code)
    if filters.recent:
        rows &= c["created"] >= snapshot.epoch(recent_cutoff(today))
    if filters.no_survey:
        rows &= c["survey"] == 0
    return rows


def own_answers(c: dict[str, np.ndarray]) -> np.ndarray:
    """Per row, whether it is an answer a member wrote themselves (an author, and not a
    network's survey answer): it stands for its organisation before any survey answer."""
    return (c[SNAPSHOT_AUTHOR] > 0) & (c["survey"] == 0)


def one_per_organisation(c: dict[str, np.ndarray], rows) -> tuple[np.ndarray, dict[int, Shared]]:
    """`rows` with each known organisation's experiences of one system reduced to one:
    a member's own answer before any survey answer (`own_answers`), then the most
    recently confirmed, then the newest; and per system the organisations that
    answered more than once (kb.stats.figures.Shared)."""
    picked = rows.copy()
    known = np.flatnonzero(rows & (c["organisation_id"] > 0))
    if len(known) < 2:
        return picked, {}
    systems = c["system_id"][known]
    organisations = c["organisation_id"][known]
    # The last key sorts first: per system and organisation, members' own answers
    # before the rest (survey answers), each newest confirmed first.
    others = ~own_answers(c)[known]
    order = np.lexsort((-c["id"][known], -c["confirmed"][known], others, organisations,
                        systems))
    ordered, systems, organisations = known[order], systems[order], organisations[order]
    starts = np.ones(len(ordered), dtype=bool)
    starts[1:] = (systems[1:] != systems[:-1]) | (organisations[1:] != organisations[:-1])
    picked[ordered[~starts]] = False
    firsts = np.flatnonzero(starts)
    sizes = np.diff(np.append(firsts, len(ordered)))
    several = sizes > 1
    shared: dict[int, Shared] = {}
    if several.any():
        satisfaction = c["satisfaction"][ordered]
        gaps = (np.maximum.reduceat(satisfaction, firsts)
                - np.minimum.reduceat(satisfaction, firsts))[several]
        group_systems, group_sizes = systems[firsts][several], sizes[several]
        for system_id in np.unique(group_systems).tolist():
            mine = group_systems == system_id
            shared[system_id] = Shared(organisations=int(np.count_nonzero(mine)),
                                       answers=int(group_sizes[mine].sum()),
                                       widest=int(gaps[mine].max()))
    return picked, shared


def current_answers(snapshot: Snapshot, reach: Reach, filters: Filters,
                    today: datetime | None = None, only=None):
    """The rows that count (`counted`), and of them the rows figures are made of: each
    organisation's current answer per system (`one_per_organisation`), with the
    organisations that answered more than once. Profiles, the segment and the decision
    report's quotes (`answers`) all take their rows from here."""
    only = frozenset(only) if only is not None else None
    key = ("current_answers", reach, filters,
           recent_cutoff(today) if filters.recent else None, only)
    found = snapshot.worked.get(key)
    if found is None:
        every = counted(snapshot, reach, filters, today, only)
        rows, shared = one_per_organisation(snapshot.columns, every)
        # Kept read-only: every caller combines them into new arrays.
        every.flags.writeable = rows.flags.writeable = False
        found = snapshot.worked.put(key, (every, rows, shared))
    return found


def answers(snapshot: Snapshot, system_ids, reach: Reach, filters: Filters,
            today: datetime | None = None, only=None) -> dict[int, list[int]]:
    """Per system, the ids of the experiences its profile counts for this Reach under
    these filters (among the ids `only`, when given) – each organisation's current
    answer (`current_answers`) – highest id first."""
    c = snapshot.columns
    _every, rows, _shared = current_answers(snapshot, reach, filters, today, only)
    return {system_id: c["id"][rows & (c["system_id"] == system_id)][::-1].tolist()
            for system_id in system_ids}


def visibilities(snapshot: Snapshot, reach: Reach, filters: Filters,
                 today: datetime | None = None) -> frozenset[str]:
    """The visibilities (kb.core.vocab.VISIBILITIES) of the experiences that count for
    this Reach under these filters, in any system: whether figures of the segment
    include what a visitor's would not."""
    codes = np.unique(snapshot.columns[SNAPSHOT_VISIBILITY][counted(snapshot, reach, filters,
                                                                     today)])
    return frozenset(VISIBILITY_CODES[code] for code in codes.tolist() if code >= 0)


def trend_windows(snapshot: Snapshot, today: datetime | None = None) -> tuple[int, int]:
    """Epoch seconds where the last RECENT_MONTHS months start, and the period before."""
    recent = recent_cutoff(today)
    return snapshot.epoch(recent), snapshot.epoch(months_before(recent, RECENT_MONTHS))


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
    every, rows, shared = current_answers(snapshot, reach, filters, today, only)
    windows = trend_windows(snapshot, today)
    found = []
    flows = []
    for system in systems:
        profile = Profile(system=SystemRef(system.id, system.slug, system.name, system.status))
        this_system = c["system_id"] == system.id
        mine = np.flatnonzero(rows & this_system)
        _fill_main(profile, c, mine)
        _fill_breakdowns(profile, c, mine)
        _fill_market(profile, c, mine, windows)
        profile.experiences = int(np.count_nonzero(every & this_system))
        profile.shared = shared.get(system.id, Shared())
        came = mine[(c["switched_from_id"][mine] > 0)
                    & (c["switched_from_id"][mine] != system.id)]
        went = np.flatnonzero(rows & (c["switched_from_id"] == system.id) & ~this_system)
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


def _fill_market(profile: Profile, c: dict[str, np.ndarray], mine: np.ndarray,
                 windows: tuple[int, int]) -> None:
    """Running it today, considering a switch, the trend and the go-live times."""
    current = mine[c["usage_status"][mine] == CURRENT]
    profile.current = len(current)
    profile.considering = Share(int(np.count_nonzero(c["considering_switch_to_id"][current] > 0)),
                                len(current))
    recent_start, earlier_start = windows
    satisfaction = c["satisfaction"][mine]
    # As stated when written: the first kept satisfaction of an updated experience.
    first = c["first_satisfaction"][mine]
    first = np.where(first > 0, first, satisfaction)
    recent = c["confirmed"][mine] >= recent_start
    created = c["created"][mine]
    earlier = (created >= earlier_start) & (created < recent_start)
    profile.trend = Trend(
        earlier=Mean(int(first[earlier].sum()), int(np.count_nonzero(earlier))),
        recent=Mean(int(satisfaction[recent].sum()), int(np.count_nonzero(recent))),
    )
    months = c["go_live_months"][mine]
    months = months[months >= 0]
    if len(months):
        profile.go_live = GoLive(len(months), float(np.median(months)), int(months.min()),
                                 int(months.max()))


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


@dataclass
class SegmentCounts:
    """A segment (the rows that count under the filters) as a whole: how many
    organisations it holds, how many said what they run today, their average
    satisfaction, and the switches made and considered within it (system ids)."""

    organisations: int = 0
    current: int = 0
    satisfaction: Mean = field(default_factory=Mean)
    # (from system id, to system id) -> (organisations, the most common reasons)
    switches: dict[tuple[int, int], tuple[int, tuple[Reason, ...]]] = field(
        default_factory=dict)
    # (system id, system considered) -> organisations running the first today
    considering: dict[tuple[int, int], int] = field(default_factory=dict)


def segment(snapshot: Snapshot, reach: Reach, filters: Filters,
            today: datetime | None = None) -> SegmentCounts:
    """The segment's own figures, each organisation once per system."""
    c = snapshot.columns
    _every, rows, _shared = current_answers(snapshot, reach, filters, today)
    picked = np.flatnonzero(rows)
    organisation = c["organisation_id"][picked].astype(np.int64)
    # An experience of an organisation not known stands for one of its own.
    unit = np.where(organisation > 0, organisation, -c["id"][picked])
    current = c["usage_status"][picked] == CURRENT
    counts = SegmentCounts(
        organisations=len(np.unique(unit)),
        current=len(np.unique(unit[current])),
        satisfaction=Mean(int(c["satisfaction"][picked].sum()), len(picked)),
    )
    system, came_from = c["system_id"][picked], c["switched_from_id"][picked]
    moved = (came_from > 0) & (came_from != system)
    if moved.any():
        keys = np.stack([came_from[moved], system[moved], c["reason"][picked][moved]])
        pairs, n = np.unique(keys, axis=1, return_counts=True)
        by_pair: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
        for (source, target, reason), count in zip(pairs.T.tolist(), n.tolist(), strict=True):
            by_pair[(source, target)][reason] = count
        for pair, by_reason in by_pair.items():
            common = sorted((Reason(snapshot.reasons[code], k) for code, k in by_reason.items()
                             if code >= 0), key=lambda reason: (-reason.n, reason.text))
            counts.switches[pair] = (sum(by_reason.values()), tuple(common[:REASONS_PER_FLOW]))
    considered = c["considering_switch_to_id"][picked]
    thinking = current & (considered > 0) & (considered != system)
    if thinking.any():
        pairs, n = np.unique(np.stack([system[thinking], considered[thinking]]), axis=1,
                             return_counts=True)
        counts.considering = {(int(a), int(b)): int(k)
                              for (a, b), k in zip(pairs.T.tolist(), n.tolist(), strict=True)}
    return counts

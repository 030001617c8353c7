"""Aggregates for system profiles and comparisons, from a columnar copy of the
experiences kept up to date with every write (kb.stats.snapshot).

Which experiences count is the Reach the caller passes (kb.policy.counted: published
experiences only, and for visitors only public ones); a figure with fewer than
MIN_ANSWERS answers behind it is shown as "för få svar".
"""

from kb.reach import Reach
from kb.stats import aggregate, cache, queries, snapshot
from kb.stats.figures import (
    MIN_ANSWERS,
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
from kb.stats.filters import FilterError, Filters, recent_cutoff
from kb.stats.market import Considered, Market, Standing, Switch
from kb.stats.market import build as build_market
from kb.stats.queries import common_switches


def profiles(systems, reach: Reach, filters: Filters | None = None,
             today=None, only=None) -> list[Profile]:
    """Every aggregate of each system over the experiences this Reach counts, in the
    given order; with `only` (experience ids), over those of them alone (a network's
    members' experiences, kb.network_overview)."""
    filters = filters or Filters()
    # The day's cutoff is part of every key: the 24-month toggle and the trend use it.
    window = recent_cutoff(today)
    only = frozenset(only) if only is not None else None
    keys = {system.id: (reach, system.id, filters, window, only) for system in systems}
    store = cache.profile_cache()
    version = cache.data_version()
    figures = snapshot.current(version)
    store.follow(figures)
    found = {system.id: store.get(version, keys[system.id]) for system in systems}
    missing = [system for system in systems if found[system.id] is None]
    if missing:
        for fresh in aggregate.profiles(figures, missing, reach, filters, today, only):
            store.put(version, keys[fresh.system.id], fresh)
            found[fresh.system.id] = fresh
    if len(missing) == len(systems):
        return [found[system.id] for system in systems]
    names = queries.system_refs()
    return [
        cache.with_current_names(found[system.id], names[system.id], names)
        for system in systems
    ]


def market(systems, reach: Reach, filters: Filters | None = None, today=None) -> Market:
    """The market view of the segment the filters describe: each of these systems that
    organisations of the segment described, ranked by how many run it today, and the
    segment's switches (kb.stats.market)."""
    filters = filters or Filters()
    found = profiles(systems, reach, filters, today)
    key = (cache.SEGMENT, reach, filters, recent_cutoff(today))
    store = cache.profile_cache()
    version = cache.data_version()
    figures = snapshot.current(version)
    store.follow(figures)
    counts = store.get(version, key)
    if counts is None:
        counts = aggregate.segment(figures, reach, filters, today)
        store.put(version, key, counts)
    return build_market(filters, found, counts, queries.system_refs())


def revisions(system_id: int, reach: Reach, recent: int) -> Revisions:
    """How satisfaction moved at the organisations that confirmed or updated their
    experience of this system (kb.freshness), over what this Reach counts."""
    return aggregate.revisions(snapshot.current(cache.data_version()), system_id, reach, recent)


def listed_count(system_id: int, reach: Reach, filters: Filters | None = None,
                 confirmed_since=None) -> int:
    """How many of the system's experiences this Reach lists under these filters
    (confirmed since `confirmed_since`, when given): what a system page's pages count,
    taken from the snapshot instead of counting rows again (on PostgreSQL such a
    count reads the table itself until it has been vacuumed)."""
    figures = snapshot.current(cache.data_version())
    rows = aggregate.counted(figures, reach, filters or Filters())
    rows &= figures.columns["system_id"] == system_id
    if confirmed_since is not None:
        rows &= figures.columns["confirmed"] >= figures.epoch(confirmed_since)
    return int(rows.sum())


def profile(system, reach: Reach, filters: Filters | None = None, today=None) -> Profile:
    """Every aggregate of one system over what this Reach counts."""
    return profiles([system], reach, filters, today)[0]


__all__ = [
    "MIN_ANSWERS", "RECENT_MONTHS", "Considered", "Distribution", "Flow", "GoLive", "Group",
    "Market", "Mean", "Nps", "Profile", "Reason", "Share", "Shared", "Shares", "Standing",
    "Switch", "SystemRef", "Trend", "Filters", "FilterError", "recent_cutoff",
    "common_switches", "listed_count", "market", "profile", "profiles", "revisions", "Revisions",
]

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
    Group,
    Mean,
    Nps,
    Profile,
    Reason,
    Revisions,
    Shares,
    SystemRef,
)
from kb.stats.filters import FilterError, Filters, recent_cutoff
from kb.stats.queries import common_switches


def profiles(systems, reach: Reach, filters: Filters | None = None,
             today=None, only=None) -> list[Profile]:
    """Every aggregate of each system over the experiences this Reach counts, in the
    given order; with `only` (experience ids), over those of them alone (a network's
    members' experiences, kb.network_overview)."""
    filters = filters or Filters()
    window = recent_cutoff(today) if filters.recent else None
    only = frozenset(only) if only is not None else None
    keys = {system.id: (reach, system.id, filters, window, only) for system in systems}
    store = cache.profile_cache()
    version = cache.data_version()
    found = {system.id: store.get(version, keys[system.id]) for system in systems}
    missing = [system for system in systems if found[system.id] is None]
    if missing:
        figures = snapshot.current(version)
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


def revisions(system_id: int, reach: Reach, recent: int) -> Revisions:
    """How satisfaction moved at the organisations that confirmed or updated their
    experience of this system (kb.freshness), over what this Reach counts."""
    return aggregate.revisions(snapshot.current(cache.data_version()), system_id, reach, recent)


def profile(system, reach: Reach, filters: Filters | None = None, today=None) -> Profile:
    """Every aggregate of one system over what this Reach counts."""
    return profiles([system], reach, filters, today)[0]


__all__ = [
    "MIN_ANSWERS", "RECENT_MONTHS", "Distribution", "Flow", "Group", "Mean", "Nps",
    "Profile", "Reason", "Shares", "SystemRef", "Filters", "FilterError", "recent_cutoff",
    "common_switches", "profile", "profiles", "revisions", "Revisions",
]

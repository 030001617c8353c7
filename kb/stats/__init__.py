"""Aggregates for system profiles and comparisons, from a columnar copy of the
experiences kept up to date with every write (kb.stats.snapshot).

Every figure counts published experiences only, and for visitors only public ones
(see `queries.aggregated`); a figure with fewer than MIN_ANSWERS answers behind it
is shown as "för få svar".
"""

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


def profiles(systems, user, filters: Filters | None = None, today=None) -> list[Profile]:
    """Every aggregate of each system for this viewer, in the given order."""
    filters = filters or Filters()
    window = recent_cutoff(today) if filters.recent else None
    keys = {system.id: (queries.audience(user), system.id, filters, window) for system in systems}
    store = cache.profile_cache()
    version = cache.data_version()
    found = {system.id: store.get(version, keys[system.id]) for system in systems}
    missing = [system for system in systems if found[system.id] is None]
    if missing:
        figures = snapshot.current(version)
        for fresh in aggregate.profiles(figures, missing, user, filters, today):
            store.put(version, keys[fresh.system.id], fresh)
            found[fresh.system.id] = fresh
    if len(missing) == len(systems):
        return [found[system.id] for system in systems]
    names = queries.system_refs()
    return [
        cache.with_current_names(found[system.id], names[system.id], names)
        for system in systems
    ]


def revisions(system_id: int, user, recent: int) -> Revisions:
    """How satisfaction moved at the organisations that confirmed or updated their
    experience of this system (kb.freshness), for this viewer."""
    return aggregate.revisions(snapshot.current(cache.data_version()), system_id, user, recent)


def profile(system, user, filters: Filters | None = None, today=None) -> Profile:
    """Every aggregate of one system for this viewer."""
    return profiles([system], user, filters, today)[0]


__all__ = [
    "MIN_ANSWERS", "RECENT_MONTHS", "Distribution", "Flow", "Group", "Mean", "Nps",
    "Profile", "Reason", "Shares", "SystemRef", "Filters", "FilterError", "recent_cutoff",
    "common_switches", "profile", "profiles", "revisions", "Revisions",
]

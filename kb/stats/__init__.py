"""Aggregates for system profiles and comparisons, from a columnar copy of the
experiences kept up to date with every write (kb.stats.snapshot).

Which experiences count is the Reach the caller passes (kb.policy.counted: published
experiences only, and for visitors only public ones); a figure with fewer than
MIN_ANSWERS answers behind it is shown as "för få svar".
"""

import numpy as np

from kb.access.reach import Reach
from kb.stats import aggregate, cache, flows, journeys, queries, snapshot
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
from kb.stats.flows import FLOW_YEARS, Balance, Flows, PairFlow, flow_since
from kb.stats.journeys import (
    HAS,
    OTHER,
    THEMES,
    Before,
    Direction,
    Journey,
    Switches,
    classify,
    theme_label,
)
from kb.stats.market import Considered, Market, Standing, Switch
from kb.stats.market import build as build_market


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


# The first element of a key per_data_version drops at any change of the data, and
# of one it drops at changes that can move that system's switch journey.
SEGMENT = cache.SEGMENT
JOURNEY = cache.JOURNEY


def per_data_version(key: tuple, compute):
    """Figures computed once per data version and process: from the per-process cache
    (kb.stats.cache.ProfileCache), or `compute(snapshot)` once and kept. A key that
    starts with cache.SEGMENT is dropped at any change of the data; one that starts
    with cache.JOURNEY and a system's id at a change to the answers of any
    organisation that answered about that system; one whose second element is a
    system's id, like a profile's, only at a change to that system's experiences."""
    store = cache.profile_cache()
    version = cache.data_version()
    figures = snapshot.current(version)
    store.follow(figures)
    counts = store.get(version, key)
    if counts is None:
        counts = compute(figures)
        store.put(version, key, counts)
    return counts


def market(systems, reach: Reach, filters: Filters | None = None, today=None) -> Market:
    """The market view of the segment the filters describe: each of these systems that
    organisations of the segment described, ranked by how many run it today, and the
    segment's switches (kb.stats.market)."""
    filters = filters or Filters()
    found = profiles(systems, reach, filters, today)
    counts = per_data_version((cache.SEGMENT, reach, filters, recent_cutoff(today)),
                              lambda figures: aggregate.segment(figures, reach, filters, today))
    return build_market(filters, found, counts, queries.system_refs())


def market_flows(reach: Reach, filters: Filters | None = None, since: int | None = None,
                 today=None) -> Flows:
    """The segment's flows between systems since `since` (default: the last FLOW_YEARS
    years), each count exactly the /switches list of the same parameters
    (kb.stats.flows)."""
    filters = filters or Filters()
    since = since if since is not None else flow_since(today)
    counts = per_data_version(
        (cache.SEGMENT, "flows", reach, filters, since, recent_cutoff(today)),
        lambda figures: flows.count(figures, reach, filters, since, today))
    return flows.build(filters, counts, queries.system_refs())


def revisions(system_id: int, reach: Reach, recent: int) -> Revisions:
    """How satisfaction moved at the organisations that confirmed or updated their
    experience of this system (kb.freshness), over what this Reach counts."""
    return aggregate.revisions(snapshot.current(cache.data_version()), system_id, reach, recent)


def counted_answers(system_ids, reach: Reach, filters: Filters | None = None,
                    today=None, only=None) -> dict[int, list[int]]:
    """Per system id, the experiences its figures count for this Reach under these
    filters: each organisation's current answer for the system (a member's own answer
    before a network's survey answer, then the most recently confirmed,
    kb.stats.aggregate.current_answers), highest id first; with `only` (experience
    ids), among those alone, as `profiles` counts them.
    The decision report quotes these and no others; a network's overview asks whether
    its viewer sees each of them (kb.access.figures)."""
    figures = snapshot.current(cache.data_version())
    only = frozenset(only) if only is not None else None
    return aggregate.answers(figures, system_ids, reach, filters or Filters(), today, only)


def counted_visibilities(reach: Reach, filters: Filters | None = None,
                         today=None) -> frozenset[str]:
    """The visibilities ("public", "members", "networks") of the experiences the
    figures of the segment count for this Reach: anything but "public" is material
    a visitor's figures leave out."""
    figures = snapshot.current(cache.data_version())
    return aggregate.visibilities(figures, reach, filters or Filters(), today)


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


def switch_ids(reach: Reach, which: Switches, today=None) -> list[int]:
    """The experiences behind a switch count (kb.stats.journeys.switch_rows): the answers
    the figures count for this Reach that switched as `which` says, each organisation
    once, most recently confirmed first. The /switches list shows exactly these."""
    return journeys.switch_ids(snapshot.current(cache.data_version()), reach, which, today)


def befores(reach: Reach, filters: Filters, ids) -> dict[int, Before]:
    """For switch experiences (ids), how satisfied the organisation was with the system
    it left (kb.stats.journeys.befores)."""
    figures = snapshot.current(cache.data_version())
    c = figures.columns
    rows = np.searchsorted(c["id"], np.array(list(ids), dtype=np.int64))
    rows = rows[(rows < len(c["id"]))]
    rows = rows[np.isin(c["id"][rows], list(ids))]
    return journeys.befores(figures, reach, filters, rows)


def journeys_of(systems, reach: Reach, filters: Filters | None = None,
                today=None) -> list[Journey]:
    """Each system's switch journey (kb.stats.journeys.journey) over what this Reach
    counts under these filters, in the given order."""
    filters = filters or Filters()
    names = queries.system_refs()
    # Kept until a change can move the journey (cache.JOURNEY: it reads the switching
    # organisations' answers of other systems too), and for these names (a rename is
    # not a data change).
    shown_names = frozenset(names.values())
    return [per_data_version(
        (cache.JOURNEY, system.id, reach, filters, recent_cutoff(today), shown_names),
        lambda figures, system=system: journeys.journey(figures, names[system.id], reach,
                                                        filters, names, today))
        for system in systems]


def journey(system, reach: Reach, filters: Filters | None = None, today=None) -> Journey:
    """One system's switch journey (`journeys_of`)."""
    return journeys_of([system], reach, filters, today)[0]


def profile(system, reach: Reach, filters: Filters | None = None, today=None) -> Profile:
    """Every aggregate of one system over what this Reach counts."""
    return profiles([system], reach, filters, today)[0]


__all__ = [
    "JOURNEY", "SEGMENT", "per_data_version",
    "MIN_ANSWERS", "RECENT_MONTHS", "Considered", "Distribution", "Flow", "GoLive", "Group",
    "Market", "Mean", "Nps", "Profile", "Reason", "Share", "Shared", "Shares", "Standing",
    "Switch", "Switches", "SystemRef", "Trend", "Filters", "FilterError", "recent_cutoff",
    "counted_answers", "counted_visibilities", "listed_count", "market",
    "profile", "profiles", "revisions", "Revisions", "switch_ids",
    "HAS", "OTHER", "THEMES", "Before", "Direction", "Journey", "befores", "classify", "journey",
    "journeys_of", "theme_label",
    "FLOW_YEARS", "Balance", "Flows", "PairFlow", "flow_since", "market_flows",
]

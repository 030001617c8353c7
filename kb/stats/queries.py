"""The aggregates, computed in the database: a handful of GROUP BY queries for any
number of systems at once (a profile is a comparison of one)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import ColumnElement, and_, extract, func, select

from kb import vocab
from kb.access import visible_experiences
from kb.extensions import db
from kb.models import Experience, PayrollSystem
from kb.stats.figures import (
    DETRACTOR_MAX,
    PROMOTER_MIN,
    Distribution,
    Flow,
    Group,
    Mean,
    Nps,
    Profile,
    Reason,
    Shares,
    SystemRef,
)
from kb.stats.filters import Filters

E = Experience
CAPABILITY_COUNTED = ("good", "workaround", "missing")
# How many of the most common reasons are shown for each switch.
REASONS_PER_FLOW = 3


def audience(user) -> str:
    """Figures differ only between visitors ("public") and members ("members")."""
    return "public" if user is None else "members"


def aggregated(user) -> ColumnElement[bool]:
    """Experiences that count in figures for this viewer: published only (never pending
    or hidden, not even for moderators or authors), public ones only for visitors.

    For a member, visible_experiences(member) AND published is simply "published"
    (own unpublished ones drop out); written that way it stays inside the covering
    index ix_experience_stats, which has no author column."""
    published = E.moderation_state == "published"
    if audience(user) == "public":
        return and_(visible_experiences(None), published)
    return published


def _count_if(condition) -> ColumnElement:
    return func.count().filter(condition)


def _main_columns() -> list:
    columns = [
        E.system_id.label("system_id"),
        func.count().label("n"),
        func.sum(E.satisfaction).label("satisfaction_total"),
        *(
            _count_if(E.satisfaction == score).label(f"score_{score}")
            for score in vocab.SATISFACTION
        ),
        _count_if(E.recommend >= PROMOTER_MIN).label("promoters"),
        _count_if(E.recommend <= DETRACTOR_MAX).label("detractors"),
        func.count(E.recommend).label("recommend_n"),
    ]
    for key in vocab.SUB_RATINGS:
        column = getattr(E, f"rating_{key}")
        columns.append(func.sum(column).label(f"rating_{key}_total"))
        columns.append(func.count(column).label(f"rating_{key}_n"))
    for key in vocab.CAPABILITIES:
        column = getattr(E, f"cap_{key}")
        columns.extend(
            _count_if(column == level).label(f"cap_{key}_{level}") for level in CAPABILITY_COUNTED
        )
    return columns


def profiles(systems: list[PayrollSystem], user, filters: Filters,
             today: datetime | None = None) -> list[Profile]:
    """One Profile for each system, in the given order."""
    if not systems:
        return []
    ids = [system.id for system in systems]
    where = [aggregated(user), *filters.clauses(today)]
    result = {
        system.id: Profile(system=SystemRef(system.id, system.slug, system.name, system.status))
        for system in systems
    }
    _fill_main(result, ids, where)
    _fill_breakdowns(result, ids, where)
    _fill_flows(result, ids, where)
    return [result[system_id] for system_id in ids]


def _fill_main(result: dict[int, Profile], ids: list[int], where: list) -> None:
    query = select(*_main_columns()).where(E.system_id.in_(ids), *where).group_by(E.system_id)
    for row in db.session.execute(query).mappings():
        profile = result[row["system_id"]]
        profile.n = row["n"]
        profile.satisfaction = Mean(int(row["satisfaction_total"] or 0), row["n"])
        profile.distribution = Distribution(
            {score: int(row[f"score_{score}"]) for score in vocab.SATISFACTION}
        )
        promoters, detractors = int(row["promoters"]), int(row["detractors"])
        profile.nps = Nps(promoters, row["recommend_n"] - promoters - detractors, detractors)
        profile.sub_ratings = {
            key: Mean(int(row[f"rating_{key}_total"] or 0), row[f"rating_{key}_n"])
            for key in vocab.SUB_RATINGS
        }
        profile.capabilities = {
            key: _shares(row, key) for key in vocab.CAPABILITIES
        }
    for profile in result.values():
        if not profile.sub_ratings:
            profile.sub_ratings = {key: Mean() for key in vocab.SUB_RATINGS}
            profile.capabilities = {key: Shares() for key in vocab.CAPABILITIES}
            profile.distribution = Distribution({score: 0 for score in vocab.SATISFACTION})


def _shares(row, key: str) -> Shares:
    counts = {level: int(row[f"cap_{key}_{level}"]) for level in CAPABILITY_COUNTED}
    return Shares(**counts, unknown=row["n"] - sum(counts.values()))


def _fill_breakdowns(result: dict[int, Profile], ids: list[int], where: list) -> None:
    """Satisfaction by sector, size band, year and usage status from one grouped query."""
    year = extract("year", E.created_at)
    query = (
        select(
            E.system_id, E.sector, E.size_band, year.label("year"), E.usage_status,
            func.count(), func.sum(E.satisfaction),
        )
        .where(E.system_id.in_(ids), *where)
        .group_by(E.system_id, E.sector, E.size_band, year, E.usage_status)
    )
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for system_id, sector, size, year_value, status, n, total in db.session.execute(query):
        for dimension, code in (("sector", sector), ("size", size),
                                ("year", int(year_value)), ("status", status)):
            cell = cells[(system_id, dimension, code)]
            cell[0] += int(total)
            cell[1] += n
    for system_id, profile in result.items():
        def groups(dimension, codes, labels, system_id=system_id):
            found = []
            for code in codes:
                total, n = cells.get((system_id, dimension, code), (0, 0))
                if n:
                    found.append(Group(code, labels(code), Mean(total, n)))
            return found

        profile.by_sector = groups("sector", vocab.SECTORS,
                                   lambda code: vocab.label(vocab.SECTORS, code))
        profile.by_size = groups("size", vocab.SIZE_BANDS,
                                 lambda code: vocab.label(vocab.SIZE_BANDS, code))
        years = sorted({key[2] for key in cells if key[0] == system_id and key[1] == "year"})
        profile.by_year = groups("year", years, str)
        profile.by_status = groups("status", vocab.USAGE_STATUSES,
                                   lambda code: vocab.label(vocab.USAGE_STATUSES, code))


def _fill_flows(result: dict[int, Profile], ids: list[int], where: list) -> None:
    """Where members switched here from, where former users went, and their most
    common reasons: one grouped query for each direction."""
    switched = [E.switched_from_id.is_not(None), E.switched_from_id != E.system_id, *where]
    columns = (E.system_id, E.switched_from_id, E.switch_reason, func.count())
    rows = [
        *db.session.execute(
            select(*columns).where(E.system_id.in_(ids), *switched).group_by(*columns[:3])
        ),
        *db.session.execute(
            select(*columns).where(E.switched_from_id.in_(ids), *switched).group_by(*columns[:3])
        ),
    ]
    if not rows:
        return
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    reasons: dict[tuple[int, int], list[Reason]] = defaultdict(list)
    seen = set()
    for to_id, from_id, text, n in rows:
        if (to_id, from_id, text) in seen:  # a switch between two of the compared systems
            continue
        seen.add((to_id, from_id, text))
        pairs[(to_id, from_id)] += n
        if text.strip():
            reasons[(to_id, from_id)].append(Reason(text, n))
    names = system_refs({system_id for pair in pairs for system_id in pair})
    for (to_id, from_id), n in pairs.items():
        common = sorted(reasons.get((to_id, from_id), ()), key=lambda r: (-r.n, r.text))
        flow_reasons = tuple(common[:REASONS_PER_FLOW])
        if to_id in result:
            result[to_id].switched_from.append(Flow(names[from_id], n, flow_reasons))
        if from_id in result:
            result[from_id].switched_to.append(Flow(names[to_id], n, flow_reasons))
    for profile in result.values():
        profile.switched_from.sort(key=lambda flow: (-flow.n, flow.system.name))
        profile.switched_to.sort(key=lambda flow: (-flow.n, flow.system.name))


def system_refs(ids=None) -> dict[int, SystemRef]:
    """Id, slug, name and status of systems (all of them when ids is None)."""
    query = select(PayrollSystem.id, PayrollSystem.slug, PayrollSystem.name, PayrollSystem.status)
    if ids is not None:
        query = query.where(PayrollSystem.id.in_(ids))
    return {row.id: SystemRef(*row) for row in db.session.execute(query)}


def common_switches(user, limit: int = 5) -> list[tuple[SystemRef, SystemRef, int]]:
    """The most common switches, (from, to, number of experiences), for the home page."""
    rows = db.session.execute(
        select(E.switched_from_id, E.system_id, func.count().label("n"))
        .where(aggregated(user), E.switched_from_id.is_not(None),
               E.switched_from_id != E.system_id)
        .group_by(E.switched_from_id, E.system_id)
        .order_by(func.count().desc(), E.switched_from_id, E.system_id)
        .limit(limit)
    ).all()
    names = system_refs({from_id for from_id, _, _ in rows} | {to_id for _, to_id, _ in rows})
    return [(names[from_id], names[to_id], n) for from_id, to_id, n in rows]

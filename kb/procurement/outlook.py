"""The procurement view of a segment: how many organisations' contracts end in each of
the next six years, per system, and how they procured last time.

Which answers count is the figures' one rule: each organisation's current answer per
system among what the audience's figures count (kb.stats.counted_answers, under the
segment's filters), and of those the answers whose contract facts the audience's
figures may count (kb.access.procurement.counted_contract_audiences). A count of
fewer than MIN_ANSWERS organisations is withheld ("färre än 5"), and so is a total
that would give a single withheld count away (the total less the counts shown).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import or_, select

from kb import catalogue, stats
from kb.access import policy
from kb.access import procurement as access
from kb.access.policy import Audience
from kb.core import swedish, vocab
from kb.extensions import db
from kb.models import Experience
from kb.procurement.contracts import this_year

YEARS = 6
# Experience ids per query when the counted organisations are read.
CHUNK = 5000
TOO_FEW = f"färre än {stats.MIN_ANSWERS}"
# A total withheld because it would give a withheld count away.
WITHHELD = "visas inte"


@dataclass(frozen=True)
class Count:
    """A number of organisations, shown when it is 0 or at least MIN_ANSWERS."""

    n: int
    withheld: bool = False  # withheld although large enough (it would give another away)

    @property
    def shown(self) -> int | None:
        if self.withheld or 0 < self.n < stats.MIN_ANSWERS:
            return None
        return self.n

    @property
    def too_few(self) -> bool:
        return 0 < self.n < stats.MIN_ANSWERS

    @property
    def text(self) -> str:
        if self.too_few:
            return TOO_FEW
        if self.withheld:
            return WITHHELD
        return swedish.thousands(self.n)


@dataclass
class SystemRow:
    system: object  # a PayrollSystem (slug, name); its id in the kept tally
    years: list[Count]
    total: Count  # organisations whose contract ends within the six years

    @property
    def any_shown(self) -> bool:
        return any(cell.shown for cell in self.years)


@dataclass
class RouteRow:
    code: str
    label: str
    count: Count


@dataclass
class Outlook:
    filters: stats.Filters
    years: list[int]
    totals: list[Count]  # per year, each organisation once
    systems: list[SystemRow]  # systems with at least one organisation in the six years
    routes: list[RouteRow]
    routes_total: Count  # organisations that said how they procured
    counted: int  # organisations the figures count (current answers)
    known: int  # of them, organisations whose contract end is known to this audience
    window_total: Count  # organisations whose contract ends within the six years
    min_answers: int = stats.MIN_ANSWERS
    notes: list[str] = field(default_factory=list)

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def last_year(self) -> int:
        return self.years[-1]

    def summary(self) -> str | None:
        """"12 organisationers avtal löper ut 2026–2028" (from this year to the last
        year any of them ends), or None below the minimum."""
        n = self.window_total.shown
        if not n:
            return None
        last = max(i for i, cell in enumerate(self.totals) if cell.n)
        span = str(self.years[0]) if last == 0 else f"{self.years[0]}–{self.years[last]}"
        return f"{swedish.thousands(n)} organisationers avtal löper ut {span}"


def _guarded(cells: list[int], total: int) -> tuple[list[Count], Count]:
    """Counts with the one a total would give away withheld: when exactly one count is
    withheld for being small, the total (the sum less the shown ones) is withheld too."""
    counts = [Count(n) for n in cells]
    small = [c for c in counts if c.too_few]
    return counts, Count(total, withheld=len(small) == 1 and total >= stats.MIN_ANSWERS)


def _rows(audience: Audience, filters: stats.Filters, system_ids, today):
    """(experience id, system id, organisation unit, end year, route) of the answers
    that count, whose contract facts this audience's figures may count."""
    counted = stats.counted_answers(system_ids, policy.counted(audience), filters, today)
    ids = {i for found in counted.values() for i in found}
    if not ids:
        return ids, []
    audiences = access.counted_contract_audiences(audience)
    query = select(Experience.id, Experience.system_id, Experience.organisation_id,
                   Experience.contract_end_year, Experience.procurement_route,
                   Experience.contract_audience).where(
        or_(Experience.contract_end_year.is_not(None), Experience.procurement_route.is_not(None)),
        Experience.contract_audience.in_(audiences),
        Experience.system_id.in_(list(counted)))
    rows = []
    for experience_id, system_id, organisation_id, year, route, _audience in db.session.execute(
            query):
        if experience_id in ids:
            unit = organisation_id if organisation_id else -experience_id
            rows.append((experience_id, system_id, unit, year, route))
    return ids, rows


def outlook(audience: Audience, filters: stats.Filters | None = None, *, system=None,
            today: datetime | None = None) -> Outlook:
    """The procurement view of the segment the filters describe (of one system's
    customers, with `system`), for this audience. Counted once per data version for
    each audience's figures and segment (kb.stats.per_data_version): a system page
    shows its customers' contracts at every view; one system's tally is kept until
    that system's experiences change."""
    filters = filters or stats.Filters()
    systems = [system] if system is not None else catalogue.listed_systems()
    by_id = {s.id: s for s in systems}
    first = this_year(today)
    reach = policy.counted(audience)
    contract_audiences = access.counted_contract_audiences(audience)
    key = (("outlook-system", system.id) if system is not None
           else (stats.SEGMENT, "outlook", tuple(sorted(by_id))))
    tally = stats.per_data_version(
        (*key, reach, contract_audiences, filters, first, stats.recent_cutoff(today)),
        lambda _figures: _tally(audience, filters, list(by_id), first, today))
    rows = [replace(row, system=by_id[row.system]) for row in tally.systems]
    rows.sort(key=lambda row: (-row.total.n, row.system.name.lower()))
    return replace(tally, systems=rows)


def _tally(audience: Audience, filters: stats.Filters, system_ids: list[int], first: int,
           today: datetime | None) -> Outlook:
    """The outlook with each system row naming its system by id (kept across requests:
    no database object in it)."""
    years = list(range(first, first + YEARS))
    ids, rows = _rows(audience, filters, system_ids, today)
    counted_units = _units(ids)

    per_year: dict[int, set] = defaultdict(set)
    per_system: dict[int, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    window: set = set()
    known: set = set()
    route_units: dict[str, set] = defaultdict(set)
    for _id, system_id, unit, year, route in rows:
        if year is not None:
            known.add(unit)
            if first <= year < first + YEARS:
                per_year[year].add(unit)
                per_system[system_id][year].add(unit)
                window.add(unit)
        if route:
            route_units[route].add(unit)

    totals = [Count(len(per_year[year])) for year in years]
    system_rows = []
    for system_id, by_year in per_system.items():
        cells = [Count(len(by_year[year])) for year in years]
        units = set().union(*by_year.values())
        system_rows.append(SystemRow(system_id, cells, Count(len(units))))
    # A year's total would give a single withheld system count away: withhold it too.
    for index in range(len(years)):
        column = [row.years[index].n for row in system_rows]
        _counts, guarded = _guarded(column, totals[index].n)
        totals[index] = guarded

    route_counts, routes_total = _guarded(
        [len(route_units[code]) for code in vocab.PROCUREMENT_ROUTES],
        len(set().union(*route_units.values())) if route_units else 0)
    routes = [RouteRow(code, label, count) for (code, label), count
              in zip(vocab.PROCUREMENT_ROUTES.items(), route_counts, strict=True)]
    return Outlook(filters=filters, years=years, totals=totals, systems=system_rows,
                   routes=routes, routes_total=routes_total, counted=counted_units,
                   known=len(known), window_total=Count(len(window)))


def _units(ids) -> int:
    """How many organisations the counted answers stand for."""
    if not ids:
        return 0
    units = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        for experience_id, organisation_id in db.session.execute(
                select(Experience.id, Experience.organisation_id).where(
                    Experience.id.in_(ordered[start:start + CHUNK]))):
            units.add(organisation_id if organisation_id else -experience_id)
    return len(units)

"""A columnar copy of what figures are made of: one array per experience column.

At 100,000 experiences the profile of a large system took 30–60 ms of GROUP BY
work in SQLite (two scans of a 12,000-entry index range, one with a sort); from
these arrays the same figures take a few milliseconds.

The copy follows the database like the search index does: every ORM write of an
experience leaves a row in the change log in its own transaction. When the
data version moves (`cache.data_version`), the experiences named by log rows
not applied yet are read again (an experience gone from the database leaves the
copy). The last WINDOW log rows are re-examined at every refresh, so a row
whose transaction committed after rows with higher ids (PostgreSQL) is applied
once it is visible; the data version counts the rows in that window for the same
reason. Bulk inserts that bypass the log (the demo data) are found by id, and
anything larger (more than WINDOW changes at once, a system added or removed)
reads the whole copy again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import BigInteger, case, extract, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from kb import changelog
from kb.access import reach
from kb.core import vocab
from kb.core.lru import LeastRecentlyUsed
from kb.extensions import db, figure_caches
from kb.models import Experience as E
from kb.models import SatisfactionHistory, experience_network
from kb.stats.cache import WINDOW
from kb.stats.figures import CAPABILITY_SHARE_LEVELS

# Coded columns: the code's position in its vocabulary, -1 for anything else.
CODED = {field.column: field.vocabulary for field in vocab.CONTEXT_FIELDS}
CHUNK = 20_000
# Columns that need 64 bits; the others are small codes and counts.
WIDE = {"id": np.int64, "created": np.int64, "confirmed": np.int64}
EPOCH = datetime(1970, 1, 1)


class _epoch(FunctionElement):
    """Whole seconds since 1970 of a naive UTC timestamp, as an integer."""

    type = BigInteger()
    inherit_cache = True


@compiles(_epoch)
def _epoch_default(element, compiler, **kw):
    return compiler.process(func.floor(extract("epoch", *element.clauses)), **kw)


@compiles(_epoch, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    # unixepoch() (SQLite 3.38) is quicker than strftime('%s'); both drop fractions.
    if sqlite3.sqlite_version_info < (3, 38):
        return compiler.process(extract("epoch", *element.clauses), **kw)
    return f"unixepoch({compiler.process(element.clauses, **kw)})"


@compiles(_epoch, "postgresql")
def _epoch_postgresql(element, compiler, **kw):
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def _coded(column, codes) -> object:
    return case({code: position for position, code in enumerate(codes)}, value=column,
                else_=-1)


def _columns() -> dict[str, object]:
    """Name -> SQL expression, every one an integer."""
    columns = {
        "id": E.id,
        "system_id": E.system_id,
        "switched_from_id": func.coalesce(E.switched_from_id, 0),
        # What kb.reach reads to tell which rows an audience reaches.
        reach.SNAPSHOT_PUBLISHED: case(
            (E.moderation_state == vocab.ModerationState.PUBLISHED, 1), else_=0),
        reach.SNAPSHOT_VISIBILITY: _coded(E.visibility, reach.VISIBILITY_CODES),
        reach.SNAPSHOT_AUTHOR: func.coalesce(E.author_id, 0),
        # The year of `created` and the first satisfaction (_derived) are not read
        # per row: a correlated subquery took a third of the read.
        "created": _epoch(E.created_at),
        "confirmed": _epoch(E.confirmed_at),
        "satisfaction": E.satisfaction,
        "recommend": func.coalesce(E.recommend, -1),
        # A network's survey answer (kb.survey), which a reader may leave out.
        "survey": case((E.survey_network_id.is_not(None), 1), else_=0),
    }
    for name, vocabulary in CODED.items():
        columns[name] = _coded(getattr(E, name), list(vocabulary))
    for key in vocab.SUB_RATINGS:
        columns[f"rating_{key}"] = func.coalesce(getattr(E, f"rating_{key}"), 0)
    for key in vocab.CAPABILITIES:
        # The answers that count in the shares as 0, 1, 2; "unknown" is -1.
        columns[f"cap_{key}"] = _coded(getattr(E, f"cap_{key}"), CAPABILITY_SHARE_LEVELS)
    columns.update(_market_columns())
    return columns


def _market_columns() -> dict[str, object]:
    """The market view's columns (kb.stats.market): the organisation an experience
    speaks for (0: not known), the system it considers switching to (0: none) and
    the months to its first real payroll run (-1: not answered)."""
    return {
        "organisation_id": func.coalesce(E.organisation_id, 0),
        "considering_switch_to_id": func.coalesce(E.considering_switch_to_id, 0),
        "go_live_months": func.coalesce(E.go_live_months, -1),
        # The year the system went live (0: not answered): when a switch was made
        # (kb.stats.journeys).
        "in_use_since": func.coalesce(E.in_use_since, 0),
        # How satisfied it was with the system it left (0: not answered).
        "previous_satisfaction": func.coalesce(E.previous_satisfaction, 0),
    }


# Results kept per copy of the snapshot (`Snapshot.worked`): a segment's current
# answers are two boolean columns (about 200 kB at 100,000 experiences) and a dict.
WORKED = 32


@dataclass
class Snapshot:
    """Every experience's figure columns, ordered by id, and its switch reason as a
    code into `reasons` (-1: none, or only blanks); beside the rows, which experience is
    shared with which network (kb.reach reads both)."""

    version: tuple
    columns: dict[str, np.ndarray]
    shared: dict[str, np.ndarray] = field(default_factory=lambda: _pairs([]))
    reasons: list[str] = field(default_factory=list)
    reason_codes: dict[str, int] = field(default_factory=dict)
    # Queue rows of the last WINDOW already applied, and the newest experience id read.
    queue_seen: set[int] = field(default_factory=set)
    last_experience_id: int = 0
    # The copy this one was brought up to date from, and the systems whose figures
    # the changes since then touch (None: any system's).
    previous_version: tuple | None = None
    changed_systems: frozenset[int] | None = None
    # The systems whose switch journeys those changes touch (None: any system's): a
    # journey also reads the changed organisations' answers of other systems (how
    # satisfied they were with the one they left), so every system those
    # organisations answered about is here too.
    changed_journeys: frozenset[int] | None = None
    # What each reason text was found to be about (kb.stats.journeys.reason_themes), by
    # code: kept with `reasons`, which later copies only add to.
    reason_labels: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False,
                                                      compare=False)
    # Rows worked out from this copy's columns, kept with it (a new version is a new
    # copy): kb.stats.aggregate.current_answers, asked for again by every journey.
    worked: LeastRecentlyUsed = field(default_factory=lambda: LeastRecentlyUsed(entries=WORKED),
                                      repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.columns["id"])

    @staticmethod
    def epoch(moment: datetime) -> int:
        return int((moment - EPOCH).total_seconds())


# The columns that name a system: an experience counts in the figures of each.
SYSTEM_COLUMNS = ("system_id", "switched_from_id", "considering_switch_to_id")
# Columns whose values lie in -1..14 by construction (codes of a vocabulary, or
# numbers the table's CHECK constraints keep in range) are read four bits each,
# fifteen to one integer: the driver makes one Python object where it made
# fifteen, and making those objects was most of a read's time.
NIBBLE_COLUMNS = 15


def _small(name: str) -> bool:
    return (name in CODED or name.startswith(("rating_", "cap_"))
            or name in (reach.SNAPSHOT_PUBLISHED, reach.SNAPSHOT_VISIBILITY,
                        "satisfaction", "recommend", "survey"))


def _packed(expressions: dict[str, object]) -> tuple[list[object], list]:
    """The SELECT list for `expressions`, and how to unpack a fetched table: per
    output column either a name or the names packed into it, four bits each (the
    value plus one, so -1 reads back)."""
    small = [name for name in expressions if _small(name)]
    select_list = [expression for name, expression in expressions.items()
                   if name not in small]
    layout: list = [name for name in expressions if name not in small]
    for start in range(0, len(small), NIBBLE_COLUMNS):
        group = small[start:start + NIBBLE_COLUMNS]
        # 64-bit factors, so PostgreSQL adds in bigint, not integer.
        select_list.append(sum((expressions[name] + 1) * literal(1 << (4 * k), BigInteger)
                               for k, name in enumerate(group)))
        layout.append(group)
    return select_list, layout


def _read(where=None) -> tuple[dict[str, np.ndarray], list[tuple[int, str]]]:
    """The figure columns of the experiences matching `where` (all when None), and
    (id, text) of their switch reasons."""
    expressions = _columns()
    # A delta's rows (`where`: ids past the newest read, or named by the change log)
    # are read unordered and sorted here: ordered by id, SQLite scans every row
    # instead of looking the few up (150 ms at 100,000 experiences).
    reasons_query = (select(E.id, E.switch_reason)
                     .where(E.switched_from_id.is_not(None), E.switch_reason != ""))
    reasons_query = (reasons_query.order_by(E.id) if where is None
                     else reasons_query.where(where))
    parts: dict[str, list[np.ndarray]] = {name: [] for name in expressions}
    with db.engine.connect() as connection:
        select_list, layout = _packed(expressions)
        rows_query = select(*select_list)
        rows_query = rows_query.order_by(E.id) if where is None else rows_query.where(where)
        cursor = connection.execute(rows_query).cursor
        while rows := cursor.fetchmany(CHUNK):
            table = _table(rows)
            for i, names in enumerate(layout):
                if isinstance(names, str):
                    parts[names].append(table[:, i].astype(WIDE.get(names, np.int32)))
                    continue
                for k, name in enumerate(names):
                    parts[name].append(((table[:, i] >> (4 * k)) & 15).astype(np.int32) - 1)
        reasons = connection.execute(reasons_query).cursor.fetchall()
        columns = {name: (np.concatenate(chunks) if chunks
                          else np.zeros(0, dtype=WIDE.get(name, np.int32)))
                   for name, chunks in parts.items()}
        if where is not None:
            order = np.argsort(columns["id"], kind="stable")
            columns = {name: values[order] for name, values in columns.items()}
        _derived(connection, columns, where)
    return columns, [tuple(row) for row in reasons]


def _derived(connection, columns: dict[str, np.ndarray], where) -> None:
    """The columns not read per row: the year written (from `created`, both UTC) and
    the first satisfaction kept when the author confirmed or updated it
    (kb.freshness), 0 if none. History is always written with a change of the
    experience itself, so the change log follows it."""
    columns["year"] = (columns["created"].astype("datetime64[s]").astype("datetime64[Y]")
                       .astype(np.int32) + 1970)
    H = SatisfactionHistory
    if where is None:
        history = select(H.experience_id, H.satisfaction).order_by(H.experience_id,
                                                                   H.stated_at, H.id)
        found = connection.execute(history).cursor.fetchall()
    else:  # a delta's few rows, sorted here (see _read)
        history = (select(H.experience_id, H.satisfaction, H.stated_at, H.id)
                   .join(E, E.id == H.experience_id).where(where))
        found = [(experience_id, satisfaction) for experience_id, satisfaction, _at, _id
                 in sorted(connection.execute(history).all(),
                           key=lambda row: (row[0], row[2], row[3]))]
    pairs = np.array(found, dtype=np.int64).reshape(-1, 2)
    ids, first = np.unique(pairs[:, 0], return_index=True)  # the first row of each
    first_satisfaction = np.zeros(len(columns["id"]), dtype=np.int32)
    positions = np.searchsorted(columns["id"], ids)
    found = positions < len(columns["id"])
    found[found] &= columns["id"][positions[found]] == ids[found]
    first_satisfaction[positions[found]] = pairs[first[found], 1]
    columns["first_satisfaction"] = first_satisfaction


def _table(rows: list[tuple]) -> np.ndarray:
    """Fetched rows as one int64 array (a driver that hands back decimals: their
    whole part)."""
    try:
        return np.array(rows, dtype=np.int64)
    except TypeError:
        return np.floor(np.array(rows, dtype=np.float64)).astype(np.int64)


def _pairs(rows) -> dict[str, np.ndarray]:
    pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
    return {reach.SHARED_EXPERIENCE: pairs[:, 0], reach.SHARED_NETWORK: pairs[:, 1]}


def _read_shared(where=None) -> dict[str, np.ndarray]:
    """(experience id, network id) of the experiences matching `where` (all when None)
    that are shared with networks."""
    query = (select(experience_network.c.experience_id, experience_network.c.network_id)
             .order_by(experience_network.c.experience_id, experience_network.c.network_id))
    if where is not None:
        query = query.join(E, E.id == experience_network.c.experience_id).where(where)
    with db.engine.connect() as connection:
        return _pairs(connection.execute(query).cursor.fetchall())


def _code_reasons(snapshot: Snapshot, columns: dict[str, np.ndarray],
                  reasons: list[tuple[int, str]]) -> None:
    codes = np.full(len(columns["id"]), -1, dtype=np.int32)
    positions = np.searchsorted(columns["id"], [experience_id for experience_id, _ in reasons])
    for position, (_id, text) in zip(positions.tolist(), reasons, strict=True):
        if text and text.strip():
            code = snapshot.reason_codes.get(text)
            if code is None:
                code = snapshot.reason_codes[text] = len(snapshot.reasons)
                snapshot.reasons.append(text)
            codes[position] = code
    columns["reason"] = codes


def _journeys_touched(columns: dict[str, np.ndarray], systems: set[int],
                      organisations: set[int]) -> frozenset[int]:
    """`systems`, and every system the rows of these organisations (as they are now)
    name: the journeys (kb.stats.journeys) a change of those organisations' answers
    can move."""
    organisations.discard(0)
    touched = set(systems)
    if organisations:
        rows = np.isin(columns["organisation_id"],
                       np.fromiter(organisations, dtype=np.int64, count=len(organisations)))
        for name in SYSTEM_COLUMNS:
            touched.update(np.unique(columns[name][rows]).tolist())
    touched.discard(0)
    return frozenset(touched)


def _queue_after(low: int) -> list[tuple[int, str, int]]:
    with db.engine.connect() as connection:
        return changelog.since(connection, low)


def load(version: tuple) -> Snapshot:
    """Read the whole copy from the database."""
    queue_max = version[0] or 0
    entries = _queue_after(queue_max - WINDOW)  # before the rows: re-applying is harmless
    columns, reasons = _read()
    snapshot = Snapshot(version, columns, _read_shared())
    _code_reasons(snapshot, columns, reasons)
    snapshot.queue_seen = {entry_id for entry_id, _kind, _object in entries}
    snapshot.last_experience_id = int(columns["id"][-1]) if len(columns["id"]) else 0
    return snapshot


def refresh(old: Snapshot, version: tuple) -> Snapshot:
    """The copy at `version`: `old` with the changed experiences read again."""
    queue_max, _in_window, _newest, systems = version
    if queue_max is None or systems != old.version[3] or \
            queue_max - WINDOW > (old.version[0] or 0):
        return load(version)
    entries = [entry for entry in _queue_after(queue_max - WINDOW)
               if entry[0] not in old.queue_seen]
    changed = {object_id for _id, kind, object_id in entries if kind == changelog.EXPERIENCE}
    where = E.id > old.last_experience_id
    if changed:
        where = where | E.id.in_(sorted(changed))
    columns, reasons = _read(where)
    read_again = _read_shared(where)
    snapshot = Snapshot(version, {}, reasons=old.reasons, reason_codes=old.reason_codes,
                        reason_labels=old.reason_labels)
    _code_reasons(snapshot, columns, reasons)
    # Keep every old row not read again (nor deleted), add the rows just read.
    kept = ~np.isin(old.columns["id"], np.array(sorted(changed), dtype=np.int64))
    merged = {name: np.concatenate([old.columns[name][kept], columns[name]])
              for name in old.columns}
    order = np.argsort(merged["id"], kind="stable")
    snapshot.columns = {name: values[order] for name, values in merged.items()}
    # The pairs of every experience read again (or gone) come from the database now.
    sharing = old.shared[reach.SHARED_EXPERIENCE]
    kept_pairs = (~np.isin(sharing, np.array(sorted(changed), dtype=np.int64))
                  & (sharing <= old.last_experience_id))
    snapshot.shared = {name: np.concatenate([old.shared[name][kept_pairs], read_again[name]])
                       for name in old.shared}
    # The systems of each row read again, as it was and as it is: their figures moved.
    touched: set[int] = set()
    for name in SYSTEM_COLUMNS:
        touched.update(old.columns[name][~kept].tolist())
        touched.update(columns[name].tolist())
    touched.discard(0)
    snapshot.previous_version = old.version
    snapshot.changed_systems = frozenset(touched)
    snapshot.changed_journeys = _journeys_touched(snapshot.columns, touched, organisations={
        *old.columns["organisation_id"][~kept].tolist(), *columns["organisation_id"].tolist()})
    snapshot.queue_seen = {entry_id for entry_id in old.queue_seen
                           if entry_id > queue_max - WINDOW}
    snapshot.queue_seen.update(entry_id for entry_id, _kind, _object in entries)
    ids = snapshot.columns["id"]
    snapshot.last_experience_id = max(old.last_experience_id, int(ids[-1]) if len(ids) else 0)
    return snapshot


def current(version: tuple) -> Snapshot:
    """This app's copy at `version`, brought up to date if the data has changed."""
    holder = figure_caches.current.snapshot
    snapshot = holder.snapshot
    if snapshot is not None and snapshot.version == version:
        return snapshot
    with holder.lock:  # one request reads; the others wait for its copy
        snapshot = holder.snapshot
        if snapshot is None:
            snapshot = holder.snapshot = load(version)
        elif snapshot.version != version:
            snapshot = holder.snapshot = refresh(snapshot, version)
    return snapshot

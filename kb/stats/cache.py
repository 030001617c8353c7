"""A small per-process cache of profiles, keyed by a data version.

The data version is read from the database on every request (index lookups
only), so a write by any process makes every process recompute.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from kb.changelog.reading import count_above_expression, newest_id_expression
from kb.core.lru import LeastRecentlyUsed
from kb.extensions import db, figure_caches
from kb.models import Experience, PayrollSystem
from kb.stats.figures import Profile, SystemRef

MAX_ENTRIES = 2048
# The first part of the key of a segment's figures (kb.stats.market), which every
# system's experiences make.
SEGMENT = "segment"
# The first part of the key of a system's switch journey and what is chosen from it
# (second part: the system's id), which changes of other systems' answers may move.
JOURNEY = "journey"


# Change-log rows counted (and re-examined by the figure snapshot) below the newest.
WINDOW = 1000


# Where a session keeps the version it read in its current transaction.
_VERSION_READ = "kb_figures_data_version"


@event.listens_for(Session, "after_flush")
def _forget_version(session, _context) -> None:
    """A flush may have written change-log rows this transaction sees."""
    session.info.pop(_VERSION_READ, None)


def data_version() -> tuple:
    """The data version (read_data_version), read once per database transaction: a
    system page asked for it three times. A commit or flush reads it again."""
    session = db.session()
    kept = session.info.get(_VERSION_READ)
    transaction = session.get_transaction()
    if kept is not None and transaction is not None and kept[0] is transaction:
        return kept[1]
    version = read_data_version()
    session.info[_VERSION_READ] = (session.get_transaction(), version)
    return version


def read_data_version() -> tuple:
    """Changes whenever an experience is added, changed or deleted, or a system added:
    (newest change-log id, change-log rows among the last WINDOW ids, newest
    experience id, number of systems).

    Every ORM write of an experience (and every system rename) leaves a row in the
    change log in its own transaction, so the newest id moves with it; on
    PostgreSQL a transaction may commit after one with a higher id, which the
    count in the window notices. Bulk inserts that bypass the log move the newest
    experience id. All are index lookups, unlike a count(*) over every experience.
    """
    newest = newest_id_expression()
    return tuple(
        db.session.execute(
            select(
                newest,
                count_above_expression(newest - WINDOW),
                select(func.max(Experience.id)).scalar_subquery(),
                select(func.count()).select_from(PayrollSystem).scalar_subquery(),
            )
        ).one()
    )


class ProfileCache:
    """Profiles of one data version. When the figure snapshot moves to the next
    version, the profiles of systems its changes did not touch are kept, and the
    journeys of systems no changed organisation answered about; the segment figures
    (every system's) and anything after a full read start empty."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries = LeastRecentlyUsed(entries=max_entries)
        self._version: tuple | None = None
        self._lock = threading.Lock()

    def follow(self, figures) -> None:
        """Move to the version of `figures` (a kb.stats.snapshot.Snapshot)."""
        with self._lock:
            if figures.version == self._version:
                return
            kept = LeastRecentlyUsed(entries=self.max_entries)
            changed = figures.changed_systems
            journeys = figures.changed_journeys
            if (self._version is not None and changed is not None and journeys is not None
                    and figures.previous_version == self._version):
                old = self._entries
                for key in old:
                    if key[0] == SEGMENT or key[1] in (journeys if key[0] == JOURNEY
                                                       else changed):
                        continue
                    value = old.get(key)
                    if value is not None:
                        kept.put(key, value)
            self._entries = kept
            self._version = figures.version

    def get(self, version: tuple, key: tuple) -> Profile | None:
        with self._lock:
            if version != self._version:
                return None
            entries = self._entries
        return entries.get(key)

    def put(self, version: tuple, key: tuple, profile: Profile) -> None:
        with self._lock:
            if version != self._version:
                return
            entries = self._entries
        entries.put(key, profile)


class SnapshotHolder:
    """The app's figure snapshot (kb.stats.snapshot), read once, then kept up to date."""

    def __init__(self):
        self.snapshot = None
        self.lock = threading.Lock()


class FigureCaches:
    """What one app keeps in memory for figures: its snapshot and its profiles."""

    def __init__(self):
        self.profiles = ProfileCache()
        self.snapshot = SnapshotHolder()


def profile_cache() -> ProfileCache:
    """The app's cache (one per app, so each test's app starts empty)."""
    return figure_caches.current.profiles


def with_current_names(profile: Profile, system: SystemRef, names: dict[int, SystemRef]) -> Profile:
    """A cached profile with today's names of the systems it mentions (renames are
    not part of the data version)."""

    def renamed(flows):
        return [replace(flow, system=names.get(flow.system.id, flow.system)) for flow in flows]

    return replace(
        profile,
        system=system,
        switched_from=renamed(profile.switched_from),
        switched_to=renamed(profile.switched_to),
    )

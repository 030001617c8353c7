"""Counting throttled attempts in kb's own database, shared by every process.

Flask-Limiter keeps its counts in a `limits` storage chosen by URL. Its memory
storage counts per process, so with two gunicorn workers a limit of 5 a minute
let 9 attempts through; `limits` has no SQL storage, so this module registers one
for the scheme `database://`: counters in the table `rate_limit_counter` of the
database kb already uses, one atomic INSERT ... ON CONFLICT DO UPDATE per attempt
(SQLite and PostgreSQL). Fixed windows, like `limits`' own storages: a key's
window starts at its first attempt and ends `expiry` seconds later.

The table stays small whoever posts. Keys are short: the throttled forms count by a
fixed-length hash (kb.accounts.views.throttle), and a longer key is stored as its own
SHA-256 here, so no key grows with what was typed. Nothing is written for a refused
request (kb.accounts.views.throttle tests every limit before counting). Expired rows are
deleted by the timed housekeeping (kb.accounts.delete_expired_counters, on the
factory's timer) and, at most every SWEEP_SECONDS, by the next attempt counted, so
they cannot pile up between runs or where no timer runs.
"""

from __future__ import annotations

import hashlib
import logging
import time

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.exc import SQLAlchemyError

from kb.database import sql
from kb.models import RateLimitCounter

C = RateLimitCounter
logger = logging.getLogger(__name__)

# Keys up to this long are stored as they are; a longer one as "sha256:" and its hash
# (71 characters). The column holds 255.
MAX_KEY_LENGTH = 128
# How often (seconds, per process) counting an attempt also deletes expired rows.
SWEEP_SECONDS = 60.0


def stored_key(key: str) -> str:
    """The key as stored: never longer than MAX_KEY_LENGTH."""
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _engine():
    from kb.extensions import db

    return db.engine  # the app in use: limits builds one storage for all of them


class DatabaseStorage(Storage):
    """A `limits` storage in kb's database (URL `database://`)."""

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_sweep = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        key = stored_key(key)
        now = time.time()
        expired = C.expires_at <= now
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            self._sweep()
        with _engine().begin() as connection:
            statement = sql.insert(connection, C.__table__).values(
                key=key, hits=amount, expires_at=now + expiry)
            statement = statement.on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "hits": case((expired, amount), else_=C.hits + amount),
                    "expires_at": case((expired, now + expiry), else_=C.expires_at),
                },
            ).returning(C.hits)
            return int(connection.execute(statement).scalar_one())

    @staticmethod
    def _sweep() -> None:
        # Its own transaction, and best effort: the timed housekeeping does it too.
        try:
            delete_expired(_engine())
        except SQLAlchemyError as error:
            logger.warning("Expired throttling counters were not deleted: %s", error)

    def get(self, key: str) -> int:
        key = stored_key(key)
        with _engine().connect() as connection:
            hits = connection.scalar(
                select(C.hits).where(C.key == key, C.expires_at > time.time()))
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        key = stored_key(key)
        with _engine().connect() as connection:
            expires_at = connection.scalar(
                select(C.expires_at).where(C.key == key, C.expires_at > time.time()))
        return float(expires_at) if expires_at is not None else time.time()

    def check(self) -> bool:
        try:
            with _engine().connect() as connection:
                connection.scalar(select(C.key).limit(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with _engine().begin() as connection:
            return connection.execute(delete(C)).rowcount

    def clear(self, key: str) -> None:
        with _engine().begin() as connection:
            connection.execute(delete(C).where(C.key == stored_key(key)))


def delete_expired(engine) -> int:
    """Delete the counters whose window has ended."""
    with engine.begin() as connection:
        return connection.execute(delete(C).where(C.expires_at <= time.time())).rowcount

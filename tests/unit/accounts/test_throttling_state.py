"""What throttling stores stays small: counters keyed by a fixed-length hash of the
normalised address, nothing written for a refused attempt, old counters deleted."""

from __future__ import annotations

import time

import pytest
from limits import parse_many
from sqlalchemy import func, select
from werkzeug.exceptions import TooManyRequests

from kb.accounts import throttling
from kb.accounts.views import throttle
from kb.extensions import db, limiter
from kb.models import RateLimitCounter


def rows(app) -> dict[str, tuple[int, float]]:
    with app.app_context():
        return {key: (hits, expires_at) for key, hits, expires_at in db.session.execute(
            select(RateLimitCounter.key, RateLimitCounter.hits, RateLimitCounter.expires_at))}


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RateLimitCounter))


@pytest.fixture
def clock(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(throttling.time, "time", lambda: now[0])
    return now


# Keys ---------------------------------------------------------------------------------

def test_one_account_has_one_key_however_its_address_is_typed(app):
    with app.app_context():
        keys = {throttle.account_key(typed) for typed in (
            "lena@region.se", "Lena@Region.SE", "  lena@region.se\t", "le\x00na@region.se",
            "LENA@REGION.SE ")}
        assert len(keys) == 1
        # Composed and decomposed "å" are one address.
        assert throttle.account_key("håkan@region.se") == throttle.account_key(
            "ha\u030akan@region.se")
        assert throttle.account_key("erik@region.se") not in keys


def test_a_key_has_the_same_length_whatever_was_typed(app):
    with app.app_context():
        short = throttle.account_key("a@b.se")
        long = throttle.account_key("x" * 1_000_000 + "@b.se")
        address = throttle.address_key("203.0.113.9")
    assert len(short) == len(long) == len("account:") + throttle.DIGEST_LENGTH
    assert len(address) == len("address:") + throttle.DIGEST_LENGTH
    assert "b.se" not in short and "203.0.113" not in address  # the counters name nobody


def test_keys_depend_on_the_secret_key(app_with):
    first, second = app_with(SECRET_KEY="ett"), app_with(SECRET_KEY="ett annat")
    with first.app_context():
        one = throttle.account_key("lena@region.se")
    with second.app_context():
        other = throttle.account_key("lena@region.se")
    assert one != other


def test_an_ipv6_client_counts_by_its_64_network(app):
    with app.app_context():
        same = {throttle.address_key(a) for a in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9")}
        assert len(same) == 1
        assert throttle.address_key("2001:db8:1:3::1") not in same
        assert throttle.address_key("::ffff:203.0.113.9") == throttle.address_key("203.0.113.9")
        assert throttle.address_key("203.0.113.9") != throttle.address_key("203.0.113.10")


def test_the_database_stores_a_long_key_as_its_hash(app, clock):
    storage = throttling.DatabaseStorage()
    key = "LIMITER/" + "x" * 10_000 + "/auth.login/5/1/minute"
    with app.app_context():
        assert storage.incr(key, 60) == 1
        assert storage.incr(key, 60) == 2
        assert storage.get(key) == 2
        assert storage.get_expiry(key) == clock[0] + 60
    stored = list(rows(app))
    assert len(stored) == 1 and len(stored[0]) <= throttling.MAX_KEY_LENGTH
    with app.app_context():
        storage.clear(key)
    assert count(app) == 0
    with app.app_context():
        storage.incr("LIMITER/short/auth.login/5/1/minute", 60)
    assert list(rows(app)) == ["LIMITER/short/auth.login/5/1/minute"]  # short ones as they are


# Refused attempts -----------------------------------------------------------------------

def checks(limit: str, *keys: str):
    return [(item, [key, "auth.login"]) for key in keys for item in parse_many(limit)]


def test_a_refused_attempt_writes_nothing(app_with):
    app = app_with(RATELIMIT_ENABLED=True)
    assert isinstance(limiter.storage, throttling.DatabaseStorage)
    with app.test_request_context("/auth/login", method="POST"):
        lena = throttle.account_key("lena@region.se")
        address = throttle.address_key("203.0.113.9")
        per_address = checks("2 per minute;5 per hour", address)
        throttle.admit(per_address + checks("10 per minute", lena))
        throttle.admit(per_address + checks("10 per minute", lena))
        before = rows(app)
        for n in range(5):
            # A new account each time, refused by the address's limit: no row for it.
            other = throttle.account_key(f"ny{n}@region.se")
            with pytest.raises(TooManyRequests):
                throttle.admit(checks("10 per minute", other) + per_address)
        assert rows(app) == before
        assert limiter.current_limit.limit.amount == 2  # the page's Retry-After is this one's
    assert sorted(hits for hits, _ in before.values()) == [2, 2, 2]


# Expiry --------------------------------------------------------------------------------

@pytest.mark.parametrize(("limit", "seconds"), [
    ("5 per minute", 60), ("20 per hour", 3600), ("10 per day", 86400)])
def test_every_window_in_use_ends_and_is_deleted(app_with, clock, limit, seconds):
    app = app_with(RATELIMIT_ENABLED=True)
    with app.test_request_context("/auth/login", method="POST"):
        lena = throttle.account_key("lena@region.se")
        throttle.admit(checks(limit, lena))
    ((hits, expires_at),) = rows(app).values()
    assert (hits, expires_at) == (1, clock[0] + seconds)
    clock[0] += seconds - 1
    with app.app_context():
        assert throttling.delete_expired(db.engine) == 0
    clock[0] += 1
    with app.app_context():
        assert throttling.delete_expired(db.engine) == 1
    assert count(app) == 0


def test_expired_counters_do_not_pile_up_without_the_timed_job(app, clock):
    """Counting an attempt also deletes expired rows, at most every SWEEP_SECONDS."""
    storage = throttling.DatabaseStorage()
    sizes = []
    with app.app_context():
        for n in range(200):  # a new address every ten seconds, each counted for a minute
            storage.incr(f"LIMITER/account:{n}/auth.login/5/1/minute", 60)
            sizes.append(count(app))
            clock[0] += 10
    window = 60 // 10
    sweep = int(throttling.SWEEP_SECONDS) // 10
    assert max(sizes) <= window + sweep + 1
    assert sizes[-1] <= window + sweep + 1


def test_when_a_minute_and_an_hour_are_both_spent_the_wait_is_the_hours(app_with):
    app = app_with(RATELIMIT_ENABLED=True)
    with app.test_request_context("/auth/login", method="POST"):
        both = checks("2 per minute;2 per hour", throttle.address_key("203.0.113.9"))
        throttle.admit(both)
        throttle.admit(both)
        with pytest.raises(TooManyRequests):
            throttle.admit(both)
        assert limiter.current_limit.limit.get_expiry() == 3600
        assert limiter.current_limit.reset_at > time.time() + 3000


def test_a_key_prefix_setting_is_kept(app_with):
    """Several sites on one Redis tell their counters apart by RATELIMIT_KEY_PREFIX."""
    app = app_with(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX="kb-syd")
    with app.test_request_context("/auth/login", method="POST",
                                  data={"email": "lena@region.se"}):
        found = throttle._checks("LOGIN_LIMIT_PER_ADDRESS", "LOGIN_LIMIT_PER_ACCOUNT", "email")
        throttle.admit(found)
    assert len(found) == 4
    assert all(key.startswith("LIMITER/kb-syd/") for key in rows(app))

"""Throttled forms count in kb's database, so every worker and server shares one
count; a refused attempt says in Swedish how long to wait, and Retry-After too.
(Several gunicorn workers and servers: tests/system/test_scale_out.py.)"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from kb.accounts import throttling
from kb.extensions import db, limiter
from kb.models import RateLimitCounter
from tests.support.pages import csrf_token


def attempts(client, n: int, email=lambda k: "lena@region.se"):
    token = csrf_token(client.get("/auth/login"))
    return [client.post("/auth/login", data={"email": email(k), "password": "fel",
                                             "csrf_token": token})
            for k in range(n)]


def test_counts_are_kept_in_the_database_by_default(app_with):
    app = app_with(RATELIMIT_ENABLED=True)
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    assert isinstance(limiter.storage, throttling.DatabaseStorage)
    client = app.test_client()
    assert [r.status_code for r in attempts(client, 2)] == [422, 422]
    with app.app_context():
        hits = db.session.scalars(select(RateLimitCounter.hits)).all()
    assert sorted(hits) == [2, 2, 2, 2]  # per account and per address, per minute and hour


def test_a_refused_attempt_says_when_to_try_again(app_with):
    app = app_with(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="3 per minute",
                   LOGIN_LIMIT_PER_ADDRESS="100 per minute")
    responses = attempts(app.test_client(), 4)
    assert [r.status_code for r in responses] == [422, 422, 422, 429]
    refused = responses[-1]
    seconds = int(refused.headers["Retry-After"])
    assert 1 <= seconds <= 61  # the window's end, in whole seconds rounded up
    assert "För många försök" in refused.text
    assert f"Vänta {seconds} sekund" in refused.text
    assert "Retry-After" not in responses[0].headers


def test_registration_is_throttled_per_address(app_with):
    app = app_with(RATELIMIT_ENABLED=True, REGISTER_LIMIT_PER_ADDRESS="2 per hour")
    client = app.test_client()
    token = csrf_token(client.get("/auth/register"))
    statuses = [client.post("/auth/register", data={
        "email": f"ny{n}@kommun.se", "password": "kort", "display_name": f"Ny {n}",
        "csrf_token": token}).status_code for n in range(3)]
    assert statuses == [422, 422, 429]
    assert "Retry-After" in client.post("/auth/register", data={"csrf_token": token}).headers
    assert client.get("/auth/register").status_code == 200  # looking at the form is free


def test_two_storages_on_one_database_share_their_counts(app, monkeypatch):
    """What two worker processes do: each has its own storage object."""
    first, second = throttling.DatabaseStorage(), throttling.DatabaseStorage()
    now = [1_000_000.0]
    monkeypatch.setattr(throttling.time, "time", lambda: now[0])
    with app.app_context():
        assert first.incr("login/lena", 60) == 1
        assert second.incr("login/lena", 60) == 2
        assert first.get("login/lena") == second.get("login/lena") == 2
        assert second.get_expiry("login/lena") == 1_000_060.0
        now[0] += 59
        assert first.incr("login/lena", 60) == 3  # the same window
        now[0] += 2
        assert first.get("login/lena") == 0  # the window has ended ...
        assert second.incr("login/lena", 60) == 1  # ... and a new one starts
        assert first.get_expiry("login/lena") == now[0] + 60
        second.incr("login/erik", 60)
        first.clear("login/erik")
        assert second.get("login/erik") == 0
        assert first.check()
        now[0] += 61
        assert throttling.delete_expired(db.engine) == 1
        assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0


def test_the_window_starts_at_the_first_attempt(app):
    storage = throttling.DatabaseStorage()
    with app.app_context():
        start = time.time()
        storage.incr("register/1.2.3.4", 3600)
        assert start + 3600 <= storage.get_expiry("register/1.2.3.4") <= time.time() + 3600

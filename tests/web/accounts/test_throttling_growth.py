"""Nobody can grow the database through the throttled forms: 40 posts with 1 MB
addresses add less than 1 MB, a refused post (429) writes nothing, and the counters
kept have keys of one fixed length, in kb's database, in memory and in Redis."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest
from sqlalchemy import func, select

from kb.accounts import throttling
from kb.extensions import db, limiter
from kb.models import RateLimitCounter
from tests.support.pages import csrf_token

FORMS = ["/auth/login", "/auth/register", "/auth/forgot"]
MEGABYTE = 1024 * 1024


def megabyte_address(n: int) -> str:
    return f"{n}-" + "a" * MEGABYTE + "@kommun.se"


def post(client, path: str, email: str, token: str):
    return client.post(path, data={"email": email, "password": "fel", "display_name": "Ny",
                                   "csrf_token": token})


def database_bytes(app) -> int:
    """The SQLite file with its write-ahead log, or (PostgreSQL) the counters' keys."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    with app.app_context():
        return int(db.session.scalar(select(func.coalesce(
            func.sum(func.length(RateLimitCounter.key)), 0))))


def counters(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(RateLimitCounter.key, RateLimitCounter.hits)).all())


@pytest.mark.parametrize("path", FORMS)
def test_megabyte_addresses_do_not_grow_the_database(app_with, path):
    app = app_with(RATELIMIT_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client.get(path))
    before = database_bytes(app)
    statuses = {post(client, path, megabyte_address(n), token).status_code for n in range(40)}
    assert statuses <= {413, 422}  # too large for kb to read, or refused by the form
    assert database_bytes(app) - before < MEGABYTE
    assert counters(app) == {}


@pytest.mark.parametrize("path", FORMS)
def test_an_address_too_long_is_refused_by_the_form_before_anything_is_counted(app_with, path):
    # Room enough for the addresses to reach the form.
    app = app_with(RATELIMIT_ENABLED=True, MAX_CONTENT_LENGTH=4 * MEGABYTE,
                   MAX_FORM_MEMORY_SIZE=4 * MEGABYTE)
    client = app.test_client()
    token = csrf_token(client.get(path))
    before = database_bytes(app)
    started = time.monotonic()
    responses = [post(client, path, megabyte_address(n), token) for n in range(40)]
    assert {r.status_code for r in responses} == {422}
    assert "Högst 254 tecken." in responses[-1].text
    assert time.monotonic() - started < 30  # no syntax check of a megabyte (most of a second)
    assert database_bytes(app) - before < MEGABYTE
    assert counters(app) == {}
    # Whitespace does not make a real address too long to count: it is counted.
    padded = post(client, path, "  lena@region.se  ", token)
    assert padded.status_code != 429 and counters(app)


@pytest.mark.parametrize(("path", "allowed"), [
    ("/auth/login", 20), ("/auth/register", 10), ("/auth/forgot", 10)])
def test_a_refused_post_writes_nothing_and_keys_have_one_length(app_with, path, allowed):
    """New addresses from one client: past the client's limit, nothing more is stored."""
    app = app_with(RATELIMIT_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client.get(path))
    statuses = [post(client, path, f"ny{n}@kommun.se", token).status_code for n in range(allowed)]
    assert 429 not in statuses
    stored = counters(app)
    assert len(stored) == 2 * allowed + 2  # two windows per address typed, two per client
    refused = [post(client, path, f"annan{n}-" + "b" * 200 + "@kommun.se", token)
               for n in range(40 - allowed)]
    assert {r.status_code for r in refused} == {429}
    assert "Retry-After" in refused[-1].headers
    assert counters(app) == stored
    # LIMITER/<account: or address:><hash>/<form>/<limit>
    assert {len(key.split("/")[1]) for key in stored} == {len("account:") + 32}
    assert max(map(len, stored)) <= throttling.MAX_KEY_LENGTH
    assert not any("kommun" in key or "127.0.0.1" in key for key in stored)


def test_an_account_cannot_escape_its_count_by_spelling(app_with):
    app = app_with(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="3 per minute",
                   LOGIN_LIMIT_PER_ADDRESS="100 per minute")
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    spellings = ["Lena@Region.se", " lena@region.se", "le\x00na@region.se", "LENA@REGION.SE\t"]
    assert [post(client, "/auth/login", email, token).status_code
            for email in spellings] == [422, 422, 422, 429]


# The other storages ---------------------------------------------------------------------

def test_memory_storage_keeps_short_keys_and_refuses(app_with):
    app = app_with(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    statuses = [post(client, "/auth/login", f"{n}-" + "c" * 250, token).status_code
                for n in range(6)]
    assert statuses == [422, 422, 422, 429, 429, 429]
    keys = list(limiter.storage.storage)
    assert len(keys) == 2 * 3 + 1  # two windows per address typed, one per client; no more
    assert max(map(len, keys)) < 100
    assert counters(app) == {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: the shared throttling store is "
                    "tested against a real Redis")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start within 10 seconds")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_storage_keeps_short_keys_and_refuses(app_with, redis_url):
    import redis

    app = app_with(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url,
                   LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    statuses = [post(client, "/auth/login", f"{n}-" + "c" * 250, token).status_code
                for n in range(6)]
    assert statuses == [422, 422, 422, 429, 429, 429]
    server = redis.Redis.from_url(redis_url)
    keys = server.keys("*")
    assert len(keys) == 2 * 3 + 1
    assert max(map(len, keys)) < 100
    assert all(0 < server.ttl(key) <= 3600 for key in keys)  # Redis lets them expire
    refused = client.post("/auth/login", data={"email": "x@y.se", "csrf_token": token})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 61
    server.close()

"""The scale-out path of the README, run: two gunicorn servers with two workers each,
each with its own index directory, on one database (PostgreSQL when
KB_TEST_DATABASE_URL is set; one SQLite file otherwise, which several processes on
one machine share as well).

The servers are started once for the module, with empty index directories, and
serve every test in turn: each builds its own index; a submission on one is found
on the other, which gets no request meanwhile; throttling counts across all four
workers; SIGKILL of either server mid-load loses no acknowledged experience; an
index directory removed under a running server is rebuilt; the change log keeps
what the two servers need."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kb import config
from kb.core.dates import utcnow
from tests.support.apps import PASSWORD, empty_database, make_app
from tests.support.health import OPERATOR, add_operator
from tests.support.http import HttpClient, RefusedError
from tests.support.indexes import remove_under_a_running_server
from tests.support.servers import (
    BIN,
    free_port,
    gunicorn_environment,
    stop_gunicorn,
    wait_for,
    worker_pids,
)

WORKERS = 2
MEMBERS = 6
DEMO = 200
REQUEST_TIMEOUT = 15
# Acknowledged submissions in each phase of the load, and a bound on its time.
PER_PHASE = 6
PHASE_SECONDS = 20
# A change on one server reaches the other's index within this, with no request to it.
PROPAGATION_SECONDS = 5


class Server:
    """One gunicorn master with WORKERS workers, its own index directory and logs."""

    def __init__(self, name: str, database_url: str, root: Path):
        self.name = name
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.index_dir = root / "index"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = gunicorn_environment(database_url, root)
        self.env.update({
            "KB_INDEX_DIR": str(self.index_dir),
            "KB_RATELIMIT_ENABLED": "true",  # with the default storage: kb's database
            "KB_TRUSTED_PROXIES": "1",  # X-Forwarded-For names the client, as behind a proxy
            "KB_CHANGE_LOG_PRUNE_SECONDS": "1",
        })
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.operator: HttpClient | None = None  # logged in to read /healthz in full

    def start(self) -> None:
        self.starts += 1
        log = open(self.root / f"gunicorn-{self.starts}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "30", "--graceful-timeout", "5", "--no-control-socket",
             "--access-logfile", str(self.root / "access.log"),
             "--access-logformat", '%(p)s "%(r)s" %(s)s', "kb:create_app()"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def wait_until_healthy(self, seconds: float = 90) -> dict:
        """Poll /healthz (which is what starts a worker's timed jobs) until 200."""
        deadline = time.monotonic() + seconds
        body: dict = {}
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server {self.name} exited with {self.process.returncode}")
            status, body = self.health()
            if status == 200:
                return body
            time.sleep(0.3)
        pytest.fail(f"server {self.name} not healthy in time: {body}")

    def health(self) -> tuple[int, dict]:
        """/healthz's full report, as a moderator reads it (logged in once)."""
        try:
            if self.operator is None:
                operator = HttpClient(self.base, timeout=5)
                if operator.login(OPERATOR) != 302:
                    return 0, {}
                self.operator = operator
            return self.operator.json("/healthz")
        except (OSError, AssertionError, AttributeError):  # not answering yet
            return 0, {}

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a machine losing power would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            stop_gunicorn(self.process)

    def generation(self) -> Path | None:
        try:
            return self.index_dir / (self.index_dir / "CURRENT").read_text().strip()
        except OSError:
            return None

    def cursor_id(self) -> int:
        try:
            return json.loads((self.generation() / "cursor.json").read_text())["id"]
        except (OSError, TypeError, ValueError):
            return -1

    def index_status(self) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "kb"), "index-status"], env=self.env,
                              capture_output=True, text=True, timeout=120, check=False)

    def login_pids(self) -> Counter:
        """Which worker processes answered login attempts (from the access log)."""
        lines = (self.root / "access.log").read_text().splitlines()
        return Counter(line.split()[0] for line in lines if '"POST /auth/' in line)


@dataclass
class Cluster:
    database_url: str
    servers: dict[str, Server]
    members: list[HttpClient] = field(default_factory=list)
    systems: int = 0

    @property
    def a(self) -> Server:
        return self.servers["a"]

    @property
    def b(self) -> Server:
        return self.servers["b"]

    def sql(self, query: str, **params):
        engine = create_engine(self.database_url)
        try:
            with engine.begin() as connection:
                result = connection.execute(text(query), params)
                return result.all() if result.returns_rows else None
        finally:
            engine.dispose()


def _prepare(database_url: str, base: Path) -> list[str]:
    """Schema, demo catalogue and experiences, members; no index anywhere."""
    from kb.database import upgrade_schema
    from kb.extensions import db
    from kb.models import User
    from kb.tools import demo

    app = make_app(database_url, base / "preparing")
    emails = [f"lon{n}@kommun{n}.example.se" for n in range(MEMBERS)]
    with app.app_context():
        upgrade_schema()
        demo.seed(DEMO, seed=3)
        for n, email in enumerate(emails):
            user = User(email=email, display_name=f"Medlem {n}", professional_role="lonechef")
            user.set_password(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
            db.session.add(user)
        db.session.commit()
        db.session.remove()
    add_operator(app)
    with app.app_context():
        db.engine.dispose()
    return emails


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base = tmp_path_factory.mktemp("scale-out")
    with empty_database(base / "kb.sqlite3", "kb_scale") as database_url:
        emails = _prepare(database_url, base)
        servers = {name: Server(name, database_url, base / name) for name in ("a", "b")}
        for server in servers.values():
            server.start()
        try:
            for server in servers.values():
                server.wait_until_healthy()
            from kb.tools.demo import catalogue

            cluster = Cluster(database_url, servers, systems=len(catalogue()))
            for email in emails:
                member = HttpClient(cluster.a.base, timeout=REQUEST_TIMEOUT)
                assert member.login(email) == 302, f"login as {email}"
                cluster.members.append(member)
            yield cluster
        finally:
            for server in servers.values():
                server.stop()


def test_each_server_builds_its_own_index_from_the_database(cluster):
    generations = []
    for server in cluster.servers.values():
        status, body = server.health()
        assert status == 200 and body["problems"] == []
        assert body["index"]["documents"] == body["index"]["experiences"] == DEMO
        manifest = json.loads((server.generation() / "generation.json").read_text())
        assert manifest["complete"] is True and manifest["documents"] == DEMO
        generations.append(manifest["database_id"])
    assert generations[0] == generations[1]  # both from this database
    assert cluster.a.generation().name != cluster.b.generation().name


def test_a_submission_on_one_server_is_found_on_the_other(cluster):
    member = cluster.members[0]
    experience = member.at(cluster.a).submit(1, "propageringsprov")
    assert experience is not None
    started = time.monotonic()
    row = cluster.sql("SELECT max(id) FROM change_log WHERE object_id = :id AND kind = "
                      "'experience'", id=experience)[0][0]
    # No request reaches server b meanwhile: its timer follows the change log.
    wait_for(lambda: cluster.b.cursor_id() >= row, PROPAGATION_SECONDS + 5)
    elapsed = time.monotonic() - started
    assert cluster.b.cursor_id() >= row
    assert elapsed < PROPAGATION_SECONDS, f"{elapsed:.1f} s"
    assert member.at(cluster.b).finds("propageringsprov", experience)


def _logins(client, servers, attempts, email, address, together=0):
    """Login attempts in order; the first `together` of them two at a time, so that each
    server's two workers both answer some (one after another, the worker that has just
    answered often takes the next one too, and the test would prove nothing about counts
    shared between workers). The last attempts go one by one: they decide the limit.
    Each attempt is a browser of its own: two at once in one cookie jar would overwrite
    each other's session and so its CSRF token."""
    def attempt(n):
        server = servers[n % len(servers)]
        return HttpClient(server.base, timeout=client.timeout).post_form(
            "/auth/login", {"email": email(n), "password": "fel"},
            headers={"X-Forwarded-For": address(n)})

    answers = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for first in range(0, together - together % 2, 2):
            answers += list(pool.map(attempt, (first, first + 1)))
    answers += [attempt(n) for n in range(len(answers), attempts)]
    statuses = [status for status, _page, _headers in answers]
    refused = next(((page, headers) for status, page, headers in answers if status == 429),
                   None)
    return statuses, refused


def test_throttling_holds_with_two_and_with_fourworker_pids(cluster):
    client = HttpClient(cluster.a.base, timeout=REQUEST_TIMEOUT)
    one, both = [cluster.a], [cluster.a, cluster.b]
    # Two workers (one server): 5 a minute per account, the 6th refused.
    statuses, refused = _logins(client, one, 6, lambda n: "lena@region.se",
                                lambda n: "198.51.100.1", together=4)
    assert statuses == [422] * 5 + [429]
    page, headers = refused
    assert 1 <= int(headers["Retry-After"]) <= 61
    assert "För många försök" in page and "Vänta" in page
    # Four workers (both servers): 20 a minute per address, 5 per account.
    statuses, _ = _logins(client, both, 21, lambda n: f"konto{n}@region.se",
                          lambda n: "198.51.100.2", together=16)
    assert statuses == [422] * 20 + [429]
    statuses, _ = _logins(client, both, 6, lambda n: "erik@region.se",
                          lambda n: f"198.51.100.{10 + n}", together=4)
    assert statuses == [422] * 5 + [429]
    # Registration: the hourly allowance per address, then refused.
    allowed = int(config.REGISTER_LIMIT_PER_ADDRESS.split(" per hour")[0])
    registered = []
    for n in range(allowed + 1):
        server = both[n % 2]
        status, _page, _headers = client.at(server).post_form(
            "/auth/register", {"email": f"ny{n}@region.se"},
            headers={"X-Forwarded-For": "198.51.100.3"})
        registered.append(status)
    assert registered == [422] * allowed + [429]
    # The attempts were spread over the workers, not served by one process.
    for server in both:
        assert len(server.login_pids()) == WORKERS, server.login_pids()


def _agree(server: Server, experiences: int, polls: int) -> bool:
    """Whether `polls` answers of /healthz in a row (from whichever workers take them)
    count `experiences` documents."""
    return all(server.health()[1].get("index", {}).get("documents") == experiences
               for _ in range(polls))


def _connection_refused(error: Exception) -> bool:
    """Nothing reached the server (it is down), so nothing can have been stored."""
    reason = getattr(error, "reason", error)
    return isinstance(reason, ConnectionRefusedError)


class Load:
    """Members submitting on both servers in turn, and visitors searching both."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.acknowledged: list[tuple[int, str, int]] = []  # (experience id, word, member)
        self.refused: list[str] = []
        self.unanswered = 0  # submissions whose answer never came (a killed server)
        self.wanted = 0  # acknowledged submissions the current phase asks for
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._submit, args=(i,), daemon=True)
                        for i in range(len(cluster.members))]
        self.threads.append(threading.Thread(target=self._search, daemon=True))

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def phase(self) -> None:
        """Until PER_PHASE more submissions are acknowledged (bounded in time)."""
        target = len(self.acknowledged) + PER_PHASE
        # Submissions go on a little past the phase, so a kill meets requests in flight.
        self.wanted = target + len(self.cluster.members)
        wait_for(lambda: len(self.acknowledged) >= target, PHASE_SECONDS)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        assert not any(thread.is_alive() for thread in self.threads)

    def _submit(self, index: int) -> None:
        member = self.cluster.members[index]
        servers = list(self.cluster.servers.values())
        # A member has one experience per system: each submission is about another
        # system, and one whose answer was cut off (it may be stored) is not retried.
        system_ids = list(range(1, self.cluster.systems + 1))
        n = 0
        while system_ids and not self.stop.is_set():
            if len(self.acknowledged) >= self.wanted:
                time.sleep(0.05)
                continue
            n += 1
            word = "lastprov" + "".join(chr(ord("a") + int(d)) for d in f"{index}{n:04d}")
            server = servers[n % 2]
            try:
                experience = member.at(server).submit(system_ids[-1], word)
            except RefusedError:
                experience = None
            except (OSError, http.client.HTTPException, AttributeError) as error:
                # Refused connection (server down) or an answer cut off by the kill.
                if not _connection_refused(error):
                    system_ids.pop()
                with self.lock:
                    self.unanswered += 1
                time.sleep(0.2)
                continue
            system_ids.pop()
            with self.lock:
                if experience is None:
                    self.refused.append(f"{server.name}: {word}")
                else:
                    self.acknowledged.append((experience, word, index))

    def _search(self) -> None:
        servers = list(self.cluster.servers.values())
        visitor = HttpClient(servers[0].base, timeout=REQUEST_TIMEOUT)
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                visitor.at(servers[n % 2]).request("/search?q=l%C3%B6nek%C3%B6rning")
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)


def test_killing_either_server_mid_load_loses_no_acknowledged_experience(cluster):
    load = Load(cluster)
    load.start()
    try:
        load.phase()
        for victim in (cluster.b, cluster.a):
            victim.kill()
            killed_at = len(load.acknowledged)
            load.phase()  # on the other server alone
            assert len(load.acknowledged) > killed_at, "the other server went on"
            victim.start()
            victim.wait_until_healthy()
            # The first worker may answer before the master has forked the second.
            wait_for(lambda v=victim: len(worker_pids(v.process.pid)) == WORKERS, 30)
            assert len(worker_pids(victim.process.pid)) == WORKERS
            load.phase()
    finally:
        load.finish()
    assert load.refused == []
    assert len(load.acknowledged) >= 5 * PER_PHASE

    ids = ",".join(str(i) for i, _w, _m in load.acknowledged)
    stored = dict(cluster.sql(f"SELECT id, title FROM experience WHERE id IN ({ids})"))
    assert [(i, w) for i, w, _m in load.acknowledged if w not in stored.get(i, "")] == []

    # Found on both servers, each by its author (a first experience may wait for review).
    for server in cluster.servers.values():
        unfound = list(load.acknowledged)
        deadline = time.monotonic() + 20
        while unfound and time.monotonic() < deadline:
            unfound = [(i, w, m) for i, w, m in unfound
                       if not cluster.members[m].at(server).finds(w, i)]
            if unfound:
                time.sleep(1.1)
        assert unfound == [], f"server {server.name}: {len(unfound)} not found"
    experiences = cluster.sql("SELECT count(*) FROM experience")[0][0]
    assert experiences <= DEMO + 1 + len(load.acknowledged) + load.unanswered
    # Each worker counts at most every HEALTH_COUNT_SECONDS: once that has passed, every
    # worker's next answer is counted afresh, and answers from both workers must agree.
    time.sleep(config.HEALTH_COUNT_SECONDS + 0.5)
    for server in cluster.servers.values():
        wait_for(lambda s=server: _agree(s, experiences, polls=10), 60)
        status, body = server.health()
        assert status == 200, body
        assert body["index"]["documents"] == experiences, body
        result = server.index_status()
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"Experiences in the database: {experiences}" in result.stdout


def test_an_index_directory_removed_under_a_running_server_is_rebuilt(cluster):
    member = cluster.members[1]
    before = member.at(cluster.b).total("lönekörning")
    assert before > 0
    remove_under_a_running_server(cluster.b.index_dir)
    status, body = cluster.b.health()
    assert status == 503 and "index: no index generation" in body["problems"], body
    healthy = cluster.b.wait_until_healthy(60)  # rebuilt in the background by a worker
    assert healthy["index"]["documents"] == healthy["index"]["experiences"]
    after = member.at(cluster.b).total("lönekörning")
    assert after == before == member.at(cluster.a).total("lönekörning")
    result = cluster.b.index_status()
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_change_log_keeps_what_the_servers_need(cluster):
    # 1,600 changes written the way kb writes them (row and log row in one
    # transaction), from outside both servers.
    for round_ in range(8):
        cluster.sql(
            "UPDATE experience SET tips = :tips WHERE is_demo = :demo",
            tips=f"Omgång {round_}: förvaltningsprov.", demo=True)
        cluster.sql(
            "INSERT INTO change_log (kind, object_id, created_at) "
            "SELECT 'experience', id, :now FROM experience WHERE is_demo = :demo",
            demo=True, now=utcnow())
    newest = cluster.sql("SELECT max(id) FROM change_log")[0][0]
    # Both servers follow (on their timers), and their workers prune (every second).
    wait_for(lambda: min(s.cursor_id() for s in cluster.servers.values()) >= newest, 20)
    wait_for(lambda: cluster.sql("SELECT count(*) FROM change_log")[0][0] == 1000, 20)
    kept = [row[0] for row in cluster.sql("SELECT id FROM change_log ORDER BY id")]
    assert len(kept) == 1000 and kept[0] == newest - 999 and kept[-1] == newest
    # The followers are the generations in use, one per server: replaced ones are gone.
    names = sorted(row[0] for row in cluster.sql("SELECT name FROM change_log_follower"))
    assert sorted(name.rsplit(":", 1)[1] for name in names) == sorted(
        s.generation().name for s in cluster.servers.values())
    member = cluster.members[2]
    on_a = member.at(cluster.a).total("förvaltningsprov")
    assert on_a == member.at(cluster.b).total("förvaltningsprov") > 0
    for server in cluster.servers.values():
        result = server.index_status()
        assert result.returncode == 0, result.stdout + result.stderr


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
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kb import config, vocab
from kb.dates import utcnow
from tests.conftest import PASSWORD, PG_URL, _schema_url, make_app
from tests.test_workers import BIN, _environment, _free_port, _stop, _wait_for, _workers

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
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = _environment(database_url, root)
        self.env.update({
            "KB_INDEX_DIR": str(self.index_dir),
            "KB_RATELIMIT_ENABLED": "true",  # with the default storage: kb's database
            "KB_TRUSTED_PROXIES": "1",  # X-Forwarded-For names the client, as behind a proxy
            "KB_CHANGE_LOG_PRUNE_SECONDS": "1",
        })
        self.process: subprocess.Popen | None = None
        self.starts = 0

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
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")
        except OSError:
            return 0, {}

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a machine losing power would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)

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


class Client:
    """A browser: cookies (shared by both servers, as one host), CSRF tokens, no redirects."""

    def __init__(self):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, server: Server, path: str, data: dict | None = None,
                headers: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(server.base + path, body, headers or {})
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def csrf(self, server: Server, path: str) -> str:
        status, page, _headers = self.request(server, path)
        assert status == 200, f"GET {path}: {status}"
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def login(self, server: Server, email: str) -> None:
        token = self.csrf(server, "/auth/login")
        status, _page, _headers = self.request(
            server, "/auth/login", {"email": email, "password": PASSWORD, "csrf_token": token})
        assert status == 302, f"login as {email}: {status}"

    def submit(self, server: Server, system_id: int, word: str) -> int | None:
        """The experience id of an acknowledged submission (a redirect to it), or None."""
        token = self.csrf(server, "/experiences/new")
        status, _page, headers = self.request(server, "/experiences/new", {
            "csrf_token": token, "system_id": str(system_id), "sector": "kommun",
            "size_band": "1000-4999", "reviewer_role": "lonechef", "usage_status": "current",
            "satisfaction": "4", "visibility": "public",
            "title": f"Stabil lönekörning med {word}",
            "pros": f"Semesterberäkningen och {word} fungerar.",
            **{f"cap_{key}": "unknown" for key in vocab.CAPABILITIES},
        })
        match = re.search(r"/experiences/(\d+)", headers.get("Location", ""))
        return int(match.group(1)) if status == 302 and match else None

    def finds(self, server: Server, word: str, experience_id: int) -> bool:
        status, page, _headers = self.request(
            server, "/search?" + urllib.parse.urlencode({"q": word}))
        return status == 200 and f'href="/experiences/{experience_id}"' in page

    def total(self, server: Server, word: str) -> int:
        status, body, _headers = self.request(
            server, "/api/v1/experiences?" + urllib.parse.urlencode({"q": word}))
        assert status == 200, body
        return json.loads(body)["total"]


@dataclass
class Cluster:
    database_url: str
    servers: dict[str, Server]
    members: list[Client] = field(default_factory=list)
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


def _database(base: Path):
    if not PG_URL:
        yield f"sqlite:///{base / 'kb.sqlite3'}"
        return
    schema = f"kb_scale_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _schema_url(PG_URL, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
        db.engine.dispose()
    return emails


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base = tmp_path_factory.mktemp("scale-out")
    databases = _database(base)
    database_url = next(databases)
    try:
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
                member = Client()
                member.login(cluster.a, email)
                cluster.members.append(member)
            yield cluster
        finally:
            for server in servers.values():
                server.stop()
    finally:
        next(databases, None)


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
    experience = member.submit(cluster.a, 1, "propageringsprov")
    assert experience is not None
    started = time.monotonic()
    row = cluster.sql("SELECT max(id) FROM change_log WHERE object_id = :id AND kind = "
                      "'experience'", id=experience)[0][0]
    # No request reaches server b meanwhile: its timer follows the change log.
    _wait_for(lambda: cluster.b.cursor_id() >= row, PROPAGATION_SECONDS + 5)
    elapsed = time.monotonic() - started
    assert cluster.b.cursor_id() >= row
    assert elapsed < PROPAGATION_SECONDS, f"{elapsed:.1f} s"
    assert member.finds(cluster.b, "propageringsprov", experience)


def _logins(client, servers, attempts, email, address):
    statuses, refused = [], None
    for n in range(attempts):
        server = servers[n % len(servers)]
        token = client.csrf(server, "/auth/login")
        status, page, headers = client.request(
            server, "/auth/login", {"email": email(n), "password": "fel", "csrf_token": token},
            headers={"X-Forwarded-For": address(n)})
        statuses.append(status)
        if status == 429:
            refused = (page, headers)
    return statuses, refused


def test_throttling_holds_with_two_and_with_four_workers(cluster):
    client = Client()
    one, both = [cluster.a], [cluster.a, cluster.b]
    # Two workers (one server): 5 a minute per account, the 6th refused.
    statuses, refused = _logins(client, one, 6, lambda n: "lena@region.se",
                                lambda n: "198.51.100.1")
    assert statuses == [422] * 5 + [429]
    page, headers = refused
    assert 1 <= int(headers["Retry-After"]) <= 61
    assert "För många försök" in page and "Vänta" in page
    # Four workers (both servers): 20 a minute per address, 5 per account.
    statuses, _ = _logins(client, both, 21, lambda n: f"konto{n}@region.se",
                          lambda n: "198.51.100.2")
    assert statuses == [422] * 20 + [429]
    statuses, _ = _logins(client, both, 6, lambda n: "erik@region.se",
                          lambda n: f"198.51.100.{10 + n}")
    assert statuses == [422] * 5 + [429]
    # Registration: the hourly allowance per address, then refused.
    allowed = int(config.REGISTER_LIMIT_PER_ADDRESS.split(" per hour")[0])
    registered = []
    for n in range(allowed + 1):
        server = both[n % 2]
        token = client.csrf(server, "/auth/register")
        status, _page, _headers = client.request(
            server, "/auth/register", {"email": f"ny{n}@region.se", "csrf_token": token},
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
        _wait_for(lambda: len(self.acknowledged) >= target, PHASE_SECONDS)

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
                experience = member.submit(server, system_ids[-1], word)
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
        visitor = Client()
        servers = list(self.cluster.servers.values())
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                visitor.request(servers[n % 2], "/search?q=l%C3%B6nek%C3%B6rning")
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
            _wait_for(lambda v=victim: len(_workers(v.process.pid)) == WORKERS, 30)
            assert len(_workers(victim.process.pid)) == WORKERS
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
                       if not cluster.members[m].finds(server, w, i)]
            if unfound:
                time.sleep(1.1)
        assert unfound == [], f"server {server.name}: {len(unfound)} not found"
    experiences = cluster.sql("SELECT count(*) FROM experience")[0][0]
    assert experiences <= DEMO + 1 + len(load.acknowledged) + load.unanswered
    # Each worker counts at most every HEALTH_COUNT_SECONDS: once that has passed, every
    # worker's next answer is counted afresh, and answers from both workers must agree.
    time.sleep(config.HEALTH_COUNT_SECONDS + 0.5)
    for server in cluster.servers.values():
        _wait_for(lambda s=server: _agree(s, experiences, polls=10), 60)
        status, body = server.health()
        assert status == 200, body
        assert body["index"]["documents"] == experiences, body
        result = server.index_status()
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"Experiences in the database: {experiences}" in result.stdout


def test_an_index_directory_removed_under_a_running_server_is_rebuilt(cluster):
    member = cluster.members[1]
    before = member.total(cluster.b, "lönekörning")
    assert before > 0
    shutil.rmtree(cluster.b.index_dir)
    status, body = cluster.b.health()
    assert status == 503 and "index: no index generation" in body["problems"], body
    healthy = cluster.b.wait_until_healthy(60)  # rebuilt in the background by a worker
    assert healthy["index"]["documents"] == healthy["index"]["experiences"]
    assert member.total(cluster.b, "lönekörning") == before == member.total(
        cluster.a, "lönekörning")
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
    _wait_for(lambda: min(s.cursor_id() for s in cluster.servers.values()) >= newest, 20)
    _wait_for(lambda: cluster.sql("SELECT count(*) FROM change_log")[0][0] == 1000, 20)
    kept = [row[0] for row in cluster.sql("SELECT id FROM change_log ORDER BY id")]
    assert len(kept) == 1000 and kept[0] == newest - 999 and kept[-1] == newest
    # The followers are the generations in use, one per server: replaced ones are gone.
    names = sorted(row[0] for row in cluster.sql("SELECT name FROM change_log_follower"))
    assert sorted(name.rsplit(":", 1)[1] for name in names) == sorted(
        s.generation().name for s in cluster.servers.values())
    member = cluster.members[2]
    assert member.total(cluster.a, "förvaltningsprov") == member.total(
        cluster.b, "förvaltningsprov") > 0
    for server in cluster.servers.values():
        result = server.index_status()
        assert result.returncode == 0, result.stdout + result.stderr


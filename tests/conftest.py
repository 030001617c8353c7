"""Fixtures for every test: an app on a fresh database per test (SQLite, or PostgreSQL
when KB_TEST_DATABASE_URL is set), a test client with CSRF on, the factory, logging in
(`auth`); the markers by folder; the hypothesis profiles.

Helpers are in tests.support (the names below stay importable from here for tests
written before it: PASSWORD, make_app, close, csrf_token, main_content, link_in, outbox,
Auth, Factory)."""

import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

from kb.extensions import db
from tests.support.apps import PASSWORD, PG_URL, close, empty_database, make_app
from tests.support.apps import schema_url as _schema_url
from tests.support.factory import Factory
from tests.support.pages import Auth, csrf_token, link_in, main_content, outbox

__all__ = ["PASSWORD", "PG_URL", "Auth", "Factory", "close", "csrf_token", "link_in",
           "main_content", "make_app", "outbox"]

# `make test-fast` selects "fast": a tenth of each property test's examples (at least
# five: tests.support.budget.examples); `make test` and CI keep the default profile.
settings.register_profile("fast", max_examples=10)

TESTS = Path(__file__).resolve().parent
# Folders whose tests start processes or servers, or evaluate at length: marked `system`.
SYSTEM = (TESTS / "system", TESTS / "relevance")
BROWSER = TESTS / "browser"


def pytest_addoption(parser):
    parser.addoption(
        "--shard", metavar="K/N", default=None,
        help="run only the K-th of N interleaved parts of the selected tests (K from 1): "
             "`make test-fast` runs the parts in N processes at once, one per core")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """`system` for tests under tests/system (and the relevance evaluation), `browser`
    for tests under tests/browser: `make test-fast` leaves both out."""
    for item in items:
        path = Path(str(item.path))
        if any(path.is_relative_to(folder) for folder in SYSTEM):
            item.add_marker(pytest.mark.system)
        elif path.is_relative_to(BROWSER):
            item.add_marker(pytest.mark.browser)


class Shard:
    """--shard=K/N: every N-th of the tests left after -m and -k, starting at the K-th, so
    that N processes share the work evenly (runs after the other collection hooks)."""

    def __init__(self, spec: str):
        try:
            k, n = (int(part) for part in spec.split("/"))
        except ValueError:
            raise pytest.UsageError(f"--shard wants K/N, such as 1/2, not {spec!r}") from None
        if not 1 <= k <= n:
            raise pytest.UsageError(f"--shard {spec}: K must be 1 to N")
        self.k, self.n = k, n

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        mine = [item for i, item in enumerate(items) if i % self.n == self.k - 1]
        others = [item for i, item in enumerate(items) if i % self.n != self.k - 1]
        if others:
            config.hook.pytest_deselected(items=others)
        items[:] = mine


def pytest_configure(config):
    spec = config.getoption("--shard")
    if spec:
        config.pluginmanager.register(Shard(spec), "kb-shard")


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """A database migrated once per session; each test gets a copy (SQLite) or a
    truncated schema (PostgreSQL)."""
    from kb.database import upgrade_schema

    base = tmp_path_factory.mktemp("template")
    if PG_URL:
        schema = f"kb_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _schema_url(PG_URL, schema)
        app = make_app(url, base)
        with app.app_context():
            upgrade_schema()
            db.engine.dispose()
        yield {"kind": "postgresql", "url": url}
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    else:
        path = base / "template.sqlite3"
        app = make_app(f"sqlite:///{path}", base)
        with app.app_context():
            upgrade_schema()
            db.engine.dispose()
        yield {"kind": "sqlite", "path": path}


@pytest.fixture
def database_url(template_database, tmp_path):
    if template_database["kind"] == "sqlite":
        path = tmp_path / "kb.sqlite3"
        shutil.copy(template_database["path"], path)
        yield f"sqlite:///{path}"
    else:
        yield template_database["url"]
        engine = create_engine(template_database["url"])
        with engine.begin() as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            ]
            if tables:
                quoted = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        engine.dispose()


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with no tables: a new SQLite file, or a new PostgreSQL schema."""
    with empty_database(tmp_path / "empty.sqlite3", "kb_mig") as url:
        yield url


@pytest.fixture
def app(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    yield app
    close(app)


@pytest.fixture
def app_with(database_url, tmp_path):
    """Another app on this test's database, with settings of its own; closed afterwards."""
    made = []

    def build(**overrides):
        made.append(make_app(database_url, tmp_path, **overrides))
        return made[-1]

    yield build
    for other in made:
        close(other)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def factory(app):
    return Factory(app)


@pytest.fixture
def auth(client):
    return Auth(client)

"""Apps on a test database: the settings every test app shares, and closing one."""

from __future__ import annotations

import contextlib
import os
import uuid

from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.util import LRUCache
from werkzeug.routing import Rule

from kb import create_app
from kb.extensions import db, search_index

PG_URL = os.environ.get("KB_TEST_DATABASE_URL")
PASSWORD = "ett-långt-lösenord"


def schema_url(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use `schema`."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def empty_database(sqlite_path, prefix: str):
    """The URL of a database with no tables: a new SQLite file at `sqlite_path`, or
    with KB_TEST_DATABASE_URL a new PostgreSQL schema named from `prefix`, dropped
    afterwards."""
    if not PG_URL:
        yield f"sqlite:///{sqlite_path}"
        return
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema_url(PG_URL, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept in memory for every app a test run makes: each test has
    an app of its own, and compiling kb's templates anew for each cost more than most
    tests do. Jinja checks each template's source against the checksum it was compiled
    from, so a template edited meanwhile is compiled again."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


def _share_url_builders() -> None:
    """Werkzeug compiles two URL-building functions for each of kb's ~500 rules in every
    app – as much as a short test's own work, again for each test's app. The functions
    depend only on the rule (its parts, defaults and converters), not on the app, so the
    test apps share them. Without Rule._compile_builder (another werkzeug) nothing is
    shared, and nothing else changes."""
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "shared", False):
        return
    built: dict = {}

    def shared(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), append_unknown,
               repr(sorted((self.defaults or {}).items(), key=repr)),
               tuple(sorted((name, type(c)) for name, c in self._converters.items())))
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    shared.shared = True
    Rule._compile_builder = shared


_share_url_builders()


class _SharedStatements:
    """SQLAlchemy compiles each statement once per engine, and every test has an engine
    of its own (its own SQLite file): the tests' SQLite engines share one dialect and
    one cache of compiled statements, as the requests of one server share theirs."""

    def __init__(self):
        self.dialect = None
        self.cache = None

    def share(self, app) -> None:
        if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            return
        with app.app_context():
            engine = db.engine
            if self.dialect is None:
                # Room for every statement of kb's (an engine's own cache keeps 500).
                self.dialect, self.cache = engine.dialect, LRUCache(20000)
            if type(engine.dialect) is type(self.dialect):
                engine.dialect, engine._compiled_cache = self.dialect, self.cache


SHARED_STATEMENTS = _SharedStatements()


def make_app(database_url: str, instance_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": str(instance_path / "index"),
        # No mail server: mail that a test sends goes to files here (kb.mail.files).
        "MAIL_DIR": str(instance_path / "mail"),
        # Shared requirement documents (kb.procurement) likewise.
        "PROCUREMENT_DIR": str(instance_path / "procurement"),
        "BASE_URL": "https://kb.example.se",
        "WTF_CSRF_ENABLED": True,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # Throttling has its own tests; elsewhere it would only get in the way.
        "RATELIMIT_ENABLED": False,
        # A cheap hash keeps the suite fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Timed jobs run where a test drives them (kb.background), not in a thread.
        "BACKGROUND_JOBS": False,
    }
    config.update(overrides)
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    SHARED_STATEMENTS.share(app)
    return app


def close(app) -> None:
    """Close an app's searcher and database connections (tests make many apps)."""
    with app.app_context():
        search_index.current.close()
        db.session.remove()
        db.engine.dispose()

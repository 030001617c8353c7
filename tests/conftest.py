"""Fixtures: an app on a fresh database per test (SQLite, or PostgreSQL when
KB_TEST_DATABASE_URL is set), a test client with CSRF on, and story helpers."""

import os
import re
import shutil
import uuid
from itertools import count

import pytest
from sqlalchemy import create_engine, text

from kb import create_app
from kb.extensions import db, search_index

PG_URL = os.environ.get("KB_TEST_DATABASE_URL")
PASSWORD = "ett-långt-lösenord"


def _schema_url(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def make_app(database_url: str, instance_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": str(instance_path / "index"),
        # No mail server: mail that a test sends goes to files here (kb.mail.files).
        "MAIL_DIR": str(instance_path / "mail"),
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
    return create_app(config)


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
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    schema = f"kb_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _schema_url(PG_URL, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def close(app) -> None:
    """Close an app's searcher and database connections (tests make many apps)."""
    with app.app_context():
        search_index.current.close()
        db.session.remove()
        db.engine.dispose()


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


def csrf_token(response) -> str:
    """The CSRF token of the (first) form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.text)
    if match is None:
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


class Factory:
    """Creates rows directly, for tests that are not about the forms."""

    def __init__(self, app):
        self.app = app
        self._n = count(1)

    def user(self, email=None, password=PASSWORD, site_role="member", confirmed=True, **fields):
        """A member whose address is confirmed (confirmed=False: one who has just
        registered and not yet followed the link)."""
        from kb.models import User, utcnow

        with self.app.app_context():
            n = next(self._n)
            user = User(
                email=(email or f"medlem{n}@example.se").lower(),
                display_name=fields.pop("display_name", f"Medlem {n}"),
                site_role=site_role,
                professional_role=fields.pop("professional_role", "lonechef"),
                email_confirmed_at=utcnow() if confirmed else None,
                **fields,
            )
            user.set_password(password, method=self.app.config["PASSWORD_HASH_METHOD"])
            db.session.add(user)
            db.session.commit()
            return user.id

    def system(self, slug=None, name=None, **fields):
        from kb.models import PayrollSystem

        with self.app.app_context():
            n = next(self._n)
            system = PayrollSystem(
                slug=slug or f"system-{n}",
                name=name or f"System {n}",
                vendor=fields.pop("vendor", "Leverantör AB"),
                **fields,
            )
            db.session.add(system)
            db.session.commit()
            return system.id

    def experience(self, author_id, system_id, **fields):
        from kb.models import Experience

        values = {
            "sector": "kommun",
            "size_band": "1000-4999",
            "reviewer_role": "lonechef",
            "usage_status": "current",
            "satisfaction": 4,
            "title": "Stabil lönekörning men krånglig semesterberäkning",
            "pros": "Lönekörningen fungerar.",
            "cons": "Semesterberäkningen kräver handpåläggning.",
        }
        values.update(fields)
        with self.app.app_context():
            experience = Experience(author_id=author_id, system_id=system_id, **values)
            db.session.add(experience)
            db.session.commit()
            return experience.id


@pytest.fixture
def factory(app):
    return Factory(app)


class Auth:
    """Logs in and out through the real forms, CSRF included."""

    def __init__(self, client):
        self.client = client

    def login(self, email, password=PASSWORD, follow_redirects=False, next_url=None):
        url = "/auth/login" + (f"?next={next_url}" if next_url else "")
        page = self.client.get(url)
        return self.client.post(
            url,
            data={"email": email, "password": password, "csrf_token": csrf_token(page)},
            follow_redirects=follow_redirects,
        )

    def logout(self):
        page = self.client.get("/")
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(page)})


@pytest.fixture
def auth(client):
    return Auth(client)


def outbox(app, **where) -> list:
    """The mails kb has queued (kb.models.OutboxMail), oldest first, as plain objects:
    recipient, subject, text, html, headers, kind, status."""
    import json
    from types import SimpleNamespace

    from sqlalchemy import select

    from kb.models import OutboxMail

    with app.app_context():
        query = select(OutboxMail).order_by(OutboxMail.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMail, name) == value)
        return [SimpleNamespace(id=m.id, recipient=m.recipient, subject=m.subject,
                                text=m.text_body, html=m.html_body, kind=m.kind,
                                status=m.status, attempts=m.attempts,
                                headers=json.loads(m.headers))
                for m in db.session.scalars(query)]


def link_in(text: str, path: str) -> str:
    """The first absolute link in a mail's text whose path starts with `path`."""
    match = re.search(r"https?://[^\s/]+(" + re.escape(path) + r"[^\s>]*)", text)
    assert match, f"no link to {path} in:\n{text}"
    return match.group(1)


def main_content(response) -> str:
    """The page's main content, without the header that names the logged-in member."""
    return response.text.split('id="innehall"', 1)[1]

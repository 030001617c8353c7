"""Settings, error pages, the health check and the schema revisions."""

import re

import pytest
from sqlalchemy import inspect, text

from kb import create_app
from kb.database import upgrade_schema
from kb.extensions import db
from tests.support.apps import make_app
from tests.support.health import operator_health
from tests.support.pages import csrf_token


def test_settings_come_from_defaults_instance_file_environment_and_tests(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "SECRET_KEY = 'from-file'\nREGISTRATION = 'invite'\nEXPERIENCES_PER_PAGE = 7\n"
    )
    monkeypatch.setenv("KB_REGISTRATION", "open")
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(instance))
    app = create_app({"EXPERIENCES_PER_PAGE": 9})
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["REGISTRATION"] == "open"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert app.config["EXPERIENCES_PER_PAGE"] == 9
    assert app.config["INDEX_DIR"] == str(instance / "index")


def test_production_start_refuses_the_development_secret_key(tmp_path, monkeypatch):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.delenv("KB_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="development secret key"):
        create_app()
    monkeypatch.setenv("KB_SECRET_KEY", "a-real-secret")
    assert create_app().config["SECRET_KEY"] == "a-real-secret"


def test_error_pages_are_in_swedish(client, app):
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text
    assert '<html lang="sv">' in response.text

    response = client.post("/auth/login", data={"email": "x"})
    assert response.status_code == 400
    assert "Felaktig begäran" in response.text

    response = client.post("/auth/login", data={"email": "x" * (600 * 1024)})
    assert response.status_code == 413
    assert "För stor begäran" in response.text


def test_an_unexpected_error_gives_the_swedish_500_page(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    app.testing = False  # let the error handler answer instead of pytest
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Något gick fel" in response.text


def test_healthz_reports_database_and_index(client, app, tmp_path):
    status, first = operator_health(client)  # a new server: its index is built now
    assert status == 503
    assert "index: no index generation" in first["problems"]
    status, body = operator_health(client)
    assert status == 200 and body["status"] == "ok" and body["problems"] == []
    assert body["index"]["readable"] and body["index"]["writable"] and body["index"]["right"]
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:////nonexistent/dir/kb.sqlite3"
    broken = make_app("sqlite:////nonexistent/dir/kb.sqlite3", tmp_path)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()  # a visitor's answer: the status and the reasons' codes
    assert body["status"] == "unavailable" and "database_unreachable" in body["reasons"]


def test_every_asset_is_served_locally(client):
    page = client.get("/")
    head = page.text.split("<body", 1)[0]
    assert not re.search(r'(src|href)="(https?:)?//', head)
    with client.get("/static/kb.css") as stylesheet:
        assert stylesheet.status_code == 200


def test_logout_button_carries_a_csrf_token(client, factory, auth):
    factory.user(email="lena@region.se")
    auth.login("lena@region.se")
    assert csrf_token(client.get("/"))


def test_migrations_build_the_schema_from_empty(empty_database_url, tmp_path):
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade_schema()
        upgrade_schema()  # a second run is a no-op
        version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        tables = set(inspect(db.engine).get_table_names())
        db.session.remove()
        db.engine.dispose()
    assert {"user_account", "organisation", "payroll_system", "experience"} <= tables
    assert version


def test_large_counts_are_written_the_swedish_way():
    from kb.core.swedish import thousands

    assert thousands(11880) == "11\u00a0880"
    assert thousands(1234567) == "1\u00a0234\u00a0567"
    assert thousands(999) == "999"

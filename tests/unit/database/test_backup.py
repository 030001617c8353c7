"""`kb backup` copies a live SQLite database; restoring it and `kb reindex
--all-servers` brings every server's index back in line."""

import sqlite3

from sqlalchemy import select

from kb import indexing
from kb.access import policy
from kb.changelog import ChangeLogState
from kb.experiences import searching as experience_search
from kb.extensions import db


def test_backup_copies_the_database_and_refuses_to_overwrite(app, runner, factory, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        result = runner.invoke(args=["backup", str(tmp_path / "kopia.sqlite3")])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    author, system = factory.user(), factory.system()
    factory.experience(author, system, title="Säkerhetskopierad")
    target = tmp_path / "kopia.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT title FROM experience").fetchall() == [("Säkerhetskopierad",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "--force" in again.output
    assert runner.invoke(args=["backup", "--force", str(target)]).exit_code == 0


def test_reindex_all_servers_has_every_index_rebuilt(app, app_with, runner, factory, tmp_path):
    other = app_with(INDEX_DIR=str(tmp_path / "other-server"))
    author, system = factory.user(), factory.system()
    experience = factory.experience(author, system, title="Återställd")
    with other.app_context():
        indexing.follow()
        first = indexing.store().current_generation()
    result = runner.invoke(args=["reindex", "--all-servers"])
    assert result.exit_code == 0 and "1 experiences" in result.output
    with app.app_context():
        assert db.session.scalar(select(ChangeLogState.rebuild_request)) == 1
    response = other.test_client().get("/healthz")
    assert response.status_code == 503
    with other.test_request_context():
        hits = experience_search.search({"q": "återställd"},
                                        policy.Audience(moderator=True)).hits
        assert [hit.id for hit in hits] == [experience]
        assert indexing.store().current_generation() != first

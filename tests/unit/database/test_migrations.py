"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kb.database import upgrade_schema
from kb.extensions import db
from tests.support.apps import make_app


def _for_this_dialect(obj, _name, kind, _reflected, _compare_to) -> bool:
    """Indexes declared for one dialect only (`ddl_if`) are not expected on the others."""
    condition = getattr(obj, "_ddl_if", None)
    if kind != "index" or condition is None or condition.dialect is None:
        return True
    return condition.dialect == db.engine.dialect.name


def test_the_migrated_schema_matches_the_models(empty_database_url, tmp_path):
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade_schema()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_object": _for_this_dialect})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def _required(table, **values) -> dict:
    """A row with every NOT NULL column filled (values given, or a plain one by type)."""
    import datetime

    from sqlalchemy import Boolean, DateTime, Integer

    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key \
                or column.server_default is not None:
            continue
        if isinstance(column.type, Boolean):
            row[column.name] = False
        elif isinstance(column.type, Integer):
            row[column.name] = 3
        elif isinstance(column.type, DateTime):
            row[column.name] = datetime.datetime(2025, 1, 1)
        else:
            row[column.name] = "unknown"
    return row


def test_experiences_written_before_get_their_authors_organisation(empty_database_url,
                                                                   tmp_path):
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        try:
            _backfill_and_back()
        finally:
            db.engine.dispose()


def _backfill_and_back() -> None:
    """Rows written at 0006 get their author's organisation at 0009; back at 0006 they
    are all still there."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import MetaData, insert, select

    from kb.database import MIGRATIONS_DIR

    upgrade(directory=MIGRATIONS_DIR, revision="0006_change_log")
    tables = MetaData()
    tables.reflect(db.engine)
    with db.engine.begin() as connection:
        connection.execute(insert(tables.tables["organisation"]).values(
            id=1, name="Exempelby kommun", sector="kommun", size_band="1000-4999"))
        user = tables.tables["user_account"]
        for user_id, organisation_id in ((1, 1), (2, None)):
            connection.execute(insert(user).values(_required(
                user, id=user_id, email=f"{user_id}@example.se",
                organisation_id=organisation_id)))
        system = tables.tables["payroll_system"]
        connection.execute(insert(system).values(_required(system, id=1, slug="heroma")))
        experience = tables.tables["experience"]
        for experience_id, author_id in ((1, 1), (2, 2), (3, None)):
            connection.execute(insert(experience).values(_required(
                experience, id=experience_id, author_id=author_id, system_id=1,
                satisfaction=4, recommend=None)))
        # Rows that refer to experiences: a revision that copies the experience table
        # must not take them with the old table.
        comment = tables.tables["comment"]
        connection.execute(insert(comment).values(_required(
            comment, experience_id=1, author_id=2, body="Hur gick bytet?")))
    upgrade_schema()
    tables = MetaData()
    tables.reflect(db.engine)
    experience = tables.tables["experience"]
    with db.engine.connect() as connection:
        found = dict(connection.execute(
            select(experience.c.id, experience.c.organisation_id)).all())
    assert found == {1: 1, 2: None, 3: None}
    with db.engine.connect() as connection:
        assert connection.execute(select(tables.tables["comment"].c.body)).all() == [
            ("Hur gick bytet?",)]
    downgrade(directory=MIGRATIONS_DIR, revision="0006_change_log")
    tables = MetaData()
    tables.reflect(db.engine)
    assert "organisation_id" not in tables.tables["experience"].columns
    with db.engine.connect() as connection:
        kept = tables.tables["experience"].c.id
        assert connection.execute(select(kept).order_by(kept)).all() == [(1,), (2,), (3,)]
        assert connection.execute(select(tables.tables["comment"].c.id)).all() == [(1,)]

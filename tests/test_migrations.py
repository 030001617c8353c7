"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kb.database import upgrade_schema
from kb.extensions import db
from tests.conftest import make_app


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

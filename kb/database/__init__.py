"""Schema management: every database goes through the Alembic revisions."""

import os

from flask_migrate import upgrade

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def upgrade_schema() -> None:
    """Upgrade the bound database to the newest revision (creates it when empty)."""
    upgrade(directory=MIGRATIONS_DIR)


def analyze(tables) -> None:
    """Planner statistics for tables just filled in bulk (seeding, imports), so
    PostgreSQL plans their queries well before autovacuum gets to them (it read the
    whole table for a system page's count until then). Commits; SQLite needs none."""
    from sqlalchemy import Table, text

    from kb.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    names = [table.name if isinstance(table, Table) else table.__table__.name
             for table in tables]
    db.session.commit()
    db.session.execute(text("ANALYZE " + ", ".join(f'"{name}"' for name in names)))
    db.session.commit()

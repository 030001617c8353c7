"""Schema management: every database goes through the Alembic revisions."""

import os

from flask_migrate import upgrade

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def upgrade_schema() -> None:
    """Upgrade the bound database to the newest revision (creates it when empty)."""
    upgrade(directory=MIGRATIONS_DIR)

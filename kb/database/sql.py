"""The few statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations


def insert(bind, table):
    """An INSERT that can say ON CONFLICT (DO NOTHING / DO UPDATE) on this database."""
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table)


def postgres(bind) -> bool:
    return bind.dialect.name == "postgresql"

"""`kb backup`: a consistent copy of an SQLite database while kb keeps serving.

SQLite's online backup API copies the database page by page under its own locks,
so writers in other processes only wait for a moment now and then, and the copy
is a database as it was at one instant (the WAL included). PostgreSQL has its own
tool for this (pg_dump); the search indexes need no backup, they are rebuilt from
the database.
"""

from __future__ import annotations

import os
import sqlite3

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """Why no backup was made (English, for the command line)."""


def sqlite_backup(database_url: str, destination: str, overwrite: bool = False) -> int:
    """Copy the SQLite database at `database_url` to the file `destination`;
    returns its size in bytes."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"The database is {url.get_backend_name()}, not SQLite: back it up with "
            "pg_dump (see README, Running in production).")
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory: there is nothing to back up.")
    if os.path.exists(destination) and not overwrite:
        raise BackupError(f"{destination} exists; give --force to replace it.")
    partial = f"{destination}.partial"
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target, pages=1024)
        finally:
            target.close()
    finally:
        source.close()
    os.replace(partial, destination)
    return os.path.getsize(destination)

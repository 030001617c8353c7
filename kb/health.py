"""Is this server fit to answer: the database reachable, the index there."""

from __future__ import annotations

import os

from sqlalchemy import text

from kb.extensions import db, search_index


def problems() -> list[str]:
    """What is wrong, in short English phrases for operators (empty when healthy)."""
    found = []
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not reachable"
        db.session.rollback()
        found.append(f"database: {type(error).__name__}")
    if not os.path.isdir(search_index.current.root):
        found.append("index: directory missing")
    return found

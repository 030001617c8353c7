"""The row every follower checks itself against (kb.changelog.table.ChangeLogState).

`database_id` is random, made once per database: a search index built from another
database (a restored copy of another installation, a server pointed at a new
database) names another id and is rebuilt. `rebuild_request` counts the rebuilds
asked of every server by bulk loads that bypass the log. `pruned_*` is the newest
row deleted by pruning: a follower whose cursor is behind it has missed changes.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kb.changelog.reading import Cursor
from kb.changelog.table import ChangeLogState
from kb.core.dates import utcnow
from kb.database import sql

ROW_ID = 1


def _create_missing(connection) -> None:
    connection.execute(
        sql.insert(connection, ChangeLogState.__table__)
        .values(id=ROW_ID, database_id=secrets.token_hex(16), rebuild_request=0,
                pruned_txid=0, pruned_id=0)
        .on_conflict_do_nothing(index_elements=["id"])
    )


def current(session: Session) -> ChangeLogState:
    """The state row, made on first use (a new database, or one whose tables were
    emptied) in a transaction of its own."""
    row = session.get(ChangeLogState, ROW_ID)
    if row is None:
        with session.get_bind().engine.begin() as connection:
            _create_missing(connection)
        row = session.scalar(select(ChangeLogState).where(ChangeLogState.id == ROW_ID)
                             .execution_options(populate_existing=True))
    return row


def request_rebuild(session: Session) -> None:
    """Ask every server to rebuild its index from the database, in the caller's
    transaction (for bulk loads that write rows without change-log rows): each server
    compares the count with the one its index was built at."""
    _create_missing(session.connection())
    session.execute(
        update(ChangeLogState).where(ChangeLogState.id == ROW_ID)
        .values(rebuild_request=ChangeLogState.rebuild_request + 1,
                rebuild_requested_at=utcnow())
    )


def pruned(row: ChangeLogState) -> Cursor:
    return Cursor(row.pruned_txid or 0, row.pruned_id or 0)

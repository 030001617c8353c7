"""The change log: the outbox every projection of the database follows.

Every change that a projection depends on (an experience created, edited,
hidden or deleted; a system renamed) leaves a row in `change_log` in the same
transaction (kb.changelog.events). After commit the followers registered with
`on_commit` are told; each keeps its own cursor (kb.changelog.reading) and
re-reads the objects the rows name, so applying a row twice is harmless and a
follower that died mid-way catches up from its cursor. Followers: the search
index (kb.indexing), the figure snapshot (kb.stats.snapshot).
"""

from kb.changelog.events import mark_written, on_commit, register_session_events, write
from kb.changelog.reading import Cursor, Entry, entries_after, head, since, waiting
from kb.changelog.table import EXPERIENCE, SYSTEM, ChangeLogEntry

__all__ = [
    "EXPERIENCE", "SYSTEM", "ChangeLogEntry", "Cursor", "Entry", "entries_after", "head",
    "mark_written", "on_commit", "register_session_events", "since", "waiting", "write",
]

"""The change log: the outbox every projection of the database follows.

Every change that a projection depends on (an experience created, edited,
hidden or deleted; a system renamed) leaves a row in `change_log` in the same
transaction (kb.changelog.events). After commit the followers registered with
`on_commit` are told; each keeps its own cursor (kb.changelog.reading) and
re-reads the objects the rows name, so applying a row twice is harmless and a
follower that died mid-way catches up from its cursor. Followers: the search
index (kb.indexing), the figure snapshot (kb.stats.snapshot).

Followers outside the database register their cursors (kb.changelog.followers);
rows every live follower has applied are deleted, keeping the newest KEEP_NEWEST
whatever happens (kb.changelog.pruning). kb.changelog.state holds what a follower
checks itself against: the database's identity, rebuilds asked for by bulk loads,
and how far the log has been pruned.
"""

from kb.changelog.events import mark_written, on_commit, register_session_events, write
from kb.changelog.reading import (
    Cursor,
    Entry,
    beyond,
    entries_after,
    head,
    oldest_waiting,
    since,
    waiting,
    waiting_up_to,
    waiting_up_to_expression,
)
from kb.changelog.table import (
    EXPERIENCE,
    SYSTEM,
    ChangeLogEntry,
    ChangeLogFollower,
    ChangeLogState,
)

__all__ = [
    "EXPERIENCE", "SYSTEM", "ChangeLogEntry", "ChangeLogFollower", "ChangeLogState", "Cursor",
    "Entry", "beyond", "entries_after", "head", "mark_written", "oldest_waiting", "on_commit",
    "register_session_events", "since", "waiting", "waiting_up_to", "waiting_up_to_expression",
    "write",
]

"""Is this server's index generation a true projection of this database?

A generation is wrong – and is rebuilt, never patched – when it is missing or
unreadable, was never completed, was built from another database or with other
index code, predates a rebuild asked of every server, is behind the point the
change log was pruned to (it was forgotten and has missed changes), or points past
everything this database has logged (it follows another database, or this one
before a restore). Each check reads a small file or an indexed row.
"""

from __future__ import annotations

import hashlib
import os
import socket
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kb import changelog
from kb.changelog import state
from kb.search import IndexStore
from kb.search.index import schema_fingerprint


@dataclass
class Verdict:
    generation: str | None
    path: str | None
    cursor: changelog.Cursor
    manifest: dict | None
    # Why it must be rebuilt (empty when it is right).
    wrong: list[str] = field(default_factory=list)
    readable: bool = True

    @property
    def follower(self) -> str | None:
        return follower_name(self.path) if self.path else None


def server_prefix(root: str) -> str:
    """What the follower names of one index directory on one server start with."""
    digest = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:8]
    return f"index:{socket.gethostname()[:80]}:{digest}:"


def follower_name(path: str) -> str:
    """A generation's name among the change log's followers (unique across servers)."""
    return server_prefix(os.path.dirname(path)) + os.path.basename(path)


def manifest_for(session: Session, documents: int) -> dict:
    """What a generation built now from this database records about itself."""
    row = state.current(session)
    return {
        "database_id": row.database_id,
        "schema": schema_fingerprint(),
        "rebuild_request": row.rebuild_request,
        "complete": True,
        "documents": documents,
    }


def judge(session: Session, store: IndexStore, deep: bool = True) -> Verdict:
    """The generation in use, judged. `deep` also opens its segments (health checks);
    without it only its table of contents is read (before every drain, which opens
    the segments anyway)."""
    name = store.current_generation()
    path = store.current_path()
    if name is None or path is None:
        return Verdict(None, None, changelog.Cursor(), None, ["no index generation"], False)
    cursor = changelog.Cursor.from_dict(IndexStore.read_cursor(path))
    verdict = Verdict(name, path, cursor, IndexStore.read_manifest(path))
    if not os.path.isdir(path):
        verdict.readable = False
        verdict.wrong.append("the generation in use is missing")
        return verdict
    problem = IndexStore.unreadable(path, segments=deep)
    if problem:
        verdict.readable = False
        verdict.wrong.append(f"the generation in use is unreadable ({problem})")
        return verdict
    row = state.current(session)
    manifest = verdict.manifest
    if manifest is None or manifest.get("complete") is not True:
        verdict.wrong.append("the generation in use was not built complete from the database")
    elif manifest.get("database_id") != row.database_id:
        verdict.wrong.append("the generation in use was built from another database")
    elif manifest.get("schema") != schema_fingerprint():
        verdict.wrong.append("the generation in use was built by another version of kb")
    elif int(manifest.get("rebuild_request") or 0) < row.rebuild_request:
        verdict.wrong.append("a rebuild was asked of every server after it was built")
    by_txid = session.get_bind().dialect.name == "postgresql"
    if cursor.before(state.pruned(row), by_txid):
        verdict.wrong.append("the change log was pruned past its cursor")
    elif changelog.beyond(session, cursor):
        verdict.wrong.append("its cursor points past this database's change log")
    return verdict

"""The baseline: the same queries against SQLite FTS5 over the same rows' texts."""

from __future__ import annotations

import os
import sqlite3
import time

from kb.core.vocab import ModerationState
from kb.tools.bench.report import summary
from kb.tools.bench.workload import QUERIES


def fts5_baseline(workdir: str, rounds: int) -> dict:
    """The same queries against an FTS5 table over the same rows' texts."""
    source = sqlite3.connect(os.path.join(workdir, "kb.sqlite3"))
    fts = sqlite3.connect(os.path.join(workdir, "fts5.sqlite3"))
    fts.execute("CREATE VIRTUAL TABLE doc USING fts5(title, pros, cons, tips, body, "
                "switch_reason, tokenize = 'unicode61 remove_diacritics 0')")
    started = time.perf_counter()
    rows = source.execute(
        "SELECT id, title, pros, cons, tips, body, switch_reason FROM experience "
        "WHERE moderation_state = ? AND visibility = 'public'", (ModerationState.PUBLISHED.value,))
    fts.executemany("INSERT INTO doc(rowid, title, pros, cons, tips, body, switch_reason) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    fts.commit()
    build_s = time.perf_counter() - started
    source.close()

    def exact(query: str) -> str:
        # Each word as it is (FTS5 has no Swedish stemmer), phrases as phrases.
        if query.startswith('"'):
            return query
        return " ".join(f'"{w}"' for w in query.split())

    def prefixes(query: str) -> str:
        # Words of four letters or more as prefixes (semesterberäkning* finds
        # semesterberäkningen): closer to stemming, and about twice as slow.
        if query.startswith('"'):
            return query
        return " ".join(f'"{w}"*' if len(w) >= 4 else f'"{w}"' for w in query.split())

    def one(expression: str) -> None:
        list(fts.execute(
            "SELECT rowid, snippet(doc, -1, '<mark>', '</mark>', '…', 24) FROM doc "
            "WHERE doc MATCH ? ORDER BY rank LIMIT 20", (expression,)))
        fts.execute("SELECT count(*) FROM doc WHERE doc MATCH ?", (expression,)).fetchone()

    result = {"build_s": round(build_s, 2)}
    for name, match in (("exact", exact), ("prefix", prefixes)):
        for query in QUERIES:
            one(match(query))
        samples = []
        for _ in range(rounds):
            for query in QUERIES:
                expression = match(query)
                started = time.perf_counter()
                one(expression)
                samples.append((time.perf_counter() - started) * 1000)
        result[name] = summary(samples)
    fts.close()
    return result

"""The baseline on PostgreSQL: the same queries with its full-text search
(`swedish` configuration: Snowball stemming and stop words, as kb's own analysis)
over the same rows' texts, in a schema of its own that is dropped afterwards."""

from __future__ import annotations

import os
import sqlite3
import time
import uuid

from kb.core.vocab import ModerationState
from kb.tools.bench.report import summary
from kb.tools.bench.workload import QUERIES

TEXT = "coalesce(title, '') || ' ' || coalesce(pros, '') || ' ' || coalesce(cons, '') " \
       "|| ' ' || coalesce(tips, '') || ' ' || coalesce(body, '') || ' ' || " \
       "coalesce(switch_reason, '')"


def pg_baseline(workdir: str, url: str, rounds: int) -> dict:
    from sqlalchemy import create_engine, text

    schema = f"kb_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    source = sqlite3.connect(os.path.join(workdir, "kb.sqlite3"))
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            connection.execute(text(f'SET search_path TO "{schema}"'))
            connection.execute(text(
                "CREATE TABLE doc (id integer PRIMARY KEY, title text, pros text, cons text, "
                "tips text, body text, switch_reason text)"))
            started = time.perf_counter()
            rows = source.execute(
                "SELECT id, title, pros, cons, tips, body, switch_reason FROM experience "
                "WHERE moderation_state = ? AND visibility = 'public'",
                (ModerationState.PUBLISHED.value,))
            keys = ("id", "title", "pros", "cons", "tips", "body", "switch_reason")
            while batch := rows.fetchmany(5000):
                connection.execute(
                    text("INSERT INTO doc VALUES (:id, :title, :pros, :cons, :tips, :body, "
                         ":switch_reason)"), [dict(zip(keys, row, strict=True)) for row in batch])
            connection.execute(text(
                f"ALTER TABLE doc ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
                f"(to_tsvector('swedish', {TEXT})) STORED"))
            connection.execute(text("CREATE INDEX doc_tsv ON doc USING gin (tsv)"))
            connection.execute(text("ANALYZE doc"))
            build_s = time.perf_counter() - started

            def one(query: str) -> None:
                parse = "phraseto_tsquery" if query.startswith('"') else "plainto_tsquery"
                q = query.strip('"')
                connection.execute(text(
                    f"SELECT id, ts_headline('swedish', {TEXT}, q) FROM ("
                    f"SELECT doc.*, q, ts_rank(tsv, q) AS r FROM doc, {parse}('swedish', :q) q "
                    "WHERE tsv @@ q ORDER BY r DESC LIMIT 20) top"), {"q": q}).all()
                connection.execute(text(
                    f"SELECT count(*) FROM doc WHERE tsv @@ {parse}('swedish', :q)"),
                    {"q": q}).scalar()

            for query in QUERIES:
                one(query)
            samples = []
            for _ in range(rounds):
                for query in QUERIES:
                    started = time.perf_counter()
                    one(query)
                    samples.append((time.perf_counter() - started) * 1000)
            return {"build_s": round(build_s, 2), **summary(samples)}
    finally:
        source.close()
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

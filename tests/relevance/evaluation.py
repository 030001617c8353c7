"""Relevance of kb's search on a hand-judged Swedish collection, with PostgreSQL's
own `swedish` full-text configuration over the same texts as a baseline.

kb's side goes through the public JSON API only (``GET /api/v1/experiences?q=``),
so the evaluation keeps measuring whatever the search implementation becomes.

    python -m tests.relevance.evaluation            # kb on a fresh SQLite database
    KB_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python -m tests.relevance.evaluation        # ... and the PostgreSQL baseline
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, select, text

from kb.models.experiences import TEXT_FIELDS

HERE = Path(__file__).resolve().parent
EXPERIENCES_FILE = HERE / "experiences.json"
QUERIES_FILE = HERE / "queries.json"
# A second, smaller collection written before the search was tuned and never
# tuned to: what the search does on texts and queries it has not seen.
HELDOUT_EXPERIENCES_FILE = HERE / "heldout_experiences.json"
HELDOUT_QUERIES_FILE = HERE / "heldout_queries.json"
COLLECTIONS = {
    "main": (EXPERIENCES_FILE, QUERIES_FILE),
    "heldout": (HELDOUT_EXPERIENCES_FILE, HELDOUT_QUERIES_FILE),
}

# Ranks that count: the first ten hits of the first page.
CUTOFF = 10
KINDS = (
    "word", "inflected", "compound", "compound_part", "stop_words", "phrase",
    "system", "abbreviation", "misspelling", "verb_form", "judgement",
)
# Fixed timestamps: every run loads the same rows in the same order.
WRITTEN_FROM = datetime(2024, 1, 8, 9, 0)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    need: str
    judgments: Mapping[str, int]  # experience key -> grade 1..3; unjudged is 0

    @property
    def relevant(self) -> set[str]:
        return {key for key, grade in self.judgments.items() if grade >= 1}


def load_experiences(path: Path = EXPERIENCES_FILE) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_queries(path: Path = QUERIES_FILE) -> list[Query]:
    with open(path, encoding="utf-8") as handle:
        return [
            Query(entry["query"], entry["kind"], entry.get("need", ""), entry["judgments"])
            for entry in json.load(handle)
        ]


# --------------------------------------------------------------------------- metrics


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain: the grade at rank r counts grade / log2(r + 1)."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg_at(ranking: Sequence[str], judgments: Mapping[str, int], k: int = CUTOFF) -> float:
    """nDCG@k with graded judgments; the ideal is the judged grades in descending order."""
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(judgments.get(key, 0) for key in ranking[:k]) / ideal


def recall_at(ranking: Sequence[str], judgments: Mapping[str, int], k: int = CUTOFF) -> float:
    """Share of the relevant experiences (grade 1 or more) found in the first k."""
    relevant = {key for key, grade in judgments.items() if grade >= 1}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:k])) / len(relevant)


@dataclass(frozen=True)
class QueryScore:
    query: Query
    ranking: tuple[str, ...]  # experience keys, best first, at most CUTOFF
    ndcg: float
    recall: float

    @property
    def zero(self) -> bool:
        return not self.ranking


@dataclass(frozen=True)
class Summary:
    n: int
    ndcg: float
    recall: float
    zero: int


@dataclass(frozen=True)
class Report:
    engine: str
    scores: tuple[QueryScore, ...]
    documents: int = 0  # experiences searched

    def summary(self, kind: str | None = None) -> Summary:
        chosen = [s for s in self.scores if kind is None or s.query.kind == kind]
        if not chosen:
            return Summary(0, 0.0, 0.0, 0)
        return Summary(
            n=len(chosen),
            ndcg=sum(s.ndcg for s in chosen) / len(chosen),
            recall=sum(s.recall for s in chosen) / len(chosen),
            zero=sum(s.zero for s in chosen),
        )

    @property
    def mean_ndcg(self) -> float:
        return self.summary().ndcg

    @property
    def mean_recall(self) -> float:
        return self.summary().recall

    def by_query(self) -> dict[str, QueryScore]:
        return {s.query.text: s for s in self.scores}


def score(engine: str, queries: Sequence[Query], rankings: Mapping[str, Sequence[str]],
          documents: int = 0) -> Report:
    scores = []
    for query in queries:
        ranking = tuple(rankings.get(query.text, ())[:CUTOFF])
        scores.append(QueryScore(query, ranking, ndcg_at(ranking, query.judgments),
                                 recall_at(ranking, query.judgments)))
    return Report(engine, tuple(scores), documents)


# --------------------------------------------------------------------------- kb


def load_into_kb(app: Flask, experiences: Sequence[dict]) -> dict[int, str]:
    """The catalogue, one author per professional role, and every experience
    published and public; then a full index rebuild. Returns id -> key."""
    from kb import indexing
    from kb.extensions import db
    from kb.models import Experience, PayrollSystem, User
    from kb.tools.demo import load_catalogue

    with app.app_context():
        load_catalogue()
        systems = {s.slug: s.id for s in db.session.scalars(select(PayrollSystem))}
        authors = {}
        for role in sorted({e["reviewer_role"] for e in experiences}):
            author = User(
                email=f"relevans-{role}@example.se",
                display_name=f"Relevans ({role})",
                # Nobody logs in as these authors: a hash no password matches.
                password_hash="!relevance-author-no-login",
                professional_role=role,
            )
            db.session.add(author)
            authors[role] = author
        db.session.flush()
        rows = {}
        for n, entry in enumerate(experiences):
            written = WRITTEN_FROM + timedelta(hours=n)
            rows[entry["key"]] = row = Experience(
                author_id=authors[entry["reviewer_role"]].id,
                system_id=systems[entry["system"]],
                switched_from_id=systems.get(entry.get("switched_from")),
                sector=entry["sector"],
                size_band=entry["size_band"],
                reviewer_role=entry["reviewer_role"],
                usage_status=entry["usage_status"],
                satisfaction=entry["satisfaction"],
                visibility="public",
                moderation_state="published",
                created_at=written,
                updated_at=written,
                confirmed_at=written,
                **{field: entry.get(field, "") for field in TEXT_FIELDS},
                **answers(entry),
            )
            db.session.add(row)
        db.session.flush()
        keys = {row.id: key for key, row in rows.items()}
        db.session.commit()
        indexing.rebuild()
    return keys


def answers(entry: Mapping) -> dict:
    """The checklist and ratings an entry gives, as Experience columns: `capabilities`
    maps keys of vocab.CAPABILITIES to levels (the others stay "unknown"), `ratings`
    keys of vocab.SUB_RATINGS to 1-5 (the others stay unrated)."""
    return {
        **{f"cap_{key}": level for key, level in (entry.get("capabilities") or {}).items()},
        **{f"rating_{key}": value for key, value in (entry.get("ratings") or {}).items()},
    }


def kb_rankings(app: Flask, keys: Mapping[int, str],
                queries: Sequence[Query]) -> dict[str, list[str]]:
    """Each query through GET /api/v1/experiences as a visitor; the first CUTOFF keys."""
    client = app.test_client()
    rankings = {}
    for query in queries:
        response = client.get("/api/v1/experiences", query_string={"q": query.text})
        if response.status_code != 200:
            raise RuntimeError(f"{query.text!r}: HTTP {response.status_code} {response.text[:200]}")
        rankings[query.text] = [keys[item["id"]] for item in response.get_json()["items"][:CUTOFF]]
    return rankings


def evaluate_kb(app: Flask, queries: Sequence[Query] | None = None,
                experiences: Sequence[dict] | None = None) -> Report:
    """Load the collection into this app's (empty) database and score every query."""
    queries = load_queries() if queries is None else queries
    experiences = load_experiences() if experiences is None else experiences
    keys = load_into_kb(app, experiences)
    return score("kb", queries, kb_rankings(app, keys, queries), documents=len(keys))


def fresh_app(directory: Path) -> Flask:
    """A kb app on a new SQLite database and index in `directory`."""
    from kb import create_app
    from kb.database import upgrade_schema
    from kb.extensions import db

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "relevance-evaluation",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'kb.sqlite3'}",
        "INDEX_DIR": str(directory / "index"),
        "RATELIMIT_ENABLED": False,
        "BACKGROUND_JOBS": False,
    })
    with app.app_context():
        upgrade_schema()
        db.engine.dispose()
    return app


def evaluate_kb_on_fresh_database(queries: Sequence[Query] | None = None,
                                  experiences: Sequence[dict] | None = None) -> Report:
    from tests.support.apps import close

    with tempfile.TemporaryDirectory(prefix="kb-relevance-") as directory:
        app = fresh_app(Path(directory))
        try:
            return evaluate_kb(app, queries, experiences)
        finally:
            close(app)


# --------------------------------------------------------------------------- PostgreSQL


def _system_names() -> dict[str, tuple[str, str]]:
    """Per catalogue slug: its name, aliases and vendor; and its name alone."""
    from kb.tools.demo import catalogue

    return {
        entry["slug"]: (" ".join([entry["name"], *entry["aliases"].splitlines(), entry["vendor"]]),
                        entry["name"])
        for entry in catalogue()
    }


def postgres_rankings(url: str, experiences: Sequence[dict],
                      queries: Sequence[Query]) -> dict[str, list[str]]:
    """The same texts in one table of a temporary schema, `to_tsvector('swedish')`
    over the texts and system names, `websearch_to_tsquery('swedish')`, ranked by
    `ts_rank_cd`; the schema is dropped afterwards."""
    names = _system_names()
    schema = f"kb_relevance_{uuid.uuid4().hex[:12]}"
    table = f'"{schema}".experience'
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                conn.execute(text(
                    f"CREATE TABLE {table} (position integer PRIMARY KEY, key text UNIQUE, "
                    "system_names text, other_systems text, title text, pros text, cons text, "
                    "tips text, body text, switch_reason text, document tsvector)"
                ))
                conn.execute(
                    text(
                        f"INSERT INTO {table} (position, key, system_names, other_systems, "
                        "title, pros, cons, tips, body, switch_reason) VALUES (:position, :key, "
                        ":system_names, :other_systems, :title, :pros, :cons, :tips, :body, "
                        ":switch_reason)"
                    ),
                    [
                        {
                            "position": n,
                            "key": entry["key"],
                            "system_names": names[entry["system"]][0],
                            "other_systems": names[entry["switched_from"]][1]
                            if entry.get("switched_from") else "",
                            **{field: entry.get(field, "") for field in TEXT_FIELDS},
                        }
                        for n, entry in enumerate(experiences)
                    ],
                )
                conn.execute(text(
                    f"UPDATE {table} SET document = to_tsvector('swedish', concat_ws(' ', "
                    "title, pros, cons, tips, body, switch_reason, system_names, other_systems))"
                ))
                rankings = {}
                for query in queries:
                    rows = conn.execute(
                        text(
                            f"SELECT key FROM {table}, websearch_to_tsquery('swedish', :q) AS q "
                            "WHERE document @@ q ORDER BY ts_rank_cd(document, q) DESC, position "
                            "LIMIT :limit"
                        ),
                        {"q": query.text, "limit": CUTOFF},
                    )
                    rankings[query.text] = [row.key for row in rows]
                return rankings
            finally:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        engine.dispose()


def evaluate_postgres(url: str, queries: Sequence[Query] | None = None,
                      experiences: Sequence[dict] | None = None) -> Report:
    queries = load_queries() if queries is None else queries
    experiences = load_experiences() if experiences is None else experiences
    return score("PostgreSQL", queries, postgres_rankings(url, experiences, queries),
                 documents=len(experiences))


# --------------------------------------------------------------------------- report


def _cells(summary: Summary | None) -> str:
    if summary is None:
        return f"{'–':>8} {'–':>9} {'–':>5}"
    return f"{summary.ndcg:8.3f} {summary.recall:9.3f} {summary.zero:5d}"


def format_report(kb: Report, postgres: Report | None = None, worst: int = 15) -> str:
    """The table: overall and per kind, kb beside PostgreSQL, then kb's worst queries."""
    engines = f"{'kb':<24}  {'PostgreSQL swedish' if postgres else 'PostgreSQL (not run)':<24}"
    heading = f"{'nDCG@10':>8} {'recall@10':>9} {'zero':>5}"
    lines = [
        f"{len(kb.scores)} queries over {kb.documents} experiences; "
        f"nDCG@{CUTOFF} and recall@{CUTOFF} are means, zero = queries without results",
        "",
        f"{'':<14} {'n':>3}  {engines}",
        f"{'kind':<14} {'':>3}  {heading}  {heading}",
    ]
    kinds = [None, *[k for k in KINDS if kb.summary(k).n]]
    for kind in kinds:
        ours = kb.summary(kind)
        theirs = postgres.summary(kind) if postgres else None
        lines.append(f"{kind or 'all':<14} {ours.n:>3}  {_cells(ours)}  {_cells(theirs)}")
    if worst:
        other = postgres.by_query() if postgres else {}
        lines += ["", f"Queries where kb does worst (nDCG@{CUTOFF}; PostgreSQL's in brackets):"]
        ranked = sorted(kb.scores, key=lambda s: (s.ndcg, s.recall, s.query.text))[:worst]
        for s in ranked:
            theirs = other.get(s.query.text)
            bracket = f" ({theirs.ndcg:.3f})" if theirs else ""
            hits = "no results" if s.zero else f"{len(s.ranking)} hits"
            lines.append(
                f"  {s.ndcg:.3f}{bracket:<8}  recall {s.recall:.2f}  {s.query.kind:<13} "
                f"{s.query.text}  [{hits}, {len(s.query.relevant)} relevant]"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.relevance.evaluation",
        description="nDCG@10 and recall@10 of kb's search, and of PostgreSQL's swedish "
                    "configuration when KB_TEST_DATABASE_URL (or --postgres) is set.",
    )
    parser.add_argument("--postgres", default=os.environ.get("KB_TEST_DATABASE_URL"),
                        help="SQLAlchemy URL of a PostgreSQL database for the baseline")
    parser.add_argument("--worst", type=int, default=15, help="how many of kb's worst queries")
    parser.add_argument("--collection", choices=[*COLLECTIONS, "all"], default="all",
                        help="the judged collection (default: each in turn)")
    args = parser.parse_args(argv)

    names = list(COLLECTIONS) if args.collection == "all" else [args.collection]
    for n, name in enumerate(names):
        experiences_file, queries_file = COLLECTIONS[name]
        experiences, queries = load_experiences(experiences_file), load_queries(queries_file)
        kb = evaluate_kb_on_fresh_database(queries, experiences)
        postgres = (evaluate_postgres(args.postgres, queries, experiences)
                    if args.postgres else None)
        print(("\n" if n else "") + f"Collection {name!r}: " + format_report(
            kb, postgres, worst=args.worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The throw-away instance: an app on a temporary database and index, seeded and indexed."""

from __future__ import annotations

import os
import secrets
import time

from kb.tools.bench.workload import BENCH_EMAIL, BENCH_PASSWORD


def bench_app(workdir: str):
    """An app on the throw-away database and index in `workdir`."""
    from kb import create_app

    url = f"sqlite:///{os.path.join(workdir, 'kb.sqlite3')}"
    index_dir = os.path.join(workdir, "index")
    return create_app({
        "SECRET_KEY": secrets.token_hex(16),
        "DATABASE_URL": url,
        "SQLALCHEMY_DATABASE_URI": url,
        "INDEX_DIR": index_dir,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "PREMODERATION": False,
    })


def build(workdir: str, count: int, echo) -> dict:
    """Create the schema, seed `count` experiences and rebuild the index; timings."""
    from kb import indexing
    from kb.accounts import create_account
    from kb.database import upgrade_schema
    from kb.extensions import db
    from kb.tools import demo

    app = bench_app(workdir)
    with app.app_context():
        upgrade_schema()
        echo(f"Seeding {count} experiences ...")
        started = time.perf_counter()
        demo.seed(count, seed=1)
        seed_s = time.perf_counter() - started
        create_account(email=BENCH_EMAIL, password=BENCH_PASSWORD,
                       display_name="Bänk Bänksson", site_role="member", confirmed=True)
        echo("Rebuilding the index (kb reindex) ...")
        started = time.perf_counter()
        documents = indexing.rebuild()
        reindex_s = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return {
        "experiences": count,
        "seed_s": round(seed_s, 2),
        "reindex_s": round(reindex_s, 2),
        "reindex_documents": documents,
        "reindex_docs_per_s": round(documents / reindex_s, 1) if reindex_s else None,
    }


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


def build(workdir: str, count: int, echo, members: int = 1) -> dict:
    """Create the schema, seed `count` experiences and the bench members; timings.
    The index is built apart (rebuild), in a process of its own."""
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
        db.session.remove()
        db.engine.dispose()
    bench_members(app, members)
    return {"experiences": count, "seed_s": round(seed_s, 2)}


def bench_members(app, count: int) -> list[str]:
    """E-mail addresses of `count` bench members: the bench account and copies of it
    (the same password hash, so no hashing is timed). A member writes about each
    system once, so every client that submits has a member of its own."""
    from sqlalchemy import select

    from kb.extensions import db
    from kb.models import User
    from kb.tools.bench.clients import member_email

    emails = [member_email(k) for k in range(count)]
    with app.app_context():
        first = db.session.scalar(select(User).where(User.email == BENCH_EMAIL))
        existing = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
        db.session.add_all(User(email=email, display_name=f"{first.display_name} {k}",
                                password_hash=first.password_hash, site_role="member",
                                email_confirmed_at=first.email_confirmed_at)
                           for k, email in enumerate(emails) if email not in existing)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return emails


def rebuild(workdir: str) -> dict:
    """`kb reindex` on the instance, in this process (run as a child of its own, so
    its peak memory is the rebuild's)."""
    import resource

    from kb import indexing
    from kb.extensions import db
    from kb.tools.bench.report import peak_mb

    app = bench_app(workdir)
    with app.app_context():
        started = time.perf_counter()
        documents = indexing.rebuild()
        seconds = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return {
        "reindex_s": round(seconds, 2),
        "reindex_documents": documents,
        "reindex_docs_per_s": round(documents / seconds, 1) if seconds else None,
        "peak_mb": peak_mb(),
        # The forked process that indexes the other half (its peak includes what it
        # shares with this one at the fork).
        "worker_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }

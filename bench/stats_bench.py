"""Measure /systems/<slug> and /compare at scale (issue 4): p50/p95 per request.

    .venv/bin/python bench/stats_bench.py sqlite:////tmp/kb100k.sqlite3

The database must already hold the demo data (kb seed-demo --experiences 100000).
In-process through Flask's test client, as a visitor; "cold" clears the statistics
cache before every request (the cost right after a write), "warm" measures the same
URLs once each has been seen (the steady state between writes).
"""

import random
import statistics
import sys
import time

from kb import create_app


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(database_url: str, requests: int = 200) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI":
                      database_url, "INDEX_DIR": "/tmp/kb-bench-index"})
    client = app.test_client()
    rng = random.Random(1)
    with app.app_context():
        from sqlalchemy import select

        from kb.extensions import db
        from kb.models import PayrollSystem

        slugs = list(db.session.scalars(select(PayrollSystem.slug)))
    filters = ["", "&sector=kommun", "&sector=kommun&size=1000-4999", "&recent=1",
               "&sector=privat&size=50-249&recent=1"]

    def profile_url():
        return f"/systems/{rng.choice(slugs)}?{rng.choice(filters)}"

    def compare_url():
        chosen = rng.sample(slugs, rng.choice((2, 3, 4)))
        return "/compare?" + "&".join(f"s={s}" for s in chosen) + rng.choice(filters)

    for name, make in (("/systems/<slug>", profile_url), ("/compare", compare_url)):
        urls = [make() for _ in range(requests)]
        for mode in ("cold", "warm"):
            if mode == "warm":  # every URL seen once: the steady state between writes
                for url in urls:
                    client.get(url)
            times = []
            for url in urls:
                if mode == "cold":
                    app.extensions.pop("kb_stats_cache", None)
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            print(f"{name:18} {mode}: n={len(times)} p50={statistics.median(times):.1f} ms "
                  f"p95={percentile(times, 0.95):.1f} ms max={max(times):.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200)

"""The request mix through the whole Flask stack, run in a child process of its own.

`python -m kb.tools.bench --measure WORKDIR ROUNDS SUBMITS` (what runner.run starts)
prints the figures as one line of JSON; the child's peak memory is the worker's.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import click

from kb.tools.bench.instance import bench_app, bench_members
from kb.tools.bench.report import peak_mb, summary
from kb.tools.bench.workload import (
    BENCH_PASSWORD,
    FILTERED,
    HOSTILE,
    QUERIES,
    letters,
    submission_form,
)


def measure_requests(workdir: str, rounds: int, submits: int) -> dict:
    """The request mix through the Flask stack, in this process (run as a child)."""
    from sqlalchemy import select

    from kb.extensions import db
    from kb.models import PayrollSystem

    app = bench_app(workdir)
    client = app.test_client()
    with app.app_context():
        systems = list(db.session.execute(
            select(PayrollSystem.id, PayrollSystem.slug).order_by(PayrollSystem.id)).all())
    slugs = [slug for _id, slug in systems]

    after_response: list[float] = []

    def timed(url: str, *, method: str = "GET", data=None, expect=(200,)) -> float:
        return timed_status(url, method=method, data=data, expect=expect)[0]

    def timed_status(url: str, *, method: str = "GET", data=None, expect=(200,)):
        """The time to the response; then the response is closed, as a WSGI server
        does once it has sent it, which runs the work left for after it (an
        index merge), timed apart."""
        started = time.perf_counter()
        response = client.open(url, method=method, data=data)
        elapsed = (time.perf_counter() - started) * 1000
        closing = time.perf_counter()
        response.close()
        after_response.append((time.perf_counter() - closing) * 1000)
        if expect and response.status_code not in expect:
            raise click.ClickException(f"{method} {url[:80]} answered {response.status_code}")
        return elapsed, response.status_code

    search_urls = ["/search?" + urlencode({"q": q}) for q in QUERIES]
    filtered_urls = ["/search?" + urlencode(args) for args in FILTERED]
    # Warm up: open the searcher, fill caches, as a running worker would be; a fresh
    # worker's first searches are reported on their own.
    first_use = [timed(url) for url in search_urls + filtered_urls]
    search_samples, filtered_samples = [], []
    for _ in range(rounds):
        search_samples += [timed(url) for url in search_urls]
        filtered_samples += [timed(url) for url in filtered_urls]
    peaks = {"search": peak_mb()}

    # System pages and comparisons: each filter combination first uncached, then cached.
    filters = [{}, {"sector": "kommun"}, {"size": "1000-4999"}, {"role": "lonechef"},
               {"sector": "privat", "size": "50-249"}]
    system_cold, system_warm = [], []
    for args in filters:
        for slug in slugs:
            url = f"/systems/{slug}" + ("?" + urlencode(args) if args else "")
            system_cold.append(timed(url))
            system_warm.append(timed(url))
    peaks["system_page"] = peak_mb()
    pairs = [slugs[i:i + n] for n in (2, 3, 4) for i in range(0, max(1, len(slugs) - n), 3)]
    compare_cold, compare_warm = [], []
    for args in filters:
        for chosen in pairs:
            url = "/compare?" + urlencode([("s", s) for s in chosen] + list(args.items()))
            compare_cold.append(timed(url))
            compare_warm.append(timed(url))
    peaks["compare"] = peak_mb()

    hostile = []
    for query in HOSTILE:
        for label, path in (("", "/search?"), ("API: ", "/api/v1/experiences?")):
            elapsed, status = timed_status(path + urlencode({"q": query}), expect=())
            shown = label + query[:60 - len(label)] + ("…" if len(query) > 60 - len(label) else "")
            hostile.append({"query": shown, "chars": len(query), "ms": round(elapsed, 1),
                            "status": status})
    peaks["hostile"] = peak_mb()

    # Submissions: log in, post the whole form; the request updates the index. A member
    # has one experience per system, so after every system the next bench member writes.
    members = bench_members(app, -(-submits // len(systems)))
    submit_samples, submit_after = [], []
    for n in range(submits):
        if n % len(systems) == 0:
            client.post("/auth/logout")
            client.post("/auth/login", data={"email": members[n // len(systems)],
                                             "password": BENCH_PASSWORD})
        data = submission_form(systems[n % len(systems)][0], n)
        submit_samples.append(timed("/experiences/new", method="POST", data=data,
                                    expect=(302,)))
        submit_after.append(after_response[-1])
        if n % 10 == 9:  # and what the member reads next, so searches see the writes
            timed("/search?" + urlencode({"q": f"bänkprov{letters(n)}"}))
    peaks["submit"] = peak_mb()

    # /healthz as a load balancer polls it: the counts of documents and experiences
    # taken at most every HEALTH_COUNT_SECONDS, and (apart) taken at every poll.
    health = [timed("/healthz") for _ in range(50)]
    app.config["HEALTH_COUNT_SECONDS"] = 0
    health_counting = [timed("/healthz") for _ in range(20)]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {
        "search": summary(search_samples),
        "search_filtered": summary(filtered_samples),
        "search_first_use": summary(first_use),
        "system_page": summary(system_cold + system_warm),
        "system_page_uncached": summary(system_cold),
        "compare": summary(compare_cold + compare_warm),
        "compare_uncached": summary(compare_cold),
        "submit": summary(submit_samples),
        "submit_after_response": summary(submit_after),
        "healthz": summary(health),
        "healthz_counting": summary(health_counting),
        "hostile": sorted(hostile, key=lambda h: -h["ms"]),
        "hostile_errors": [h for h in hostile if h["status"] >= 500],
        "worker_peak_mb": peak_mb(),
        "worker_peak_mb_after": peaks,
    }


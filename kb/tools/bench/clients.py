"""Requests over HTTP: what each kind of request asks for, one client at a time,
and the first requests of a freshly started server."""

from __future__ import annotations

import http.cookiejar
import os
import random
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlencode

from kb.tools.bench.report import summary
from kb.tools.bench.workload import BENCH_EMAIL, BENCH_PASSWORD, FILTERED, QUERIES

TIMEOUT = 60
# Filters of the system pages and comparisons asked for.
PROFILE_FILTERS = [{}, {"sector": "kommun"}, {"size": "1000-4999"}, {"role": "lonechef"},
                   {"sector": "privat", "size": "50-249"}]
# A word of the demo texts that the warm-up's most frequent words do not include:
# the first search of a fresh worker with a word it has not decoded yet.
COLD_QUERY = "retroaktiv lönebesked"


def member_email(k: int) -> str:
    return BENCH_EMAIL if k == 0 else BENCH_EMAIL.replace("@", f"+{k}@")


def targets(workdir: str, seed: int = 1) -> dict:
    """What the clients ask for, from the throw-away database: URLs per kind of
    request and the systems' ids (for submissions)."""
    connection = sqlite3.connect(os.path.join(workdir, "kb.sqlite3"))
    try:
        systems = connection.execute(
            "SELECT id, slug FROM payroll_system WHERE status = 'active' ORDER BY id").fetchall()
        experience_ids = [row[0] for row in connection.execute(
            "SELECT id FROM experience WHERE visibility = 'public' "
            "AND moderation_state = 'published' ORDER BY id")]
    finally:
        connection.close()
    rng = random.Random(seed)
    slugs = [slug for _id, slug in systems]
    chosen = sorted(rng.sample(experience_ids, min(200, len(experience_ids))))
    return {
        "search": ["/search?" + urlencode({"q": q}) for q in QUERIES]
        + ["/search?" + urlencode(args) for args in FILTERED],
        "system_page": [f"/systems/{slug}" + ("?" + urlencode(args) if args else "")
                        for args in PROFILE_FILTERS for slug in slugs],
        "compare": ["/compare?" + urlencode([("s", s) for s in slugs[i:i + n]] + list(args.items()))
                    for args in PROFILE_FILTERS for n in (2, 3, 4)
                    for i in range(0, max(1, len(slugs) - n), 4)],
        "experience_page": [f"/experiences/{i}" for i in chosen],
        "system_ids": [system_id for system_id, _slug in systems],
        "cold": {"search": "/search?" + urlencode({"q": COLD_QUERY}),
                 "system_page": f"/systems/{slugs[len(slugs) // 2]}?sector=region"},
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser-like client over HTTP: its own cookies, redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[float, int]:
        """(milliseconds to the whole response, status)."""
        body = urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, body, timeout=TIMEOUT) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            error.read()
            status = error.code
        return (time.perf_counter() - started) * 1000, status

    def login(self, email: str) -> None:
        _ms, status = self.request("/auth/login", {"email": email, "password": BENCH_PASSWORD})
        if status != 302:
            raise RuntimeError(f"bench login as {email} answered {status}")


def first_requests(base: str, cold: dict) -> dict:
    """The first search and the first system page a freshly started server answers
    (each likely in another worker: both are fresh)."""
    client = Client(base)
    out = {}
    for kind in ("search", "system_page"):
        ms, status = client.request(cold[kind])
        out[kind] = {"ms": round(ms, 1), "status": status}
    return out


def single_client(base: str, urls: dict, member: str, submits: int, rounds: int = 2) -> dict:
    """Each kind of request, one client, one request at a time."""
    from kb.tools.bench.workload import submission_form

    client = Client(base)
    results: dict = {}
    errors = 0
    for kind in ("search", "system_page", "compare", "experience_page"):
        samples = []
        for _ in range(rounds if kind == "search" else 1):
            for url in urls[kind]:
                ms, status = client.request(url)
                errors += status != 200
                samples.append(ms)
        results[kind] = summary(samples)
    client.login(member)
    systems = urls["system_ids"]
    samples = []
    for n in range(min(submits, len(systems))):
        ms, status = client.request("/experiences/new",
                                    submission_form(systems[n], 50_000 + n))
        errors += status != 302
        samples.append(ms)
    results["submit"] = summary(samples)
    results["errors"] = errors
    return results

"""`kb bench`: seed, reindex, search, profile, compare and submit on a throw-away instance.

Everything runs on a temporary SQLite database and index (never the configured
ones). Requests go through the whole Flask stack with the test client; the
request mix runs in a child process (a "worker") so its peak memory can be read.
The same queries run against SQLite FTS5 over the same rows as a baseline.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

import click

DEFAULT_EXPERIENCES = 100_000
BENCH_PASSWORD = "bänk-lösenord-123"

# A fixed mix of 1–3-word queries and phrases, words from the demo texts.
QUERIES = [
    "lönesystem", "semesterberäkning", "AGI", "support", "kollektivavtal", "BankID",
    "integration", "lönekörning", "PAXml", "pension", "retroaktiv", "lönebesked",
    "semesterskuld", "Kivra", "SIE", "kontering", "attest", "självservice",
    "lönekörningen tung", "supporten svarar", "semesterårsskiftet rutin",
    "pensionsrapportering KPA", "handpåläggning semester", "införandet tog",
    "AB HÖK", "öppet API", "lönearter Medvind", "digitala lönebesked",
    "kommun stabil lönekörning", "krånglig retroberäkning lön", "fast pris införandet",
    "Energiavtalet konsulter kunskap", "AGI Skatteverket fil",
    '"semesterskulden i det gamla"', '"öppet API"', '"lönebesked i Kivra"',
    '"fast pris"', '"handpåläggning"', '"rörliga lönedelar"', '"nattliga filöverföringar"',
]

# A few searches with filters, as the search page sends them.
FILTERED = [
    {"q": "semesterberäkning", "sector": "kommun"},
    {"q": "support", "system": "heroma", "sort": "newest"},
    {"q": "lönekörning", "size": "1000-4999", "min_rating": "4"},
    {"q": "", "system": "personec-p", "sort": "rating"},
    {"q": "AGI", "role": "lonechef", "status": "current", "page": "2"},
]

HOSTILE = [
    "*system", "*a*", "*ö", "?*?*?*", "l*n*s*y*", "*" * 50,
    " OR ".join(f"ord{n}" for n in range(2000)),
    " OR ".join(["lön", "semester", "support", "AGI", "pension"] * 300),
    "a" * 5000, "lönesystem " * 500, ("ö" * 40 + " ") * 120,
    "(" * 2000 + "lön" + ")" * 2000, '"' * 5000, "title:*", "pros:[a TO ö]",
    "lönesystem~9", "semester~3 lön~3 support~3 pension~3", "NOT " * 1000 + "lön",
    "\u0301" * 5000, "<script>alert(1)</script>" * 200, "%00" * 1000,
]

TARGETS = {
    "search_p95_ms": 100,
    "search_vs_fts5_ratio": 3.0,
    "reindex_docs_per_s": 1000,
    "submit_p95_ms": 100,
    "system_page_p95_ms": 50,
    "compare_p95_ms": 50,
    "worker_peak_mb": 400,
    "hostile_max_ms": 1000,
}


# --------------------------------------------------------------------------- helpers


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of values (milliseconds)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "p50_ms": round(percentile(samples, 50), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(max(samples), 2) if samples else None,
        "mean_ms": round(statistics.fmean(samples), 2) if samples else None,
    }


def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name")), "")
    except OSError:
        pass
    memory_gb = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
            memory_gb = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


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


# --------------------------------------------------------------------------- phases


def build(workdir: str, count: int, echo) -> dict:
    """Create the schema, seed `count` experiences and rebuild the index; timings."""
    from kb import search
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
        create_account(email="bank@example.se", password=BENCH_PASSWORD,
                       display_name="Bänk Bänksson", site_role="member")
        echo("Rebuilding the index (kb reindex) ...")
        started = time.perf_counter()
        documents = search.rebuild_index()
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


def fts5_baseline(workdir: str, rounds: int) -> dict:
    """The same queries against an FTS5 table over the same rows' texts."""
    source = sqlite3.connect(os.path.join(workdir, "kb.sqlite3"))
    fts = sqlite3.connect(os.path.join(workdir, "fts5.sqlite3"))
    fts.execute("CREATE VIRTUAL TABLE doc USING fts5(title, pros, cons, tips, body, "
                "switch_reason, tokenize = 'unicode61 remove_diacritics 0')")
    started = time.perf_counter()
    rows = source.execute(
        "SELECT id, title, pros, cons, tips, body, switch_reason FROM experience "
        "WHERE moderation_state = 'published' AND visibility = 'public'")
    fts.executemany("INSERT INTO doc(rowid, title, pros, cons, tips, body, switch_reason) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    fts.commit()
    build_s = time.perf_counter() - started
    source.close()

    def match(query: str) -> str:
        # FTS5 has no Swedish stemmer: words of four letters or more become prefix
        # queries (semesterberäkning* finds semesterberäkningen), phrases stay phrases.
        if query.startswith('"'):
            return query
        return " ".join(f'"{w}"*' if len(w) >= 4 else f'"{w}"' for w in query.split())

    def one(query: str) -> None:
        expression = match(query)
        list(fts.execute(
            "SELECT rowid, snippet(doc, -1, '<mark>', '</mark>', '…', 24) FROM doc "
            "WHERE doc MATCH ? ORDER BY rank LIMIT 20", (expression,)))
        fts.execute("SELECT count(*) FROM doc WHERE doc MATCH ?", (expression,)).fetchone()

    for query in QUERIES:
        one(query)
    samples = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            one(query)
            samples.append((time.perf_counter() - started) * 1000)
    fts.close()
    return {"build_s": round(build_s, 2), **summary(samples)}


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
    peak_mb = {"search": _peak_mb()}

    # System pages and comparisons: each filter combination first uncached, then cached.
    filters = [{}, {"sector": "kommun"}, {"size": "1000-4999"}, {"role": "lonechef"},
               {"sector": "privat", "size": "50-249"}]
    system_cold, system_warm = [], []
    for args in filters:
        for slug in slugs:
            url = f"/systems/{slug}" + ("?" + urlencode(args) if args else "")
            system_cold.append(timed(url))
            system_warm.append(timed(url))
    peak_mb["system_page"] = _peak_mb()
    pairs = [slugs[i:i + n] for n in (2, 3, 4) for i in range(0, max(1, len(slugs) - n), 3)]
    compare_cold, compare_warm = [], []
    for args in filters:
        for chosen in pairs:
            url = "/compare?" + urlencode([("s", s) for s in chosen] + list(args.items()))
            compare_cold.append(timed(url))
            compare_warm.append(timed(url))
    peak_mb["compare"] = _peak_mb()

    hostile = []
    for query in HOSTILE:
        for label, path in (("", "/search?"), ("API: ", "/api/v1/experiences?")):
            elapsed, status = timed_status(path + urlencode({"q": query}), expect=())
            shown = label + query[:60 - len(label)] + ("…" if len(query) > 60 - len(label) else "")
            hostile.append({"query": shown, "chars": len(query), "ms": round(elapsed, 1),
                            "status": status})
    peak_mb["hostile"] = _peak_mb()

    # Submissions: log in, post the whole form; the request updates the index.
    client.post("/auth/login", data={"email": "bank@example.se", "password": BENCH_PASSWORD})
    submit_samples, submit_after = [], []
    for n in range(submits):
        data = _form(systems[n % len(systems)][0], n)
        submit_samples.append(timed("/experiences/new", method="POST", data=data,
                                    expect=(302,)))
        submit_after.append(after_response[-1])
        if n % 10 == 9:  # and what the member reads next, so searches see the writes
            timed("/search?" + urlencode({"q": f"bänkprov{_letters(n)}"}))
    peak_mb["submit"] = _peak_mb()
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
        "hostile": sorted(hostile, key=lambda h: -h["ms"]),
        "hostile_errors": [h for h in hostile if h["status"] >= 500],
        "worker_peak_mb": _peak_mb(),
        "worker_peak_mb_after": peak_mb,
    }


def _peak_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    VmHWM belongs to this program's own memory; ru_maxrss would also carry the peak
    of the process that started it (Linux keeps it across exec), here the seeding
    and reindexing parent."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _letters(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def _form(system_id: int, n: int) -> dict:
    from kb import vocab

    data = {
        "system_id": str(system_id), "sector": "kommun", "size_band": "1000-4999",
        "employees_paid": "2400", "reviewer_role": "lonechef", "deployment": "cloud",
        "in_use_since": "2019", "usage_status": "current", "satisfaction": str(1 + n % 5),
        "recommend": str(n % 11), "title": f"Bänkprov{_letters(n)}: stabil lönekörning i kommunen",
        "pros": "Lönekörningen går alltid i tid och AGI-filen går igenom hos Skatteverket.",
        "cons": "Semesterberäkningen kräver handpåläggning vid semesterårsskiftet.",
        "tips": "Testa kollektivavtalens lönearter tidigt.",
        "body": f"Vi betalar ut lön till 2 400 anställda. Prov {_letters(n)}.",
        "visibility": "public",
    }
    for key in vocab.SUB_RATINGS:
        data[f"rating_{key}"] = str(1 + (n + len(key)) % 5)
    for key in vocab.CAPABILITIES:
        data[f"cap_{key}"] = "good"
    return data


# --------------------------------------------------------------------------- report


def run(count: int, rounds: int, submits: int, echo=click.echo, keep: bool = False) -> dict:
    workdir = tempfile.mkdtemp(prefix="kb-bench-")
    try:
        result: dict = {"machine": machine(), "experiences": count}
        result["machine"]["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
        result["build"] = build(workdir, count, echo)
        result["build"]["peak_mb"] = _peak_mb()  # seeding and reindexing, this process
        echo("Running the request mix in a worker process ...")
        child = subprocess.run(
            [sys.executable, "-m", "kb.bench", "--measure", workdir, str(rounds), str(submits)],
            capture_output=True, text=True, check=False,
        )
        if child.returncode != 0:
            raise click.ClickException("The worker process failed:\n" + child.stderr[-4000:])
        result["requests"] = json.loads(child.stdout.strip().splitlines()[-1])
        echo("Running the FTS5 baseline ...")
        result["fts5"] = fts5_baseline(workdir, rounds)
        result["targets"] = check_targets(result)
        # Other work on the machine inflates every figure: keep the load beside them.
        result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        return result
    finally:
        if keep:
            echo(f"Kept the instance in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def check_targets(result: dict) -> dict:
    requests = result["requests"]
    ratio = requests["search"]["p95_ms"] / max(result["fts5"]["p95_ms"], 0.001)
    result["search_vs_fts5_ratio"] = round(ratio, 2)
    figures = {
        "search_p95_ms": requests["search"]["p95_ms"],
        "search_vs_fts5_ratio": round(ratio, 2),
        "reindex_docs_per_s": result["build"]["reindex_docs_per_s"],
        "submit_p95_ms": requests["submit"]["p95_ms"],
        "system_page_p95_ms": requests["system_page"]["p95_ms"],
        "compare_p95_ms": requests["compare"]["p95_ms"],
        "worker_peak_mb": requests["worker_peak_mb"],
        "hostile_max_ms": requests["hostile"][0]["ms"],
    }
    checked = {}
    for name, target in TARGETS.items():
        value = figures[name]
        met = value >= target if name == "reindex_docs_per_s" else value <= target
        checked[name] = {"value": value, "target": target, "met": met}
    return checked


def table(result: dict) -> str:
    m, b, r, f = result["machine"], result["build"], result["requests"], result["fts5"]
    lines = [
        f"kb bench: {result['experiences']:,} experiences".replace(",", " "),
        f"machine: {m['cpus']} CPUs, {m['cpu_model']}, {m['memory_gb']} GB, "
        f"Python {m['python']}, SQLite {m['sqlite']}; load average at start "
        f"{m['load_average_at_start'][0]}, at end {m['load_average_at_end'][0]}",
        "",
        f"{'measure':<34}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'n':>7}",
    ]
    for label, key in (("search (full request)", "search"),
                       ("search with filters", "search_filtered"),
                       ("search, first use in a new worker", "search_first_use"),
                       ("system page", "system_page"),
                       ("system page, uncached", "system_page_uncached"),
                       ("compare", "compare"), ("compare, uncached", "compare_uncached"),
                       ("submit (POST + index update)", "submit"),
                       ("  after its response (merges)", "submit_after_response")):
        s = r[key]
        lines.append(f"{label:<34}{s['p50_ms']:>10.1f}{s['p95_ms']:>10.1f}"
                     f"{s['max_ms']:>10.1f}{s['n']:>7}")
    lines.append(f"{'FTS5 baseline (same queries)':<34}{f['p50_ms']:>10.1f}{f['p95_ms']:>10.1f}"
                 f"{f['max_ms']:>10.1f}{f['n']:>7}")
    lines += [
        "",
        f"seed: {b['seed_s']} s; reindex: {b['reindex_s']} s, "
        f"{b['reindex_docs_per_s']} documents/s (peak memory {b['peak_mb']} MB); "
        f"FTS5 build: {f['build_s']} s",
        f"worker peak memory: {r['worker_peak_mb']} MB (after each phase: "
        + ", ".join(f"{k} {v}" for k, v in r["worker_peak_mb_after"].items()) + ")",
        f"slowest hostile query: {r['hostile'][0]['ms']} ms ({r['hostile'][0]['query']!r}, "
        f"{r['hostile'][0]['chars']} chars)",
        *(f"hostile query answered {h['status']}: {h['query']!r}" for h in r["hostile_errors"]),
        "",
        f"{'target':<24}{'value':>12}{'target':>10}  met",
    ]
    for name, t in result["targets"].items():
        lines.append(f"{name:<24}{t['value']:>12}{t['target']:>10}  {'yes' if t['met'] else 'NO'}")
    return "\n".join(lines)


@click.command("bench")
@click.option("--experiences", "count", type=click.IntRange(min=10),
              default=DEFAULT_EXPERIENCES, show_default=True)
@click.option("--rounds", type=click.IntRange(min=1), default=5, show_default=True,
              help="Times each search query is timed.")
@click.option("--submits", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--keep", is_flag=True, help="Keep the throw-away instance afterwards.")
def bench_command(count: int, rounds: int, submits: int, as_json: bool, keep: bool) -> None:
    """Benchmark a throw-away instance with N demo experiences (never your data)."""
    def echo(message: str) -> None:
        click.echo(message, err=True)

    result = run(count, rounds, submits, echo=echo, keep=keep)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else table(result))


def _measure_main(argv: list[str]) -> None:
    workdir, rounds, submits = argv[0], int(argv[1]), int(argv[2])
    print(json.dumps(measure_requests(workdir, rounds, submits)))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--measure":
        _measure_main(sys.argv[2:])
    else:
        bench_command()

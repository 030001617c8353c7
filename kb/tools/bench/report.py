"""The benchmark's figures: percentiles, memory, the targets and the table."""

from __future__ import annotations

import resource
import statistics

from kb.core import swedish

# What each figure should reach: at least (AT_LEAST) or at most (the others).
TARGETS = {
    "first_search_ms": 300,
    "first_system_page_ms": 300,
    "read_mix_25_requests_per_s": 200,
    "read_mix_25_p95_ms": 200,
    "read_mix_25_errors": 0,
    "edit_mix_25_requests_per_s": 150,
    "edit_mix_25_p95_ms": 300,
    "edit_mix_25_edit_p95_ms": 500,
    "edit_mix_25_errors": 0,
    "search_p95_ms": 20,
    "search_vs_fts5_exact_ratio": 1.0,
    "worker_peak_mb": 300,
    "rebuild_peak_mb": 800,
    "reindex_docs_per_s": 1000,
    "submit_p95_ms": 100,
    "system_page_p95_ms": 50,
    "compare_p95_ms": 50,
    "hostile_max_ms": 1000,
    "healthz_p95_ms": 50,
}
AT_LEAST = {"reindex_docs_per_s", "read_mix_25_requests_per_s", "edit_mix_25_requests_per_s"}


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
        "p99_ms": round(percentile(samples, 99), 2),
        "max_ms": round(max(samples), 2) if samples else None,
        "mean_ms": round(statistics.fmean(samples), 2) if samples else None,
    }


def peak_mb() -> float:
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


def _load_run(http: dict, share: float, users: int) -> dict | None:
    return next((run for run in http.get("load", [])
                 if run["edit_share"] == share and run["users"] == users), None)


def check_targets(result: dict) -> dict:
    requests, http = result["requests"], result["http"]
    single = http["single_client"]
    ratio = single["search"]["p95_ms"] / max(result["fts5"]["exact"]["p95_ms"], 0.001)
    result["search_vs_fts5_exact_ratio"] = round(ratio, 2)
    read, mixed = _load_run(http, 0.0, 25), _load_run(http, 0.02, 25)
    figures = {
        "first_search_ms": http["cold"]["search"]["ms"],
        "first_system_page_ms": http["cold"]["system_page"]["ms"],
        "read_mix_25_requests_per_s": read["requests_per_s"] if read else None,
        "read_mix_25_p95_ms": read["all"]["p95_ms"] if read else None,
        "read_mix_25_errors": read["errors"] if read else None,
        "edit_mix_25_requests_per_s": mixed["requests_per_s"] if mixed else None,
        "edit_mix_25_p95_ms": mixed["all"]["p95_ms"] if mixed else None,
        "edit_mix_25_edit_p95_ms": mixed["by_kind"]["edit"]["p95_ms"] if mixed else None,
        "edit_mix_25_errors": mixed["errors"] if mixed else None,
        "search_p95_ms": single["search"]["p95_ms"],
        "search_vs_fts5_exact_ratio": round(ratio, 2),
        "worker_peak_mb": max(w["peak_mb"] or 0 for w in http["memory"]["workers"]),
        "rebuild_peak_mb": max(result["rebuild"]["peak_mb"], result["rebuild"]["worker_peak_mb"]),
        "reindex_docs_per_s": result["build"]["reindex_docs_per_s"],
        "submit_p95_ms": single["submit"]["p95_ms"],
        "system_page_p95_ms": single["system_page"]["p95_ms"],
        "compare_p95_ms": single["compare"]["p95_ms"],
        "hostile_max_ms": requests["hostile"][0]["ms"],
        "healthz_p95_ms": requests["healthz"]["p95_ms"],
    }
    checked = {}
    for name, target in TARGETS.items():
        value = figures[name]
        met = value is not None and (value >= target if name in AT_LEAST else value <= target)
        checked[name] = {"value": value, "target": target, "met": met}
    return checked


def _row(label: str, s: dict) -> str:
    return (f"{label:<36}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s.get('p99_ms', 0):>9.1f}"
            f"{s['max_ms'] or 0:>10.1f}{s['n']:>7}")


def table(result: dict) -> str:
    m, b, r, f = result["machine"], result["build"], result["requests"], result["fts5"]
    http, rebuild = result["http"], result["rebuild"]
    header = f"{'measure':<36}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>10}{'n':>7}"
    lines = [
        f"kb bench: {swedish.thousands(result['experiences'], space=' ')} experiences",
        f"machine: {m['cpus']} CPUs, {m['cpu_model']}, {m['memory_gb']} GB, "
        f"Python {m['python']}, SQLite {m['sqlite']}; load average at start "
        f"{m['load_average_at_start'][0]}, at end {m['load_average_at_end'][0]}",
        "",
        "Over HTTP, gunicorn -c gunicorn.conf.py (2 workers), one client at a time:",
        header,
    ]
    for label, key in (("search", "search"), ("system page", "system_page"),
                       ("compare", "compare"), ("experience page", "experience_page"),
                       ("submit (POST + index update)", "submit"),
                       ("edit form (GET)", "edit_form"), ("edit (POST + index update)", "edit")):
        lines.append(_row(label, http["single_client"][key]))
    lines += ["", "Search engines over the same rows and queries (in process):", header,
              _row("kb search, full request (test client)", r["search"]),
              _row("SQLite FTS5, exact words", f["exact"]),
              _row("SQLite FTS5, prefixes", f["prefix"])]
    if "postgresql_fts" in result:
        lines.append(_row("PostgreSQL FTS (swedish)", result["postgresql_fts"]))
    lines += ["", "Concurrent clients (locust, closed loop, loopback; the clients share "
              "the 2 cores):",
              f"{'mix':<22}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
              f"{'errors':>8}"]
    for run in http["load"]:
        mix = "read" if not run["edit_share"] else f"read + {run['edit_share']:.0%} edits"
        a = run["all"]
        lines.append(f"{mix:<22}{run['users']:>8}{run['requests_per_s']:>9.1f}"
                     f"{a['p50_ms']:>9.1f}{a['p95_ms']:>9.1f}{a['p99_ms']:>9.1f}"
                     f"{run['errors']:>8}")
        for kind, label in (("search", "  searches"), ("edit_form", "  edit forms"),
                            ("edit", "  edits")):
            k = run["by_kind"].get(kind)
            if run["edit_share"] and k and k["n"]:
                lines.append(f"{label:<22}{'':>8}{k['n'] / run['seconds']:>9.1f}"
                             f"{k['p50_ms']:>9.1f}{k['p95_ms']:>9.1f}{k['p99_ms']:>9.1f}"
                             f"{k['errors']:>8}")
    cold, unwarmed = http["cold"], http["cold_unwarmed"]
    workers = http["memory"]["workers"]
    lines += [
        "",
        f"cold start with the warm-up: listening after {cold['listening_s']} s "
        f"(warm-up {', '.join(f'{k} {v} s' for k, v in cold['warmup_s'].items())}); "
        f"first search {cold['search']['ms']} ms, first system page "
        f"{cold['system_page']['ms']} ms",
        f"cold start without it: listening after {unwarmed['listening_s']} s; first search "
        f"{unwarmed['search']['ms']} ms, first system page {unwarmed['system_page']['ms']} ms",
        "workers after the load: " + "; ".join(
            f"peak {w['peak_mb']} MB, now {w['rss_mb']} MB resident, {w['pss_mb']} MB "
            "proportional" for w in workers),
        f"seed: {b['seed_s']} s; reindex: {b['reindex_s']} s, {b['reindex_docs_per_s']} "
        f"documents/s (peak memory {rebuild['peak_mb']} MB, its forked worker "
        f"{rebuild['worker_peak_mb']} MB); FTS5 build: {f['build_s']} s",
        f"in-process worker (test client, no warm-up): first use of each search "
        f"p95 {r['search_first_use']['p95_ms']} ms, peak memory {r['worker_peak_mb']} MB",
        f"slowest hostile query: {r['hostile'][0]['ms']} ms ({r['hostile'][0]['query']!r}, "
        f"{r['hostile'][0]['chars']} chars)",
        *(f"hostile query answered {h['status']}: {h['query']!r}" for h in r["hostile_errors"]),
        "",
        f"{'target':<30}{'value':>12}{'target':>10}  met",
    ]
    for name, t in result["targets"].items():
        met = "yes" if t["met"] else "NO"
        lines.append(f"{name:<30}{t['value']!s:>12}{t['target']:>10}  {met}")
    return "\n".join(lines)

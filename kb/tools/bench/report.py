"""The benchmark's figures: percentiles, memory, the targets and the table."""

from __future__ import annotations

import resource
import statistics

# What each figure should reach (reindex_docs_per_s at least, the others at most).
TARGETS = {
    "search_p95_ms": 100,
    "search_vs_fts5_ratio": 3.0,
    "reindex_docs_per_s": 1000,
    "submit_p95_ms": 100,
    "system_page_p95_ms": 50,
    "compare_p95_ms": 50,
    "worker_peak_mb": 400,
    "hostile_max_ms": 1000,
    "healthz_p95_ms": 50,
}


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
        "healthz_p95_ms": requests["healthz"]["p95_ms"],
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
                       ("  after its response (merges)", "submit_after_response"),
                       ("/healthz (counts cached 5 s)", "healthz"),
                       ("/healthz, counting every poll", "healthz_counting")):
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


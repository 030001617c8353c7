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
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import click

from kb.tools.bench.fts5 import fts5_baseline
from kb.tools.bench.instance import build
from kb.tools.bench.report import check_targets, peak_mb


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


def run(count: int, rounds: int, submits: int, echo=click.echo, keep: bool = False) -> dict:
    """Every phase on a fresh throw-away instance; the figures and how they meet the
    targets (report.TARGETS), for report.table or --json."""
    workdir = tempfile.mkdtemp(prefix="kb-bench-")
    try:
        result: dict = {"machine": machine(), "experiences": count}
        result["machine"]["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
        result["build"] = build(workdir, count, echo)
        result["build"]["peak_mb"] = peak_mb()  # seeding and reindexing, this process
        echo("Running the request mix in a worker process ...")
        child = subprocess.run(
            [sys.executable, "-m", "kb.tools.bench", "--measure", workdir, str(rounds),
             str(submits)],
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


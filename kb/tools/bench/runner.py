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


def _child(args: list[str], what: str) -> dict:
    """Run `python -m kb.tools.bench ARGS` and read its last line of JSON."""
    child = subprocess.run([sys.executable, "-m", "kb.tools.bench", *args],
                           capture_output=True, text=True, check=False)
    if child.returncode != 0:
        raise click.ClickException(f"{what} failed:\n" + child.stderr[-4000:])
    return json.loads(child.stdout.strip().splitlines()[-1])


# Members the submitting clients log in as: the in-process worker's first, then the
# single HTTP client's, then one per concurrent client of each run with submissions.
SINGLE_CLIENT_MEMBER = 20
LOAD_MEMBERS_FROM = 30
# The load runs: the read mix, then the mix where 2 % of the turns are a member's edit.
EDIT_SHARES = (0.0, 0.02)


def run(count: int, rounds: int, submits: int, echo=click.echo, keep: bool = False,
        pg_url: str | None = None, clients: tuple[int, ...] = (25,),
        load_seconds: float = 20.0, ramp_seconds: float = 3.0) -> dict:
    """Every phase on a fresh throw-away instance; the figures and how they meet the
    targets (report.TARGETS), for report.table or --json."""
    workdir = tempfile.mkdtemp(prefix="kb-bench-")
    try:
        result: dict = {"machine": machine(), "experiences": count}
        result["machine"]["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
        echo("Load average before the run: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        result["build"] = build(workdir, count, echo,
                                members=LOAD_MEMBERS_FROM + sum(clients) + 1)
        result["build"]["peak_mb"] = peak_mb()  # seeding, this process
        echo("Rebuilding the index (kb reindex) in a process of its own ...")
        result["rebuild"] = _child(["--rebuild", workdir], "The rebuild")
        result["build"].update({key: result["rebuild"][key] for key in
                                ("reindex_s", "reindex_documents", "reindex_docs_per_s")})
        echo("Running the request mix in a worker process (in-process client) ...")
        result["requests"] = _child(["--measure", workdir, str(rounds), str(submits)],
                                    "The worker process")
        echo("Running the FTS5 baselines ...")
        result["fts5"] = fts5_baseline(workdir, rounds)
        if pg_url:
            from kb.tools.bench.pgfts import pg_baseline

            echo("Running the PostgreSQL full-text baseline ...")
            result["postgresql_fts"] = pg_baseline(workdir, pg_url, rounds)
        result["http"] = _over_http(workdir, echo, clients, load_seconds, ramp_seconds)
        result["targets"] = check_targets(result)
        # Other work on the machine inflates every figure: keep the load beside them.
        result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        echo("Load average after the run: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        return result
    finally:
        if keep:
            echo(f"Kept the instance in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _over_http(workdir: str, echo, clients, load_seconds: float, ramp_seconds: float) -> dict:
    """gunicorn with gunicorn.conf.py (two workers): a cold start without and with the
    warm-up, one client at a time, then the mixes at each concurrency."""
    from kb.tools.bench import clients as http
    from kb.tools.bench.server import Server

    urls = http.targets(workdir)
    out: dict = {}
    echo("Over HTTP: a cold start without the warm-up ...")
    server = Server(workdir, warm=False)
    try:
        out["cold_unwarmed"] = {"listening_s": server.started_s,
                                **http.first_requests(server.base, urls["cold"])}
    finally:
        server.stop()
    echo("Over HTTP: a cold start with the warm-up, then the clients ...")
    server = Server(workdir, warm=True)
    try:
        out["cold"] = {"listening_s": server.started_s, "warmup_s": server.warmup(),
                       **http.first_requests(server.base, urls["cold"])}
        out["memory_after_start"] = server.memory()
        out["single_client"] = http.single_client(
            server.base, urls, http.member_email(SINGLE_CLIENT_MEMBER), submits=20)
        out["load"] = []
        first_member = LOAD_MEMBERS_FROM
        for share in EDIT_SHARES:
            for users in clients:
                echo(f"  {users} clients, {share:.0%} edits, {load_seconds:g} s ...")
                spec = {"base": server.base, "users": users, "seconds": load_seconds,
                        "ramp_seconds": ramp_seconds, "edit_share": share, "urls": urls,
                        "first_member": first_member}
                if share:
                    first_member += users
                path = os.path.join(workdir, "load.json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(spec, f)
                logged = len(server.log())
                figures = _child(["--load", path], "The load clients")
                if figures["errors"]:  # what the server said meanwhile, to read beside them
                    figures["server_log"] = server.log()[logged:][-6000:]
                out["load"].append(figures)
        out["memory"] = server.memory()
    finally:
        server.stop()
    return out

"""`kb bench` works end to end on a tiny instance (its figures are not checked here:
they belong in docs/benchmarks.md, measured at full size)."""

import json

from click.testing import CliRunner

from kb.cli import bench_command


def test_the_benchmark_runs_every_phase_over_http():
    result = CliRunner().invoke(bench_command, [
        "--experiences", "300", "--rounds", "1", "--submits", "10", "--clients", "2,3",
        "--load-seconds", "2", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    http = figures["http"]
    # Every kind of request answered over HTTP, one client at a time and concurrently.
    assert http["single_client"]["errors"] == 0
    for kind in ("search", "system_page", "compare", "experience_page", "submit",
                 "edit_form", "edit"):
        assert http["single_client"][kind]["n"] > 0, kind
    assert [(run["edit_share"], run["users"]) for run in http["load"]] == [
        (0.0, 2), (0.0, 3), (0.02, 2), (0.02, 3)]
    for run in http["load"]:
        assert run["requests"] > 0 and run["errors"] == 0, (
            run["failures"], run.get("server_log"))
    # A fresh server with and without the warm-up answered its first requests.
    for start in (http["cold"], http["cold_unwarmed"]):
        assert start["search"]["status"] == 200 and start["system_page"]["status"] == 200
    assert set(http["cold"]["warmup_s"]) == {"templates", "figures", "pages", "searches"}
    assert len(http["memory"]["workers"]) == 2
    assert figures["rebuild"]["reindex_documents"] == 300
    assert {"exact", "prefix"} <= set(figures["fts5"])
    assert set(figures["targets"]) >= {"first_search_ms", "read_mix_25_requests_per_s",
                                       "worker_peak_mb", "rebuild_peak_mb"}

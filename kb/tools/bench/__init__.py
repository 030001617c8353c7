"""The benchmark behind `kb bench` (docs/benchmarks.md).

runner.run builds a throw-away instance (instance.py), runs the request mix of
workload.py in a child process (worker.py, started as `python -m kb.tools.bench
--measure ...`), the FTS5 baseline (fts5.py), and checks the figures against the
targets (report.py).
"""

from kb.tools.bench.report import table
from kb.tools.bench.runner import run

__all__ = ["run", "table"]

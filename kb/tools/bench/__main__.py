"""`python -m kb.tools.bench --measure WORKDIR ROUNDS SUBMITS`: the worker child process.

Without --measure, the same as `kb bench` with its options.
"""

import json
import sys


def main(argv: list[str]) -> None:
    if argv[:1] == ["--measure"]:
        from kb.tools.bench.worker import measure_requests

        workdir, rounds, submits = argv[1], int(argv[2]), int(argv[3])
        print(json.dumps(measure_requests(workdir, rounds, submits)))
    else:
        from kb.cli import bench_command

        bench_command(argv)


if __name__ == "__main__":
    main(sys.argv[1:])

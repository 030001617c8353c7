"""`python -m kb.tools.bench --measure WORKDIR ROUNDS SUBMITS`: the in-process worker;
`--rebuild WORKDIR`: the rebuild in a process of its own; `--load SPEC`: concurrent
clients (kb.tools.bench.load). Without these, the same as `kb bench` with its options.
"""

import json
import sys


def main(argv: list[str]) -> None:
    if argv[:1] == ["--measure"]:
        from kb.tools.bench.worker import measure_requests

        workdir, rounds, submits = argv[1], int(argv[2]), int(argv[3])
        print(json.dumps(measure_requests(workdir, rounds, submits)))
    elif argv[:1] == ["--rebuild"]:
        from kb.tools.bench.instance import rebuild

        print(json.dumps(rebuild(argv[1])))
    elif argv[:1] == ["--load"]:
        from kb.tools.bench.load import main as load

        load(argv[1])
    else:
        from kb.cli import bench_command

        bench_command(argv)


if __name__ == "__main__":
    main(sys.argv[1:])

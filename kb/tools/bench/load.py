"""Many concurrent clients with locust (`python -m kb.tools.bench --load SPEC`):
each client sends its next request as soon as the last one answered (a closed
loop, no think time), so the throughput is what the server sustains at that
concurrency. Run in a process of its own: locust patches the standard library
for gevent when imported.

SPEC is a JSON file: base, users, seconds, ramp_seconds, submit_share, urls
(clients.targets), first_member. Prints one line of JSON: requests per second,
errors and p50/p95/p99 per kind of request and in all.
"""

from __future__ import annotations

import json
import random


def run(spec: dict) -> dict:
    import gevent
    from locust import FastHttpUser, constant, task
    from locust.env import Environment

    from kb.tools.bench.clients import member_email
    from kb.tools.bench.report import summary
    from kb.tools.bench.workload import BENCH_PASSWORD, submission_form

    urls = spec["urls"]
    submit_share = float(spec["submit_share"])
    # The read mix: 62 % searches, 20 % system pages, 10 % comparisons, 8 % experiences.
    kinds = ["search", "system_page", "compare", "experience_page"]
    weights = [62, 20, 10, 8]
    if submit_share:
        kinds.append("submit")
        weights = [w * (1 - submit_share) for w in weights] + [100 * submit_share]
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    errors: dict[str, int] = {kind: 0 for kind in kinds}
    counter = iter(range(10**9))
    recording = {"on": False}

    class Visitor(FastHttpUser):
        host = spec["base"]
        wait_time = constant(0)

        def on_start(self):
            self.n = next(counter)
            self.rng = random.Random(self.n)
            self.submitted = 0
            if submit_share:
                self.client.post("/auth/login", name="login", allow_redirects=False,
                                 data={"email": member_email(spec["first_member"] + self.n),
                                       "password": BENCH_PASSWORD})

        @task
        def one(self):
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "submit":
                systems = urls["system_ids"]
                if self.submitted >= len(systems):
                    kind = "search"  # this member has written about every system
                else:
                    data = submission_form(systems[self.submitted], 100_000 * (self.n + 1)
                                           + self.submitted)
                    self.submitted += 1
                    self._timed(kind, "POST", "/experiences/new", data=data, expect=302)
                    return
            self._timed(kind, "GET", self.rng.choice(urls[kind]))

        def _timed(self, kind, method, path, data=None, expect=200):
            with self.client.request(method, path, name=kind, data=data, allow_redirects=False,
                                     catch_response=True) as response:
                ok = response.status_code == expect
                if not ok:
                    response.failure(f"{response.status_code}")
                else:
                    response.success()
                if recording["on"]:
                    samples[kind].append(response.request_meta["response_time"])
                    errors[kind] += not ok

    env = Environment(user_classes=[Visitor])
    runner = env.create_local_runner()
    users = int(spec["users"])
    runner.start(users, spawn_rate=users)
    gevent.sleep(float(spec["ramp_seconds"]))
    recording["on"] = True
    gevent.sleep(float(spec["seconds"]))
    recording["on"] = False
    runner.quit()
    seconds = float(spec["seconds"])
    every = [ms for kind in kinds for ms in samples[kind]]
    return {
        "users": users,
        "seconds": seconds,
        "requests": len(every),
        "requests_per_s": round(len(every) / seconds, 1),
        "errors": sum(errors.values()),
        "all": summary(every),
        "by_kind": {kind: {**summary(samples[kind]), "errors": errors[kind]} for kind in kinds},
    }


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    print(json.dumps(run(spec)))

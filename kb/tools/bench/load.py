"""Many concurrent clients with locust (`python -m kb.tools.bench --load SPEC`):
each client sends its next request as soon as the last one answered (a closed
loop, no think time), so the throughput is what the server sustains at that
concurrency. Run in a process of its own: locust patches the standard library
for gevent when imported.

SPEC is a JSON file: base, users, seconds, ramp_seconds, edit_share, urls
(clients.targets), first_member. With an edit share, each client logs in as a
member of its own through the login form and writes one experience through the
experience form before the timing starts (both with their CSRF tokens); an edit
is then the experience's edit form (GET, "edit_form") and the form sent back
with a changed text (POST, "edit", 302 when saved), as a browser sends it.
Prints one line of JSON: requests per second, errors and p50/p95/p99 per kind
of request and in all.
"""

from __future__ import annotations

import json
import random
from urllib.parse import urlencode

# How long the clients may take to log in and write their experiences.
SETUP_SECONDS = 120.0


def run(spec: dict) -> dict:
    import gevent
    from locust import FastHttpUser, constant, task
    from locust.env import Environment

    from kb.tools.bench.clients import (
        changed,
        edited_text,
        experience_id_of,
        form_fields,
        member_email,
    )
    from kb.tools.bench.report import summary
    from kb.tools.bench.workload import BENCH_PASSWORD, submission_form

    urls = spec["urls"]
    edit_share = float(spec["edit_share"])
    # The read mix: 62 % searches, 20 % system pages, 10 % comparisons, 8 % experiences.
    kinds = ["search", "system_page", "compare", "experience_page"]
    weights = [62, 20, 10, 8]
    if edit_share:
        # A share of the clients' turns is an edit: its form, then the changed text.
        kinds.append("edit")
        weights = [w * (1 - edit_share) for w in weights] + [100 * edit_share]
    recorded = [*kinds, "edit_form"] if edit_share else kinds
    samples: dict[str, list[float]] = {kind: [] for kind in recorded}
    errors: dict[str, int] = {kind: 0 for kind in recorded}
    # What each failure was ("edit 200": the form came back instead of the redirect;
    # status 0: no answer), so a failed run says what to look for in the server's log.
    failures: dict[str, int] = {}
    counter = iter(range(10**9))
    recording = {"on": False}
    ready = {"users": 0, "failed": 0}

    class Visitor(FastHttpUser):
        host = spec["base"]
        wait_time = constant(0)

        def on_start(self):
            self.n = next(counter)
            self.rng = random.Random(self.n)
            self.edits = 0
            if edit_share:
                try:
                    self._log_in_and_write()
                except Exception as error:
                    ready["failed"] += 1
                    what = f"setup: {error}"[:300]
                    failures[what] = failures.get(what, 0) + 1
                    raise
            ready["users"] += 1

        def _log_in_and_write(self):
            """Log in through the login form and write one experience through the
            experience form (each with its CSRF token): the one this member edits."""
            page = self.client.get("/auth/login", name="login form").text
            fields = dict(form_fields(page))
            fields.update({"email": member_email(spec["first_member"] + self.n),
                           "password": BENCH_PASSWORD})
            self.client.post("/auth/login", name="login", data=fields, allow_redirects=False)
            system_id = urls["system_ids"][self.n % len(urls["system_ids"])]
            page = self.client.get(f"/experiences/new?system={system_id}", name="new form").text
            data = {**submission_form(system_id, 100_000 * (self.n + 1)),
                    "csrf_token": dict(form_fields(page))["csrf_token"]}
            response = self.client.post("/experiences/new", name="new", data=data,
                                        allow_redirects=False)
            self.experience_id = experience_id_of(response.headers.get("Location", ""))

        @task
        def one(self):
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "edit":
                self._edit()
                return
            self._timed(kind, "GET", self.rng.choice(urls[kind]))

        def _edit(self):
            path = f"/experiences/{self.experience_id}/edit"
            page = self._timed("edit_form", "GET", path)
            if page is None:
                return
            self.edits += 1
            try:
                fields = changed(form_fields(page, having="body"), "body",
                                 edited_text(1000 * self.n + self.edits))
            except RuntimeError:  # not the form: counted, not sent
                if recording["on"]:
                    errors["edit"] += 1
                    failures["edit_form without the form"] = (
                        failures.get("edit_form without the form", 0) + 1)
                return
            self._timed("edit", "POST", path, data=fields, expect=302)

        def _timed(self, kind, method, path, data=None, expect=200):
            """The request, timed under `kind` while recording; its page when it
            answered as expected, else None."""
            headers = None
            if data is not None:  # a form as browsers send it (pairs: repeated names kept)
                data = urlencode(data)
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
            with self.client.request(method, path, name=kind, data=data, headers=headers,
                                     allow_redirects=False, catch_response=True) as response:
                ok = response.status_code == expect
                if not ok:
                    response.failure(f"{response.status_code}")
                else:
                    response.success()
                if recording["on"]:
                    samples[kind].append(response.request_meta["response_time"])
                    errors[kind] += not ok
                    if not ok:
                        what = f"{kind} {response.status_code}"
                        failures[what] = failures.get(what, 0) + 1
                return response.text if ok else None

    env = Environment(user_classes=[Visitor])
    runner = env.create_local_runner()
    users = int(spec["users"])
    runner.start(users, spawn_rate=users)
    # Timing starts once every client has logged in and written its experience
    # (those writes are not part of the mix), then after the ramp.
    waited = 0.0
    while ready["users"] + ready["failed"] < users and waited < SETUP_SECONDS:
        gevent.sleep(0.1)
        waited += 0.1
    gevent.sleep(float(spec["ramp_seconds"]))
    recording["on"] = True
    gevent.sleep(float(spec["seconds"]))
    recording["on"] = False
    runner.quit()
    seconds = float(spec["seconds"])
    every = [ms for kind in recorded for ms in samples[kind]]
    return {
        "users": users,
        "seconds": seconds,
        "edit_share": edit_share,
        "requests": len(every),
        "requests_per_s": round(len(every) / seconds, 1),
        "errors": sum(errors.values()) + ready["failed"],
        "setup_failures": ready["failed"],
        "failures": failures,
        "all": summary(every),
        "by_kind": {kind: {**summary(samples[kind]), "errors": errors[kind]}
                    for kind in recorded},
    }


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    print(json.dumps(run(spec)))

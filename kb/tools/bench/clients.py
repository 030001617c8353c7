"""Requests over HTTP: what each kind of request asks for, one client at a time,
and the first requests of a freshly started server."""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlencode

from kb.core.vocab import ModerationState
from kb.tools.bench.report import summary
from kb.tools.bench.workload import BENCH_EMAIL, BENCH_PASSWORD, FILTERED, QUERIES

TIMEOUT = 60
# Filters of the system pages and comparisons asked for.
PROFILE_FILTERS = [{}, {"sector": "kommun"}, {"size": "1000-4999"}, {"role": "lonechef"},
                   {"sector": "privat", "size": "50-249"}]
# A word of the demo texts that the warm-up's most frequent words do not include:
# the first search of a fresh worker with a word it has not decoded yet.
COLD_QUERY = "retroaktiv lönebesked"


def member_email(k: int) -> str:
    return BENCH_EMAIL if k == 0 else BENCH_EMAIL.replace("@", f"+{k}@")


def targets(workdir: str, seed: int = 1) -> dict:
    """What the clients ask for, from the throw-away database: URLs per kind of
    request and the systems' ids (for submissions)."""
    connection = sqlite3.connect(os.path.join(workdir, "kb.sqlite3"))
    try:
        systems = connection.execute(
            "SELECT id, slug FROM payroll_system WHERE status = 'active' ORDER BY id").fetchall()
        experience_ids = [row[0] for row in connection.execute(
            "SELECT id FROM experience WHERE visibility = 'public' "
            "AND moderation_state = ? ORDER BY id", (ModerationState.PUBLISHED.value,))]
    finally:
        connection.close()
    rng = random.Random(seed)
    slugs = [slug for _id, slug in systems]
    chosen = sorted(rng.sample(experience_ids, min(200, len(experience_ids))))
    return {
        "search": ["/search?" + urlencode({"q": q}) for q in QUERIES]
        + ["/search?" + urlencode(args) for args in FILTERED],
        "system_page": [f"/systems/{slug}" + ("?" + urlencode(args) if args else "")
                        for args in PROFILE_FILTERS for slug in slugs],
        "compare": ["/compare?" + urlencode([("s", s) for s in slugs[i:i + n]] + list(args.items()))
                    for args in PROFILE_FILTERS for n in (2, 3, 4)
                    for i in range(0, max(1, len(slugs) - n), 4)],
        "experience_page": [f"/experiences/{i}" for i in chosen],
        "system_ids": [system_id for system_id, _slug in systems],
        "cold": {"search": "/search?" + urlencode({"q": COLD_QUERY}),
                 "system_page": f"/systems/{slugs[len(slugs) // 2]}?sector=region"},
    }


class _Forms(HTMLParser):
    """The forms of a page as a browser would send them: each form's action and its
    fields' current values (text and hidden inputs, checked boxes and radios, the
    selected option of each select, textareas); buttons are left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), []))
            return
        if not self.forms or "disabled" in a:
            return
        fields = self.forms[-1][1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a and not self._selected:
                fields.append((self._select, value))
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            if not self._selected and self._first_option is not None and self.forms:
                self.forms[-1][1].append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1][1].append((self._textarea, "".join(self._text)))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_fields(page: str, having: str = "csrf_token") -> list[tuple[str, str]]:
    """The fields of the first form on the page that has a field `having`, as a
    browser would send it unchanged."""
    parser = _Forms()
    parser.feed(page)
    for _action, fields in parser.forms:
        if any(name == having for name, _value in fields):
            return fields
    raise RuntimeError(f"no form with a field {having!r} on the page")


def changed(fields: list[tuple[str, str]], name: str, text: str) -> list[tuple[str, str]]:
    """The fields with `name` set to `text` (the edit a member makes)."""
    return [(key, text if key == name else value) for key, value in fields]


def edited_text(n: int) -> str:
    """A new text for edit n: the same kind of words, a marker of its own."""
    return (f"Vi betalar ut lön till 2 400 anställda. Ändrad {n}: lönekörningen går "
            "snabbare sedan uppdateringen och semesterberäkningen stämmer nu.")


_EXPERIENCE = re.compile(r"/experiences/(\d+)")


def experience_id_of(location: str) -> int:
    """The id in the address a saved form redirects to (/experiences/<id>)."""
    match = _EXPERIENCE.search(location or "")
    if match is None:
        raise RuntimeError(f"not an experience's address: {location!r}")
    return int(match.group(1))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser-like client over HTTP: its own cookies, redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, path: str, data=None) -> tuple[float, int]:
        """(milliseconds to the whole response, status)."""
        ms, status, _page, _location = self.fetch(path, data)
        return ms, status

    def fetch(self, path: str, data=None) -> tuple[float, int, str, str]:
        """(milliseconds to the whole response, status, the page, the redirect's
        address); `data` (a dict or pairs) is POSTed as a form."""
        body = urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, body, timeout=TIMEOUT) as response:
                page = response.read()
                status, location = response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            page = error.read()
            status, location = error.code, error.headers.get("Location", "")
        ms = (time.perf_counter() - started) * 1000
        return ms, status, page.decode("utf-8", "replace"), location

    def login(self, email: str) -> None:
        """The login form, as a browser sends it (its CSRF token included)."""
        _ms, _status, page, _location = self.fetch("/auth/login")
        fields = dict(form_fields(page))
        fields.update({"email": email, "password": BENCH_PASSWORD})
        _ms, status, _page, _location = self.fetch("/auth/login", fields)
        if status != 302:
            raise RuntimeError(f"bench login as {email} answered {status}")

    def submit(self, form: dict) -> tuple[float, int, str]:
        """A new experience through the form (its CSRF token from the form page):
        (milliseconds of the POST, status, the address it redirects to)."""
        _ms, _status, page, _location = self.fetch(f"/experiences/new?system={form['system_id']}")
        data = {**form, "csrf_token": dict(form_fields(page))["csrf_token"]}
        ms, status, _page, location = self.fetch("/experiences/new", data)
        return ms, status, location

    def edit(self, experience_id: int, n: int) -> tuple[float, float, int]:
        """A member's edit: the experience's edit form (GET), then the same form with
        a changed text (POST), as a browser sends it. (ms of the GET, ms of the POST,
        the POST's status: 302 when saved)."""
        path = f"/experiences/{experience_id}/edit"
        form_ms, status, page, _location = self.fetch(path)
        if status != 200:
            return form_ms, 0.0, status
        fields = changed(form_fields(page, having="body"), "body", edited_text(n))
        save_ms, status, _page, _location = self.fetch(path, fields)
        return form_ms, save_ms, status


def first_requests(base: str, cold: dict) -> dict:
    """The first search and the first system page a freshly started server answers
    (each likely in another worker: both are fresh)."""
    client = Client(base)
    out = {}
    for kind in ("search", "system_page"):
        ms, status = client.request(cold[kind])
        out[kind] = {"ms": round(ms, 1), "status": status}
    return out


def single_client(base: str, urls: dict, member: str, submits: int, rounds: int = 2) -> dict:
    """Each kind of request, one client, one request at a time."""
    from kb.tools.bench.workload import submission_form

    client = Client(base)
    results: dict = {}
    errors = 0
    for kind in ("search", "system_page", "compare", "experience_page"):
        samples = []
        for _ in range(rounds if kind == "search" else 1):
            for url in urls[kind]:
                ms, status = client.request(url)
                errors += status != 200
                samples.append(ms)
        results[kind] = summary(samples)
    client.login(member)
    systems = urls["system_ids"]
    samples, written = [], []
    for n in range(min(submits, len(systems))):
        ms, status, location = client.submit(submission_form(systems[n], 50_000 + n))
        errors += status != 302
        samples.append(ms)
        if status == 302:
            written.append(experience_id_of(location))
    results["submit"] = summary(samples)
    forms, saves = [], []
    for n, experience_id in enumerate(written * 2):
        form_ms, save_ms, status = client.edit(experience_id, n)
        errors += status != 302
        forms.append(form_ms)
        saves.append(save_ms)
    results["edit_form"] = summary(forms)
    results["edit"] = summary(saves)
    results["errors"] = errors
    return results

"""The one HTTP client for tests that talk to kb on a real port (gunicorn, or werkzeug
in a thread): a browser without JavaScript – cookies, CSRF tokens from the pages, no
automatic redirects. Network errors (a refused connection, an answer cut off) are
raised as they come, for the tests that count them."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

from kb.core import vocab
from tests.support.apps import PASSWORD

TIMEOUT = 15
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class RefusedError(Exception):
    """kb answered a form with something other than the redirect that acknowledges it."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class HttpClient:
    """One browser at `base` (http://127.0.0.1:port). `at(other)` is the same browser –
    the same cookies – at another server, as two servers behind one host name."""

    def __init__(self, base: str, timeout: float = TIMEOUT):
        self.base = base
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def at(self, server) -> HttpClient:
        """This browser (its cookies) at another base URL, or at a server with `.base`."""
        other = object.__new__(HttpClient)
        other.__dict__.update(self.__dict__)
        other.base = getattr(server, "base", server)
        return other

    def request(self, path: str, data: dict | str | None = None,
                headers: dict | None = None) -> tuple[int, str, dict]:
        """GET, or POST `data` (a form as a dict, or a body as text): the status, the
        body as text and the headers."""
        if isinstance(data, dict):
            body = urllib.parse.urlencode(data).encode()
        else:
            body = data.encode() if data is not None else None
        request = urllib.request.Request(self.base + path, body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def json(self, path: str) -> tuple[int, dict]:
        status, body, _headers = self.request(path)
        return status, json.loads(body or "{}")

    def csrf(self, path: str) -> str:
        """The CSRF token of the form on the page at `path`."""
        status, page, _headers = self.request(path)
        assert status == 200, f"GET {path}: {status}"
        return CSRF.search(page).group(1)

    def post_form(self, path: str, data: dict, form_page: str | None = None,
                  headers: dict | None = None):
        """POST a form with the CSRF token of its page (`path`, or `form_page`)."""
        token = self.csrf(form_page or path)
        return self.request(path, {**data, "csrf_token": token}, headers=headers)

    def login(self, email: str, password: str = PASSWORD) -> int:
        """Log in through the form; the status (302: logged in)."""
        return self.post_form("/auth/login", {"email": email, "password": password})[0]

    def logout(self) -> int:
        return self.post_form("/auth/logout", {}, form_page="/")[0]

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.cookies if c.name == name)

    def with_cookie(self, name: str, value: str) -> HttpClient:
        """Another browser that sends only this saved cookie."""
        other = HttpClient(self.base, self.timeout)
        other.cookies.set_cookie(http.cookiejar.Cookie(
            0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None,
            False, None, None, {}))
        return other

    def opens_account(self) -> bool:
        """Whether /account opens (logged in) rather than sending to the login page."""
        status, _page, headers = self.request("/account")
        if status == 302:
            assert "/auth/login" in headers["Location"]
            return False
        assert status == 200, status
        return True

    def submit(self, system_id: int, word: str) -> int:
        """Submit an experience with `word` in its title and text; the id of the
        experience kb acknowledged (by redirecting to it), or RefusedError."""
        token = self.csrf("/experiences/new")
        status, page, headers = self.request("/experiences/new", {
            "csrf_token": token, "system_id": str(system_id), "sector": "kommun",
            "size_band": "1000-4999", "reviewer_role": "lonechef", "usage_status": "current",
            "satisfaction": "4", "visibility": "public",
            "title": f"Stabil lönekörning med {word}",
            "pros": f"Semesterberäkningen och {word} fungerar.",
            # The checklist's "don't know", checked by default in a browser.
            **{f"cap_{key}": "unknown" for key in vocab.CAPABILITIES},
        })
        match = re.search(r"/experiences/(\d+)", headers.get("Location", ""))
        if status == 302 and match:
            return int(match.group(1))
        errors = re.findall(r'class="field-error"[^>]*>([^<]+)', page)
        raise RefusedError(f"submission answered {status}: {errors[:3]}")

    def search(self, q: str) -> tuple[int, str]:
        status, page, _headers = self.request("/search?" + urllib.parse.urlencode({"q": q}))
        return status, page

    def finds(self, word: str, experience_id: int) -> bool:
        """Whether /search for `word` links to the experience."""
        status, page = self.search(word)
        return status == 200 and f'href="/experiences/{experience_id}"' in page

    def total(self, word: str) -> int:
        """How many experiences the API finds for `word`."""
        status, body, _headers = self.request(
            "/api/v1/experiences?" + urllib.parse.urlencode({"q": word}))
        assert status == 200, body
        return json.loads(body)["total"]

"""Test helpers for mail over real SMTP and kb over real HTTP, both on loopback.

`SmtpServer` is aiosmtpd on a free port, keeping what it receives; `LiveKb` serves an
app with werkzeug in a thread, its timed jobs on; `Browser` is an HTTP client with
cookies and no automatic redirects.
"""

from __future__ import annotations

import email
import http.cookiejar
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email import policy as email_policy

from aiosmtpd.controller import Controller
from werkzeug.serving import make_server

from kb import background

REQUEST_TIMEOUT = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return condition()


class SmtpServer:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email_policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted"

    def start(self) -> SmtpServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]

    def wait_for_mail(self, address: str, count: int = 1, seconds: float = 15):
        found = wait_for(lambda: len(self.to(address)) >= count and self.to(address), seconds)
        assert found and len(found) >= count, f"no mail to {address} arrived"
        return found


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_path(message, path: str) -> str:
    match = re.search(r"https?://[^\s/]+(" + re.escape(path) + r"[^\s>]*)", text_of(message))
    assert match, f"no link to {path} in the mail"
    return match.group(1)


class LiveKb:
    """An app served on 127.0.0.1 in a thread (threaded werkzeug), jobs running."""

    def __init__(self, app, port: int):
        self.app = app
        self.url = f"http://127.0.0.1:{port}"
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveKb:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        # The jobs finish what they do before the app's connections are closed.
        background.ticker(self.app).stop(wait=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, CSRF tokens from pages, no automatic redirects."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect())

    def request(self, path: str, data: dict | str | None = None,
                headers: dict | None = None) -> tuple[int, str, dict]:
        if isinstance(data, dict):
            body = urllib.parse.urlencode(data).encode()
        else:
            body = data.encode() if data is not None else None
        request = urllib.request.Request(self.base + path, body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def csrf(self, path: str) -> str:
        status, page, _headers = self.request(path)
        assert status == 200, f"GET {path}: {status}"
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)

    def post_form(self, path: str, data: dict, form_page: str | None = None):
        token = self.csrf(form_page or path)
        return self.request(path, {**data, "csrf_token": token})

    def login(self, email_address: str, password: str) -> int:
        return self.post_form("/auth/login", {"email": email_address, "password": password})[0]

    def logout(self) -> int:
        return self.post_form("/auth/logout", {}, form_page="/")[0]

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.cookies if c.name == name)

    def with_cookie(self, name: str, value: str) -> Browser:
        """Another browser that sends only this saved cookie."""
        other = Browser(self.base)
        other.cookies.set_cookie(http.cookiejar.Cookie(
            0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None,
            False, None, None, {}))
        return other

    def opens_account(self) -> bool:
        status, _page, headers = self.request("/account")
        if status == 302:
            assert "/auth/login" in headers["Location"]
            return False
        assert status == 200, status
        return True

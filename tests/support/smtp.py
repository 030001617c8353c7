"""The one SMTP test server: aiosmtpd on a free loopback port, keeping every message
it accepts; and reading the messages."""

from __future__ import annotations

import email
import re
import threading
from email import policy as email_policy

from aiosmtpd.controller import Controller

from tests.support.servers import free_port, wait_for


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

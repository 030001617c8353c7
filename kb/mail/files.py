"""Mail without a mail server (`make run`): each message is written to the console and
to one .eml file in MAIL_DIR (instance/mail/), so a newcomer can follow its links.

A Flask-Mailman backend (MAIL_BACKEND = "kb.mail.files.EmailBackend"), chosen when
no MAIL_SERVER is configured.
"""

from __future__ import annotations

import os
import sys
import threading
from datetime import datetime

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    _lock = threading.Lock()

    def __init__(self, *args, directory: str | None = None, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = directory or current_app.config["MAIL_DIR"]
        self.stream = stream or sys.stderr

    def send_messages(self, email_messages) -> int:
        sent = 0
        os.makedirs(self.directory, exist_ok=True)
        for message in email_messages:
            path = self._write(message)
            self._show(message, path)
            sent += 1
        return sent

    def _write(self, message) -> str:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        with self._lock:
            for n in range(1000):
                path = os.path.join(self.directory, f"{stamp}-{n}.eml")
                try:
                    with open(path, "xb") as file:
                        file.write(message.message().as_bytes())
                    return path
                except FileExistsError:
                    continue
        raise OSError(f"No free file name for a mail in {self.directory}")

    def _show(self, message, path: str) -> None:
        rule = "-" * 72
        self.stream.write(
            f"{rule}\nMail to {', '.join(message.to)} (saved as {path})\n"
            f"Subject: {message.subject}\n\n{message.body}\n{rule}\n")
        self.stream.flush()

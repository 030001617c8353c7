"""Static files under fingerprinted names, cached by browsers for a year.

`url_for("static", filename="kb.css")` gives `/static/kb.<hash>.css`, the hash
taken from the file's content: a browser (and any proxy) may keep it for a year
without asking again, and a deploy that changes the file changes its name. The
plain name still works, cached briefly (old bookmarks, the favicon a browser asks
for by itself), and so does a fingerprint of an earlier version (a page cached
before a deploy): it gets today's file, cached briefly too.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading

from flask import Flask, send_from_directory
from werkzeug.security import safe_join

# A year: what browsers keep at most anyway.
FINGERPRINTED_MAX_AGE = 365 * 24 * 3600
# Plain or outdated names: a browser asks again after this long.
PLAIN_MAX_AGE = 3600
_FINGERPRINT = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[^./]+)$")


class Fingerprints:
    """The content hashes of one static folder, each computed at its first use (the
    files do not change while the process runs)."""

    def __init__(self, folder: str):
        self.folder = folder
        self._hashes: dict[str, str] = {}
        self._lock = threading.Lock()

    def hash_of(self, filename: str) -> str | None:
        found = self._hashes.get(filename)
        if found is not None:
            return found
        # Names come from requests too: only a file inside the folder is read, and only
        # the folder's own files are remembered (a name that is not one costs nothing).
        path = safe_join(self.folder, filename)
        if path is None or not os.path.isfile(path):
            return None
        with self._lock:
            try:
                with open(path, "rb") as f:
                    found = hashlib.sha256(f.read()).hexdigest()[:12]
            except OSError:  # gone since: its URL stays as it is
                return None
            self._hashes[filename] = found
        return found

    def name(self, filename: str) -> str:
        """`kb.css` -> `kb.<hash>.css`."""
        stem, dot, suffix = filename.rpartition(".")
        digest = self.hash_of(filename) if dot and "/" not in suffix else None
        if digest is None:  # no such file, or no suffix to keep: the name as it is
            return filename
        return f"{stem}.{digest}.{suffix}"

    def resolve(self, requested: str) -> tuple[str, bool]:
        """The file a requested name stands for, and whether the name carries its
        current fingerprint."""
        match = _FINGERPRINT.match(requested)
        if match is None:
            return requested, False
        filename = match.group("stem") + match.group("suffix")
        digest = self.hash_of(filename)
        if digest is None:
            return requested, False
        return filename, digest == match.group("hash")


def register(app: Flask) -> None:
    """Fingerprinted URLs for the app's static files, and the view that serves them."""
    if not app.static_folder or "static" not in app.view_functions:
        return
    fingerprints = Fingerprints(app.static_folder)

    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = fingerprints.name(values["filename"])

    def static(filename: str):
        real, current = fingerprints.resolve(filename)
        response = send_from_directory(
            app.static_folder, real, max_age=FINGERPRINTED_MAX_AGE if current else PLAIN_MAX_AGE)
        if current:
            response.cache_control.immutable = True
        if response.status_code == 200:
            # Read into memory (the files are small) so responses are compressed like
            # pages (Flask-Compress leaves a streamed file unclosed); the file is
            # closed with the response.
            response.direct_passthrough = False
            response.make_sequence()
        return response

    app.url_defaults(add_fingerprint)
    app.view_functions["static"] = static

"""The parts of a message: Swedish text and HTML from templates/mail/, and links.

Links are absolute and built on BASE_URL: a mail outlives the request that caused
it, and a link in it must never follow a Host header someone else sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, render_template


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str


def base_url() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def link(endpoint: str, _anchor: str | None = None, **values) -> str:
    """The absolute URL of a route, on the site's own address."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{_anchor}" if _anchor else url


def render(template: str, **context) -> Rendered:
    """templates/mail/<template>.txt and .html with the same context (the text part
    reads well on its own; the HTML part says the same with links as links)."""
    context.setdefault("site_url", base_url())
    text = render_template(f"mail/{template}.txt", **context)
    html = render_template(f"mail/{template}.html", **context)
    return Rendered(text=_tidy(text), html=html)


def _tidy(text: str) -> str:
    """At most one empty line in a row, none at the ends (templates leave some)."""
    lines, blank = [], False
    for line in text.strip().splitlines():
        line = line.rstrip()
        if not line:
            if not blank:
                lines.append("")
            blank = True
            continue
        lines.append(line)
        blank = False
    return "\n".join(lines) + "\n"

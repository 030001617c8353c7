"""URLs built once: `url_for` results kept per endpoint and arguments.

A search page builds some ninety URLs (each hit, each facet value, the pages) and
werkzeug's builder took about a tenth of the page's time. Inside a request the
URL depends only on the endpoint, its arguments and how the app is mounted (script
root, scheme and host, kept in the key), as long as every `url_defaults` function
is pure: kb's only one adds static files' fingerprints (kb.static_files).
Outside a request (links in mail) nothing is cached.

Absolute URLs – in mail, calendar files and feeds, invite links, a page's og:url –
are built on BASE_URL, never on the Host header of the request (`absolute_url`,
`page_url`): anyone can send any Host, and a link kb hands out must lead to kb.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, request
from flask.globals import request_ctx

from kb import mail
from kb.core.lru import LeastRecentlyUsed

CACHED_URLS = 20_000


def _frozen(values: dict) -> tuple | None:
    """The arguments as a key (None: something unhashable, not cached)."""
    items = []
    for name, value in values.items():
        if isinstance(value, list):
            value = tuple(value)
        items.append((name, type(value).__name__, value))
    items.sort(key=lambda item: item[0])
    key = tuple(items)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def absolute_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """The absolute URL of a route on the site's own address (BASE_URL)."""
    return mail.link(endpoint, _anchor=_anchor, **values)


def page_url() -> str:
    """The address of the page being shown, on the site's own address (BASE_URL)."""
    url = mail.base_url() + quote(request.path, safe="/%:@!$&'()*+,;=-._~")
    query = request.query_string.decode("latin-1")
    return f"{url}?{query}" if query else url


def register(app: Flask) -> None:
    build = app.url_for
    urls = LeastRecentlyUsed(entries=CACHED_URLS)

    def url_for(endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values) -> str:
        ctx = request_ctx._get_current_object() if request_ctx else None
        frozen = _frozen(values) if ctx is not None else None
        if frozen is None:
            return build(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                         _external=_external, **values)
        adapter = ctx.url_adapter
        key = (endpoint, request.blueprint if endpoint.startswith(".") else None,
               _anchor, _method, _scheme, _external,
               adapter.script_name if adapter else None,
               adapter.url_scheme if adapter else None,
               adapter.server_name if adapter else None, frozen)
        url = urls.get(key)
        if url is None:
            url = urls.put(key, build(endpoint, _anchor=_anchor, _method=_method,
                                      _scheme=_scheme, _external=_external, **values))
        return url

    app.url_for = url_for
    app.jinja_env.globals["url_for"] = url_for
    app.jinja_env.globals.update(absolute_url=absolute_url, page_url=page_url)

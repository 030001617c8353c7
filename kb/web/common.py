"""What every view shares: who is looking, where a redirect may go, the page asked for."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, request
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from kb.access import policy
from kb.access.policy import Audience
from kb.core import parsing
from kb.extensions import db
from kb.stats.filters import Filters, Scope


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number beyond kb.parsing.MAX_ID does not match (404),
    so no URL reaches the database with a number it cannot hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=parsing.MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def current_member():
    """The logged-in member (a User), or None for a visitor."""
    return current_user if current_user.is_authenticated else None


def audience() -> Audience:
    """Who is looking, for the audience policy (kb.policy); once per request."""
    if "kb_audience" not in g:
        g.kb_audience = policy.audience_of(current_member())
    return g.kb_audience


def safe_target(target: str | None) -> str | None:
    """A redirect target from user input, or None unless it is a path on this site:
    no scheme or host, not protocol-relative, no backslashes, no control characters
    (browsers drop tabs and newlines, so "/\\t/evil.example" would become "//evil.example")."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def posted_from_elsewhere() -> bool:
    """Whether the browser says this form was sent from another site's page (its Origin,
    or Referer without one; "null" when the page hid where it was). Browsers send Origin
    with every POST, so a forged form cannot pass for one of kb's own; a client that
    sends neither (a script, a test) is not a browser fooled into sending it."""
    sent_from = request.headers.get("Origin") or request.headers.get("Referer")
    if sent_from is None:
        return False
    return urlsplit(sent_from).netloc != request.host


def refuse(form, error, default: str) -> None:
    """A domain refusal (kb.errors.Invalid) shown next to its field, or `default` when
    it names none of the form's, after undoing what the request had written."""
    db.session.rollback()
    name = error.field if error.field and error.field in form else default
    form[name].errors.append(error.message)


def page_number() -> int:
    """The `page` query parameter (kb.parsing.page)."""
    return parsing.page(request.args.get("page"))


def figure_scope() -> Scope:
    """The figures' filters from the URL; a logged-in member with none given starts at
    their own organisation's sector and size (kb.stats.filters.Scope)."""
    member = current_member()
    own = Filters.of_organisation(member.organisation) if member is not None else None
    return Scope.from_args(request.args, own)

"""Throttled forms: POSTs limited per client address and per account, by settings.

    @bp.route("/login", methods=["GET", "POST"])
    @throttled(per_address="LOGIN_LIMIT_PER_ADDRESS", per_account="LOGIN_LIMIT_PER_ACCOUNT")
    def login(): ...

Each setting is a Flask-Limiter limit string ("5 per minute;20 per hour"), read at
every request. The account is the form's e-mail field, normalised as stored, so
"Lena@Region.se" and "lena@region.se" share their count. A form of its own (a
password reset) gets settings of its own and the same decorator. Counts are kept
where RATELIMIT_STORAGE_URI says (kb's database by default, kb.throttling); a
refused attempt answers 429 with Retry-After (kb.views.errors).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request

from kb.extensions import limiter
from kb.models import User


def _account_key(field: str) -> Callable[[], str]:
    def key() -> str:
        return "account:" + User.normalise_email(request.form.get(field, ""))

    return key


def throttled(per_address: str | None = None, per_account: str | None = None,
              account_field: str = "email"):
    """Limit a view's POSTs by the limit strings in the settings named."""

    def decorate(view):
        if per_account:
            view = limiter.limit(lambda: current_app.config[per_account], methods=["POST"],
                                 key_func=_account_key(account_field))(view)
        if per_address:
            view = limiter.limit(lambda: current_app.config[per_address], methods=["POST"])(view)
        return view

    return decorate

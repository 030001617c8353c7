"""Throttled forms: POSTs limited per client address and per account, by settings.

    @bp.route("/login", methods=["GET", "POST"])
    @throttled(per_address="LOGIN_LIMIT_PER_ADDRESS", per_account="LOGIN_LIMIT_PER_ACCOUNT")
    def login(): ...

Each setting is a Flask-Limiter limit string ("5 per minute;20 per hour"), read at
every request. The account is the form's e-mail field, normalised at least as the
login normalises it, so "Lena@Region.se" and "lena@region.se" share their count. A
form of its own (a password reset) gets settings of its own and the same decorator.

What is stored stays small whoever posts (kb.accounts.throttling keeps the counts
where RATELIMIT_STORAGE_URI says: kb's database, Redis or memory):

- a counter is keyed by a fixed-length keyed hash (HMAC with the secret key) of the
  normalised e-mail address or client address, never by what was typed: a long
  address costs no more than a short one, and the counters name nobody;
- every limit of a request is tested before any is counted, so a refused request
  (429, Retry-After: kb.web.errors) writes nothing;
- an e-mail address longer than the form accepts is not counted at all: the form
  refuses it (422, in Swedish) and the view does nothing costly with it;
- an IPv6 client counts by its /64 network, as one household or office has one.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import unicodedata

from flask import current_app, request
from flask_limiter import RequestLimit
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from kb.accounts.forms import EMAIL_MAX_LENGTH
from kb.extensions import limiter
from kb.models import User

# Hex digits of a counter's hash: 128 bits, no two addresses share a counter by chance.
DIGEST_LENGTH = 32
# Typed text longer than this is cut before it is hashed (it is refused by the form anyway).
INPUT_MAX = 1024

Check = tuple[RateLimitItem, list[str]]


def digest(kind: str, value: str) -> str:
    """`kind:` and a fixed-length keyed hash of `value` (cut to INPUT_MAX first)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{kind}\x00{value[:INPUT_MAX]}".encode("utf-8", "surrogatepass")
    return f"{kind}:{hmac.new(secret, message, hashlib.sha256).hexdigest()[:DIGEST_LENGTH]}"


def typed_email(raw: str) -> str:
    """The address as the form sees it (no NUL), without surrounding whitespace."""
    return raw.replace("\x00", "").strip()


def normalised_email(raw: str) -> str:
    """One spelling per account: what the login looks up (User.normalise_email), also
    in Unicode's composed form and case-folded, so no variant counts apart."""
    email = User.normalise_email(raw.replace("\x00", "")[:INPUT_MAX])
    return unicodedata.normalize("NFC", email).casefold()


def normalised_address(remote: str | None) -> str:
    """A client address; an IPv6 one as its /64 network."""
    text = (remote or "")[:INPUT_MAX]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def account_key(raw: str) -> str:
    return digest("account", normalised_email(raw))


def address_key(remote: str | None) -> str:
    return digest("address", normalised_address(remote))


def _checks(per_address: str | None, per_account: str | None, account_field: str) -> list[Check]:
    """The limits of this request, each with its counter's identifiers, smallest window
    first; none when the typed address is too long to be one (the form refuses it)."""
    keys = []
    if per_account:
        raw = request.form.get(account_field, "")
        if len(typed_email(raw)) > EMAIL_MAX_LENGTH:
            return []
        if typed_email(raw):  # an empty field has no account to count for
            keys.append((per_account, account_key(raw)))
    if per_address:
        keys.append((per_address, address_key(request.remote_addr)))
    # As Flask-Limiter names a counter: its key prefix (if one is set), the key, the view.
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    scope = request.endpoint or ""
    checks = [(item, [prefix, key, scope] if prefix else [key, scope])
              for setting, key in keys for item in parse_many(current_app.config[setting])]
    return sorted(checks, key=lambda check: check[0].get_expiry())


def _refuse(item: RateLimitItem, identifiers: list[str]):
    # The 429 page's Retry-After comes from Flask-Limiter's current limit (kb.web.errors).
    limiter.context.view_rate_limit = RequestLimit(limiter, item, identifiers, True, False)
    raise TooManyRequests()


def _window_end(check: Check) -> float:
    item, identifiers = check
    return limiter.limiter.get_window_stats(item, *identifiers).reset_time


def admit(checks: list[Check]) -> None:
    """Count this request against every limit, or refuse it (429) having counted nothing.

    All limits are tested first, so a refused request writes nothing. Each counter then
    grows atomically and is tested again: of requests racing for the last attempt, the
    later ones are refused too."""
    strategy = limiter.limiter
    spent = [(item, identifiers) for item, identifiers in checks
             if not strategy.test(item, *identifiers)]
    if spent:
        # The wait that lifts every spent limit: an hour's, not a minute's, when both are.
        _refuse(*max(spent, key=_window_end))
    for item, identifiers in checks:
        if not strategy.hit(item, *identifiers):
            _refuse(item, identifiers)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True)
                and limiter.enabled and limiter.initialized)


def throttled(per_address: str | None = None, per_account: str | None = None,
              account_field: str = "email"):
    """Limit a view's POSTs by the limit strings in the settings named."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if request.method == "POST" and _enabled():
                admit(_checks(per_address, per_account, account_field))
            return view(*args, **kwargs)

        return guarded

    return decorate

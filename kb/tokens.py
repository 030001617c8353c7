"""Signed tokens for links in mail: e-mail confirmation, password reset, e-mail change,
unsubscribing.

A token is signed with the app's secret key and a salt per purpose, so a token made
for one purpose never passes for another, and it carries its time of signing, so it
expires. Single use comes from what a token binds: a confirmation names the address
it confirms, a reset a fingerprint of the password it replaces. Once the address is
confirmed or the password changed, the token no longer matches.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM = "confirm-email"
RESET = "reset-password"
CHANGE_EMAIL = "change-email"
UNSUBSCRIBE = "unsubscribe"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kb-{purpose}")


def sign(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def load(purpose: str, token: str, max_age: float | None = None) -> dict | None:
    """The payload of a valid, unexpired token for this purpose, else None."""
    if not isinstance(token, str) or len(token) > 1000:
        return None
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return payload if isinstance(payload, dict) else None


def fingerprint(*parts: str) -> str:
    """A short keyed digest of values a token must still match when it is used (a
    token's payload is readable, so it carries this instead of the values)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = "\x1f".join(parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def same(a: str | None, b: str | None) -> bool:
    return isinstance(a, str) and isinstance(b, str) and hmac.compare_digest(a, b)

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
from collections.abc import Callable, Mapping
from typing import TypeVar

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM = "confirm-email"
RESET = "reset-password"
CHANGE_EMAIL = "change-email"
UNSUBSCRIBE = "unsubscribe"

T = TypeVar("T")


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


def read(purpose: str, token: str, find: Callable[[int], T | None], *,
         max_age: float | None = None,
         binds: Mapping[str, Callable[[T], str | None]] | None = None) -> tuple[T, dict] | None:
    """What a link's token is for, while it still holds: `find` looks up the id the
    payload names ("u"), and every value in `binds` must still be what the payload
    carries (the address a confirmation names, the fingerprint a reset carries), so a
    link stops working once what it was made for has changed. The found object and the
    payload, else None."""
    payload = load(purpose, token, max_age=max_age)
    if payload is None or not isinstance(payload.get("u"), int):
        return None
    found = find(payload["u"])
    if found is None:
        return None
    for key, current in (binds or {}).items():
        if not same(payload.get(key), current(found)):
            return None
    return found, payload


def fingerprint(*parts: str) -> str:
    """A short keyed digest of values a token must still match when it is used (a
    token's payload is readable, so it carries this instead of the values)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = "\x1f".join(parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def same(a: str | None, b: str | None) -> bool:
    return isinstance(a, str) and isinstance(b, str) and hmac.compare_digest(a, b)

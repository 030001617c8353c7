"""Attempt counters of the throttled forms (login, registration, password reset),
shared by every process that serves kb (kb.accounts.throttling)."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.extensions import db


class RateLimitCounter(db.Model):
    """Attempts in one fixed window of one limit for one key, and when the window ends
    (epoch seconds). The key names the limit and a fixed-length hash of an e-mail
    address or a client address (kb.accounts.views.throttle), never the address itself; any
    key longer than 128 characters is stored as its SHA-256 (kb.accounts.throttling)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)

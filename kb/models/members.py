"""Members, their organisations and the invite codes that let them in."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from kb.core.dates import utcnow
from kb.extensions import db

if TYPE_CHECKING:
    from kb.models.experiences import Experience

# werkzeug's default; tests pass a cheaper method (see accounts.password_method).
DEFAULT_PASSWORD_METHOD = "scrypt"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Organisation(db.Model):
    """An organisation members work at. Its name is what a member typed; what makes it
    known is its e-mail domain, set by a moderator (see kb.accounts.organisations)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(20))
    size_band: Mapped[str] = mapped_column(String(20))
    # The domain of its members' work addresses ("kungalv.se"), lower-case; one
    # organisation a domain. A confirmed address there verifies a member's link to it.
    email_domain: Mapped[str | None] = mapped_column(String(253), unique=True)

    members: Mapped[list[User]] = relationship(back_populates="organisation")


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: the unique index makes e-mail unique regardless of case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    site_role: Mapped[str] = mapped_column(String(20), default="member")
    professional_role: Mapped[str | None] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    # How the member's link to their organisation was verified (never by typing its
    # name): "domain" (a confirmed address at its e-mail domain), "leader" (a verified
    # leader of one of their networks) or "moderator"; by whom, where a person did.
    # Empty while it is not verified. See kb.accounts.organisations.
    organisation_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    organisation_verified_by: Mapped[str | None] = mapped_column(String(10))
    organisation_verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the member proved the address is theirs; until then nothing they write is
    # published and no notification is mailed to it.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Part of every session cookie (get_id): a new token ends every earlier session.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    organisation_verifier: Mapped[User | None] = relationship(
        remote_side=[id], foreign_keys=[organisation_verified_by_id])
    experiences: Mapped[list[Experience]] = relationship(back_populates="author")

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str, method: str = DEFAULT_PASSWORD_METHOD) -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_moderator(self) -> bool:
        return self.site_role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.site_role == "admin"


class InviteCode(db.Model):
    """A single-use code that lets one person register when registration is by invite."""

    __tablename__ = "invite_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

"""The nouns of kb: members, organisations, payroll systems and experiences."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from kb import vocab
from kb.extensions import db


def utcnow() -> datetime:
    """Naive UTC, stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(20))
    size_band: Mapped[str] = mapped_column(String(20))

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
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    experiences: Mapped[list[Experience]] = relationship(back_populates="author")

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_moderator(self) -> bool:
        return self.site_role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.site_role == "admin"


class PayrollSystem(db.Model):
    __tablename__ = "payroll_system"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    vendor: Mapped[str] = mapped_column(String(120), default="")
    # One alias a line ("Personec", "Visma Personec P"); searched, never stemmed.
    aliases: Mapped[str] = mapped_column(Text, default="")
    # Space-separated codes from vocab.DEPLOYMENTS.
    deployment_kinds: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    # The member who proposed a missing system (status "pending").
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    experiences: Mapped[list[Experience]] = relationship(
        back_populates="system", foreign_keys="Experience.system_id"
    )

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]

    @property
    def deployment_list(self) -> list[str]:
        return self.deployment_kinds.split()


def _rating_check(column: str, low: int, high: int) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IS NULL OR ({column} >= {low} AND {column} <= {high})",
        name=f"{column}_range",
    )


class Experience(db.Model):
    """One member's experience of one payroll system at one organisation."""

    __tablename__ = "experience"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    system_id: Mapped[int] = mapped_column(ForeignKey("payroll_system.id"))

    # Context at the time of writing, so ratings stay comparable.
    sector: Mapped[str] = mapped_column(String(20))
    size_band: Mapped[str] = mapped_column(String(20))
    employees_paid: Mapped[int | None] = mapped_column(Integer)
    reviewer_role: Mapped[str] = mapped_column(String(30))
    deployment: Mapped[str | None] = mapped_column(String(20))
    in_use_since: Mapped[int | None] = mapped_column(Integer)
    usage_status: Mapped[str] = mapped_column(String(20))

    satisfaction: Mapped[int] = mapped_column(Integer)
    rating_usability: Mapped[int | None] = mapped_column(Integer)
    rating_support: Mapped[int | None] = mapped_column(Integer)
    rating_stability: Mapped[int | None] = mapped_column(Integer)
    rating_reporting: Mapped[int | None] = mapped_column(Integer)
    rating_compliance: Mapped[int | None] = mapped_column(Integer)
    rating_integrations: Mapped[int | None] = mapped_column(Integer)
    rating_value: Mapped[int | None] = mapped_column(Integer)
    rating_implementation: Mapped[int | None] = mapped_column(Integer)
    recommend: Mapped[int | None] = mapped_column(Integer)

    # Capability checklist: codes from vocab.CAPABILITY_LEVELS.
    cap_agi: Mapped[str] = mapped_column(String(12), default="unknown")
    cap_semester: Mapped[str] = mapped_column(String(12), default="unknown")
    cap_kollektivavtal: Mapped[str] = mapped_column(String(12), default="unknown")
    cap_pension: Mapped[str] = mapped_column(String(12), default="unknown")
    cap_paxml: Mapped[str] = mapped_column(String(12), default="unknown")
    cap_sie: Mapped[str] = mapped_column(String(12), default="unknown")
    cap_bankid: Mapped[str] = mapped_column(String(12), default="unknown")
    cap_payslips: Mapped[str] = mapped_column(String(12), default="unknown")
    cap_selfservice: Mapped[str] = mapped_column(String(12), default="unknown")

    # Switching.
    switched_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("payroll_system.id", ondelete="SET NULL"), index=True
    )
    switch_reason: Mapped[str] = mapped_column(Text, default="")
    go_live_months: Mapped[int | None] = mapped_column(Integer)
    considering_switch_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("payroll_system.id", ondelete="SET NULL"), index=True
    )

    # Texts.
    title: Mapped[str] = mapped_column(String(150))
    pros: Mapped[str] = mapped_column(Text, default="")
    cons: Mapped[str] = mapped_column(Text, default="")
    tips: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")

    visibility: Mapped[str] = mapped_column(String(10), default="public")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    moderation_state: Mapped[str] = mapped_column(String(12), default="published")
    # Why a moderator held back or hid it; shown to the author.
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kept in step with HelpfulVote rows, so "most helpful" sorts without a join.
    helpful_count: Mapped[int] = mapped_column(Integer, default=0)

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User | None] = relationship(back_populates="experiences")
    system: Mapped[PayrollSystem] = relationship(
        back_populates="experiences", foreign_keys=[system_id]
    )
    switched_from: Mapped[PayrollSystem | None] = relationship(foreign_keys=[switched_from_id])
    considering_switch_to: Mapped[PayrollSystem | None] = relationship(
        foreign_keys=[considering_switch_to_id]
    )

    __table_args__ = (
        _rating_check("satisfaction", 1, 5),
        *(_rating_check(f"rating_{key}", 1, 5) for key in vocab.SUB_RATINGS),
        _rating_check("recommend", 0, 10),
        # The system page lists a system's published experiences newest first, under
        # the profile's filters: checked in the index while walking it, not in the rows.
        Index("ix_experience_system_newest", "system_id", "moderation_state", "created_at", "id",
              "visibility", "sector", "size_band", "reviewer_role"),
        Index("ix_experience_created", "created_at"),
        # Counts under the profile's filters (the system page's list) and the home
        # page's switches come from these indexes alone, never from the wide rows...
        Index(
            "ix_experience_stats",
            "system_id", "moderation_state", "visibility", "sector", "size_band",
            "reviewer_role", "created_at", "usage_status", "satisfaction", "recommend",
            "switched_from_id",
            *(f"rating_{key}" for key in vocab.SUB_RATINGS),
            *(f"cap_{key}" for key in vocab.CAPABILITIES),
        ),
        # ...switches in both directions with their reasons (SQLite only: PostgreSQL
        # limits the size of an index row, and reads the reasons from the table fast).
        *(
            Index(
                name, first, second, "moderation_state", "visibility", "sector", "size_band",
                "reviewer_role", "created_at", "switch_reason",
                sqlite_where=text("switched_from_id IS NOT NULL"),
            ).ddl_if(dialect="sqlite")
            for name, first, second in (
                ("ix_experience_switches_in", "system_id", "switched_from_id"),
                ("ix_experience_switches_out", "switched_from_id", "system_id"),
            )
        ),
    )

    def sub_rating(self, key: str) -> int | None:
        return getattr(self, f"rating_{key}")

    def capability(self, key: str) -> str:
        return getattr(self, f"cap_{key}")

    @property
    def author_label(self) -> str:
        """How the author is shown: by name, or by role, sector and size only."""
        if self.anonymous or self.author is None:
            return (
                f"{vocab.label(vocab.PROFESSIONAL_ROLES, self.reviewer_role)}, "
                f"{vocab.label(vocab.SECTORS, self.sector).lower()}, "
                f"{vocab.label(vocab.SIZE_BANDS, self.size_band)}"
            )
        return self.author.display_name

    def visible_to(self, user) -> bool:
        """Whether this viewer may read the experience at all."""
        if user is not None and user.is_authenticated:
            if user.is_moderator or user.id == self.author_id:
                return True
            return self.moderation_state == "published"
        return self.moderation_state == "published" and self.visibility == "public"


class Comment(db.Model):
    """A question or an answer on an experience; answers are one level deep."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    moderation_state: Mapped[str] = mapped_column(String(12), default="published")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    experience: Mapped[Experience] = relationship()
    author: Mapped[User | None] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(
        back_populates="parent", order_by="Comment.created_at"
    )


class HelpfulVote(db.Model):
    """One member found one experience helpful (one vote each, never on one's own)."""

    __tablename__ = "helpful_vote"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Follow(db.Model):
    """A member follows a system to hear of new experiences of it."""

    __tablename__ = "follow"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    system_id: Mapped[int] = mapped_column(
        ForeignKey("payroll_system.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Notification(db.Model):
    """Something new for a member: an answer, a question, a new experience of a followed system."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    experience_id: Mapped[int | None] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE")
    )
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    experience: Mapped[Experience | None] = relationship()
    comment: Mapped[Comment | None] = relationship()

    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)


class SatisfactionHistory(db.Model):
    """An earlier satisfaction of an experience, kept when the author confirms or updates it."""

    __tablename__ = "satisfaction_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), index=True
    )
    satisfaction: Mapped[int] = mapped_column(Integer)
    # When that satisfaction was last stated, and what happened next.
    stated_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    change: Mapped[str] = mapped_column(String(12))  # "confirmed" or "updated"


class Flag(db.Model):
    """A member reports an experience, with a reason, for a moderator to decide."""

    __tablename__ = "flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    resolution: Mapped[str] = mapped_column(String(20), default="")

    experience: Mapped[Experience] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


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


class AuditLog(db.Model):
    """Who did what to which object, when and why: every moderation and admin action."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()

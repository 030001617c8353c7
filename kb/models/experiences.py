"""Experiences: one member's experience of one payroll system at one organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

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

from kb.core import swedish, vocab
from kb.core.dates import utcnow
from kb.extensions import db

if TYPE_CHECKING:
    from kb.models.catalogue import PayrollSystem
    from kb.models.members import Organisation, User
    from kb.models.networks import Network


def _rating_check(column: str, low: int, high: int) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IS NULL OR ({column} >= {low} AND {column} <= {high})",
        name=f"{column}_range",
    )


@dataclass(frozen=True)
class AuthorContext:
    """Who wrote an experience, as far as one reader may know (Experience.author_context).

    role, sector and size_band are codes (kb.core.vocab) and always shown; name,
    organisation and employees_paid are None when withheld (or not known).
    `withheld_from_others`: the experience is anonymous and this reader – its author or
    a moderator – sees what nobody else does; a page showing it says so."""

    role: str
    sector: str
    size_band: str
    name: str | None = None
    organisation: str | None = None
    employees_paid: int | None = None
    withheld_from_others: bool = False

    @property
    def description(self) -> str:
        """Role, sector and size band, as a sentence shows them: "Lönechef, kommun,
        1 000–4 999 anställda"."""
        return vocab.respondent(self.role, self.sector, self.size_band)

    @property
    def label(self) -> str:
        """The name where it may be shown, else role, sector and size band."""
        return self.name or self.description


# The member's own words: the title first, then pros, cons, tips, free text and the
# reason for switching. Searched, highlighted and exported in this order.
TEXT_FIELDS = ("title", "pros", "cons", "tips", "body", "switch_reason")


class Experience(db.Model):
    """One member's experience of one payroll system at one organisation."""

    __tablename__ = "experience"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    system_id: Mapped[int] = mapped_column(ForeignKey("payroll_system.id"))
    # The author's organisation when the experience was written: figures count each
    # organisation once per system (kb.stats), however many of its members write.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )

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
    # How satisfied the organisation was with the system it left, when it left (1-5;
    # only with switched_from): a switch journey's "before" (kb.stats.journeys).
    previous_satisfaction: Mapped[int | None] = mapped_column(Integer)
    considering_switch_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("payroll_system.id", ondelete="SET NULL"), index=True
    )

    # Texts.
    title: Mapped[str] = mapped_column(String(150))
    pros: Mapped[str] = mapped_column(Text, default="")
    cons: Mapped[str] = mapped_column(Text, default="")
    tips: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")

    # The contract behind the answer (kb.procurement.contracts; all optional): when it
    # ends, its options to extend, how it was procured (vocab.PROCUREMENT_ROUTES) and
    # with whom, the next planned procurement, and who may read these facts
    # (vocab.CONTRACT_AUDIENCES, never more than read the experience).
    contract_end_year: Mapped[int | None] = mapped_column(Integer)
    contract_end_month: Mapped[int | None] = mapped_column(Integer)
    contract_extension: Mapped[str] = mapped_column(String(60), default="")
    procurement_route: Mapped[str | None] = mapped_column(String(20))
    procured_with: Mapped[str] = mapped_column(String(300), default="")
    next_procurement_year: Mapped[int | None] = mapped_column(Integer)
    contract_audience: Mapped[str] = mapped_column(String(10), default="same")

    visibility: Mapped[str] = mapped_column(String(10), default="public")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    moderation_state: Mapped[str] = mapped_column(String(12),
                                                  default=vocab.ModerationState.PUBLISHED)
    # Why a moderator held back or hid it; shown to the author.
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # An answer in this network's own survey, written by its leader's import (kb.survey)
    # for the organisation the sheet names; cleared when a member of that organisation
    # makes it their own. Figures can leave such answers out.
    survey_network_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="SET NULL"), index=True)
    # Kept in step with HelpfulVote rows, so "most helpful" sorts without a join.
    helpful_count: Mapped[int] = mapped_column(Integer, default=0)

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User | None] = relationship(back_populates="experiences")
    organisation: Mapped[Organisation | None] = relationship()
    system: Mapped[PayrollSystem] = relationship(
        back_populates="experiences", foreign_keys=[system_id]
    )
    switched_from: Mapped[PayrollSystem | None] = relationship(foreign_keys=[switched_from_id])
    considering_switch_to: Mapped[PayrollSystem | None] = relationship(
        foreign_keys=[considering_switch_to_id]
    )
    # With visibility "networks": the networks whose members may read it.
    networks: Mapped[list[Network]] = relationship(secondary="experience_network",
                                                   order_by="Network.name")

    __table_args__ = (
        _rating_check("satisfaction", 1, 5),
        *(_rating_check(f"rating_{key}", 1, 5) for key in vocab.SUB_RATINGS),
        _rating_check("recommend", 0, 10),
        _rating_check("contract_end_month", 1, 12),
        _rating_check("previous_satisfaction", 1, 5),
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

    def author_context(self, *, privileged: bool = False) -> AuthorContext:
        """What of the author may be shown. Everything when the experience is named; when
        it is anonymous, role, sector and size band alone – no name, no organisation, no
        exact number of employees paid – unless `privileged` (the author themself or a
        moderator: kb.access.policy.author_context decides, and pages mark it)."""
        hidden = self.anonymous and not privileged
        survey = self.is_survey_answer and self.author_id is None
        # Read the organisation only where it is shown: lists of anonymous experiences
        # then cost no query per row.
        organisation = None
        if (survey or not hidden) and self.organisation is not None and self.organisation.name:
            organisation = self.organisation.name.strip()
        if survey:
            # The organisation's answer in a network's survey, named by the leader's sheet.
            name = f"{organisation} – {self.survey_label}" if organisation and not hidden \
                else self.survey_label
        else:
            name = self.author.display_name if self.author is not None and not hidden else None
        return AuthorContext(
            role=self.reviewer_role, sector=self.sector, size_band=self.size_band, name=name,
            organisation=None if hidden else organisation,
            employees_paid=None if hidden else self.employees_paid,
            withheld_from_others=self.anonymous and privileged,
        )

    @property
    def public_context(self) -> AuthorContext:
        """What everybody may see of the author: the one rule behind every page, list,
        search result, export, mail and API answer that does not know its reader."""
        return self.author_context()

    @property
    def author_label(self) -> str:
        """How the author is shown: by name, or by role, sector and size only."""
        return self.public_context.label

    @property
    def is_published(self) -> bool:
        return self.moderation_state == vocab.ModerationState.PUBLISHED

    @property
    def is_pending(self) -> bool:
        """Waiting for a moderator."""
        return self.moderation_state == vocab.ModerationState.PENDING

    @property
    def is_hidden(self) -> bool:
        return self.moderation_state == vocab.ModerationState.HIDDEN

    @property
    def is_survey_answer(self) -> bool:
        return self.survey_network_id is not None

    @property
    def survey_label(self) -> str:
        """Where a survey answer comes from, dated by the sheet that last stated it."""
        return f"Från nätverkets enkät, {swedish.date(self.confirmed_at)}"

    @property
    def named_author(self) -> str | None:
        """The author's name, unless they chose to be anonymous; for a survey answer, the
        organisation the sheet names and where the answer comes from."""
        return self.public_context.name

    @property
    def years_in_use(self) -> int | None:
        """How long the system had been in use when the experience was last confirmed."""
        if self.in_use_since is None:
            return None
        return max(0, self.confirmed_at.year - self.in_use_since)

    @property
    def network_ids(self) -> frozenset[int]:
        return frozenset(network.id for network in self.networks)

    def free_texts(self) -> list[str]:
        """The texts after the title, in the order pages show them."""
        return [getattr(self, name) or "" for name in TEXT_FIELDS[1:]]


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

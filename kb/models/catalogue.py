"""The catalogue of payroll systems."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.core.dates import utcnow
from kb.extensions import db

if TYPE_CHECKING:
    from kb.models.experiences import Experience


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
    # A system a network's survey named (kb.networks.survey): while pending, the
    # members of that network see it too (kb.access.catalogue).
    proposed_network_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="SET NULL")
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

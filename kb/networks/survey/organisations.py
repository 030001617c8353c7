"""The organisations kb knows, by name as a sheet writes it: what a survey row stands for
(kb.networks.survey.importing links its answer there) and where a row without a sector
or size may take them from (kb.networks.survey.preview, when the leader asks for it).

A row may stand for an organisation kb knows for certain (an e-mail domain, or members
whose link is verified) or one only sheets have named (no members); never for a row
an unverified member typed, which speaks for nobody else. Of several with one name,
the one with a domain first, then the one with the most verified members, then the
oldest.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from kb.core import vocab
from kb.extensions import db
from kb.models import Organisation, User
from kb.networks.survey.values import key


@dataclass(frozen=True)
class Known:
    """One organisation kb knows: its id, and its sector and size band when they are
    among kb's ("" or anything else: not known)."""

    id: int
    sector: str
    size_band: str

    @property
    def known_sector(self) -> str | None:
        return self.sector if self.sector in vocab.SECTORS else None

    @property
    def known_size(self) -> str | None:
        return self.size_band if self.size_band in vocab.SIZE_BANDS else None


def known() -> dict[str, Known]:
    """key(name) -> the organisation a row naming it stands for (see the module)."""
    members = (select(func.count()).where(User.organisation_id == Organisation.id)
               .correlate(Organisation).scalar_subquery())
    verified = (select(func.count()).where(
        User.organisation_id == Organisation.id,
        User.organisation_verified_at.is_not(None))
        .correlate(Organisation).scalar_subquery())
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.email_domain,
               Organisation.sector, Organisation.size_band, verified.label("verified"))
        .where(or_(Organisation.email_domain.is_not(None), verified > 0, members == 0)))
    ranked = sorted(rows, key=lambda row: (row.email_domain is None, -row.verified, row.id))
    found: dict[str, Known] = {}
    for row in ranked:
        found.setdefault(key(row.name), Known(row.id, row.sector or "", row.size_band or ""))
    return found

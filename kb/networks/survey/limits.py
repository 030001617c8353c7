"""How many survey sheets a network uploads and confirms a day (one calendar day in
Sweden): enough for a leader who corrects and tries again, too few to flood kb.

Counted from the uploads themselves (survey_import: `created_at` for uploads,
`imported_at` for confirmations), so nothing else is kept and every worker counts alike.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import func, select

from kb.core.dates import STOCKHOLM, utcnow
from kb.core.errors import Invalid
from kb.extensions import db
from kb.models import Network, SurveyImport

UPLOADS_PER_DAY = 5
CONFIRMATIONS_PER_DAY = 3

UPLOADS_REACHED = (f"Nätverket har redan laddat upp {UPLOADS_PER_DAY} enkätfiler i dag. "
                   "Försök igen i morgon.")
CONFIRMATIONS_REACHED = (f"Nätverket har redan importerat {CONFIRMATIONS_PER_DAY} enkätfiler "
                         "i dag. Försök igen i morgon.")


class DailyLimit(Invalid):
    """The network has done as much as a day allows (the pages answer 429)."""


def today_from(now: datetime | None = None) -> datetime:
    """Midnight of today in Sweden, as stored times are (naive UTC)."""
    local = (now or utcnow()).replace(tzinfo=UTC).astimezone(STOCKHOLM)
    midnight = datetime.combine(local.date(), time(0), tzinfo=STOCKHOLM)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def _count(network: Network, column, now: datetime | None) -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyImport).where(
        SurveyImport.network_id == network.id, column >= today_from(now))) or 0


def uploads_left(network: Network, now: datetime | None = None) -> int:
    return max(0, UPLOADS_PER_DAY - _count(network, SurveyImport.created_at, now))


def require_upload(network: Network, now: datetime | None = None) -> None:
    if uploads_left(network, now) <= 0:
        raise DailyLimit(UPLOADS_REACHED, field="file")


def require_confirmation(network: Network, now: datetime | None = None) -> None:
    if _count(network, SurveyImport.imported_at, now) >= CONFIRMATIONS_PER_DAY:
        raise DailyLimit(CONFIRMATIONS_REACHED)

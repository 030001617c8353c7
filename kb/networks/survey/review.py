"""A moderator's review of a survey import shared beyond its network.

Imports are the network's data until a moderator says otherwise: confirming writes
every answer shared with the network only (kb.networks.survey.importing), whatever the
leader chose. An import the leader wanted "members" or "public" waits here as one item
of the moderators' queue (state PENDING), with the answers it wrote as its preview.
Approving widens the answers it still answers for (not taken over by a member, not
taken over since by a later import of the network) to the chosen audience, in one
transaction through the ORM, so the change log carries it to the search index and the
figures; declining keeps them with the network. Either way the importing leader is told,
and the decision is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import joinedload

from kb import community, moderation
from kb.access import catalogue as seen
from kb.core.errors import Conflict, Invalid, NotFound
from kb.extensions import db
from kb.models import Experience, Network, PayrollSystem, SurveyAnswer, SurveyImport, User, utcnow

PENDING, APPROVED, DECLINED, SUPERSEDED = "pending", "approved", "declined", "superseded"
STATES = {
    PENDING: "Väntar på granskning av en moderator",
    APPROVED: "Godkänd av en moderator",
    DECLINED: "Avböjd av en moderator",
    SUPERSEDED: "Ersatt av en senare import",
}
# The audiences that wait for a moderator; "networks" needs none.
REVIEWED = ("members", "public")
NETWORK_ONLY = "networks"

NOT_FOUND = "Importen finns inte."
DECIDED = "Importen är redan granskad."
REASON_NEEDED = "Skriv en motivering som visas för nätverkets ledare."
UNCONFIRMED_LEADER = ("Ledaren som importerade har inte en bekräftad e-postadress: svaren kan "
                      "bara delas med nätverket.")


@dataclass
class ReviewRow:
    """One answer an import wrote, as the moderator reads it."""

    organisation: str
    experience: Experience


def owned_clause(upload: SurveyImport):
    """A WHERE clause over SurveyAnswer joined to Experience: the answers this import
    still answers for – it wrote them last, no member took them over, and they are
    still the network's survey answers (no author)."""
    return (SurveyAnswer.import_id == upload.id, SurveyAnswer.claimed_at.is_(None),
            Experience.author_id.is_(None), Experience.survey_network_id == upload.network_id)


def owned(upload: SurveyImport) -> list[ReviewRow]:
    """The answers the import still answers for, by organisation name."""
    found = db.session.execute(
        select(SurveyAnswer.organisation_name, Experience)
        .join(Experience, Experience.id == SurveyAnswer.experience_id)
        .options(joinedload(Experience.system), joinedload(Experience.considering_switch_to),
                 joinedload(Experience.switched_from))
        .where(*owned_clause(upload))
        .order_by(func.lower(SurveyAnswer.organisation_name), SurveyAnswer.id))
    return [ReviewRow(name, experience) for name, experience in found]


def owned_count(upload: SurveyImport) -> int:
    return db.session.scalar(
        select(func.count()).select_from(SurveyAnswer)
        .join(Experience, Experience.id == SurveyAnswer.experience_id)
        .where(*owned_clause(upload))) or 0


def pending_imports(limit: int = 100) -> list[SurveyImport]:
    """Imports waiting for a moderator, oldest first, with their network and leader."""
    return list(db.session.scalars(
        select(SurveyImport)
        .options(joinedload(SurveyImport.network), joinedload(SurveyImport.imported_by))
        .where(SurveyImport.review_state == PENDING)
        .order_by(SurveyImport.imported_at, SurveyImport.id).limit(limit)))


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyImport).where(
        SurveyImport.review_state == PENDING)) or 0


def for_review(import_id: int) -> SurveyImport:
    """An upload, for a moderator (in any state: the page says which)."""
    found = db.session.get(SurveyImport, import_id)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def proposed_systems(rows: list[ReviewRow]) -> list[PayrollSystem]:
    """Systems still waiting for a moderator that the answers name: an import is
    approved only once they are approved or merged (nobody outside the network may
    read their names before)."""
    found: dict[int, PayrollSystem] = {}
    for row in rows:
        experience = row.experience
        for system in (experience.system, experience.considering_switch_to,
                       experience.switched_from):
            if system is not None and system.status == seen.PENDING:
                found[system.id] = system
    return sorted(found.values(), key=lambda system: system.name.lower())


def _take(upload: SurveyImport, state: str, moderator: User, reason: str) -> None:
    """Move the import from PENDING to `state`, once: of two moderators deciding at the
    same moment, the second is refused."""
    now = utcnow()
    taken = db.session.execute(
        update(SurveyImport)
        .where(SurveyImport.id == upload.id, SurveyImport.review_state == PENDING)
        .values(review_state=state, reviewed_by_id=moderator.id, reviewed_at=now,
                review_note=reason)
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        db.session.rollback()
        raise Conflict(DECIDED)
    db.session.refresh(upload)


def approve(upload: SurveyImport, moderator: User, reason: str = "") -> int:
    """Share the answers the import still answers for as the leader chose; returns how
    many. Refused while a system they name waits for a moderator, or if the leader's
    address is not confirmed."""
    if upload.review_state != PENDING:
        raise Conflict(DECIDED)
    leader = upload.imported_by
    if leader is None or not leader.is_confirmed:
        raise Invalid(UNCONFIRMED_LEADER)
    rows = owned(upload)
    waiting = proposed_systems(rows)
    if waiting:
        names = ", ".join(system.name for system in waiting)
        raise Invalid(f"Svaren nämner föreslagna system som ingen moderator har godkänt än: "
                      f"{names}. Godkänn eller slå ihop dem under Föreslagna system först.")
    reason = (reason or "").strip()
    _take(upload, APPROVED, moderator, reason)
    for row in rows:
        # Through the ORM, one experience at a time: the change log follows each.
        row.experience.visibility = upload.visibility
        row.experience.networks = []
    moderation.audit_log(moderator, "survey.approve", upload,
                         f"{upload.network.name}, {upload.filename}: {len(rows)} svar. "
                         f"{reason}".strip())
    community.notify(leader.id, community.SURVEY_APPROVED, network=upload.network,
                     actor_id=moderator.id)
    db.session.commit()
    return len(rows)


def decline(upload: SurveyImport, moderator: User, reason: str) -> int:
    """Keep the import's answers with the network, and tell the leader why; returns how
    many answers it answers for."""
    if upload.review_state != PENDING:
        raise Conflict(DECIDED)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(REASON_NEEDED, field="reason")
    rows = owned(upload)
    _take(upload, DECLINED, moderator, reason)
    for row in rows:
        share_with_network(row.experience, upload.network)
    moderation.audit_log(moderator, "survey.decline", upload,
                         f"{upload.network.name}, {upload.filename}: {reason}")
    if upload.imported_by_id is not None:
        community.notify(upload.imported_by_id, community.SURVEY_DECLINED,
                         network=upload.network, actor_id=moderator.id)
    db.session.commit()
    return len(rows)


def share_with_network(experience: Experience, network: Network) -> bool:
    """Shared with this network only (from now on); says whether that changed it."""
    if experience.visibility == NETWORK_ONLY and \
            {n.id for n in experience.networks} == {network.id}:
        return False
    experience.visibility, experience.networks = NETWORK_ONLY, [network]
    return True


def supersede(upload: SurveyImport) -> None:
    """Earlier imports of the network that wait for a moderator and no longer answer for
    any answer (this one took them all over) leave the queue."""
    still = exists().where(SurveyAnswer.import_id == SurveyImport.id,
                           SurveyAnswer.claimed_at.is_(None))
    db.session.execute(
        update(SurveyImport)
        .where(SurveyImport.network_id == upload.network_id, SurveyImport.id != upload.id,
               SurveyImport.review_state == PENDING, ~still)
        .values(review_state=SUPERSEDED, reviewed_at=utcnow())
        .execution_options(synchronize_session=False))

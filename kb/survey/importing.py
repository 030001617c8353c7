"""Confirming an upload: the preview's rows written as the network's survey answers, in
one transaction, through the change log (the search index and the figures follow it).

An organisation's answer is found again by network and organisation name (compared
without case and punctuation), so importing the same sheet again writes nothing, and a
later sheet updates what changed: the earlier satisfaction goes to the experience's
history (kb.freshness), and a new system leaves the old answer as the system the
organisation used before. An answer a member has taken over is theirs and left alone.
"""

from __future__ import annotations

from sqlalchemy import func, select

from kb import audit, freshness, networks, swedish
from kb.catalogue import PENDING, free_slug
from kb.errors import Conflict, Invalid
from kb.extensions import db
from kb.models import (
    Experience,
    Network,
    Organisation,
    PayrollSystem,
    SurveyAnswer,
    SurveyImport,
    User,
    utcnow,
)
from kb.survey import preview as previews
from kb.survey.mapping import Mapping
from kb.survey.values import key

VISIBILITIES = {
    "networks": "Bara nätverkets medlemmar (förvalt)",
    "members": "Alla inloggade medlemmar i kb – räknas i kb:s siffror",
    "public": "Alla besökare – räknas i kb:s siffror",
}
STALE = ("Mappningen eller filen har ändrats sedan förhandsgranskningen visades. Granska "
         "förhandsgranskningen igen och bekräfta sedan.")


def confirm(upload: SurveyImport, leader: User, preview: previews.Preview, mapping: Mapping,
            visibility: str, shown_token: str) -> SurveyImport:
    """Write the preview's rows that have no errors; the rest are counted as skipped."""
    network = upload.network
    networks.require_leader(network, leader)
    networks.require_open(network)
    if upload.is_imported:
        raise Conflict("Den här filen är redan importerad. Ladda upp den igen om du vill "
                       "importera den på nytt.")
    if shown_token != preview.token:
        raise Conflict(STALE)
    if visibility not in VISIBILITIES:
        raise Invalid("Välj vilka som ska se svaren.", field="visibility")
    now = utcnow()
    written = _Written(leader, network, visibility, upload, now)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    for row in preview.rows:
        if row.status in (previews.BROKEN, previews.CLAIMED):
            counts["skipped"] += 1
            continue
        counts[written.row(row, mapping)] += 1
    upload.imported_at, upload.imported_by_id, upload.visibility = now, leader.id, visibility
    upload.rows_created, upload.rows_updated = counts["created"], counts["updated"]
    upload.rows_unchanged, upload.rows_skipped = counts["unchanged"], counts["skipped"]
    audit.record(leader, "survey.import", upload, f"{upload.filename}: {outcome(upload)}.")
    db.session.commit()
    return upload


class _Written:
    """One confirmation's writes, and what they share: the systems proposed so far and
    the organisations kb knows, by name (read once, not once a row)."""

    def __init__(self, leader: User, network: Network, visibility: str,
                 upload: SurveyImport, now):
        self.leader, self.network, self.visibility = leader, network, visibility
        self.upload, self.now = upload, now
        self.proposed: dict[str, PayrollSystem] = {}
        self.organisations: dict[str, Organisation | int] = {}
        for organisation_id, name in db.session.execute(
                select(Organisation.id, Organisation.name).order_by(Organisation.id)):
            self.organisations.setdefault(key(name), organisation_id)

    def system(self, name: str) -> PayrollSystem:
        """A system the leader proposes (a moderator approves it), once per name."""
        folded = key(name)
        if folded not in self.proposed:
            system = db.session.scalar(select(PayrollSystem).where(
                PayrollSystem.status == PENDING, func.lower(PayrollSystem.name) == name.lower()))
            if system is None:
                system = PayrollSystem(slug=free_slug(name), name=name[:120], status=PENDING,
                                       proposed_by_id=self.leader.id)
                db.session.add(system)
                db.session.flush()
            self.proposed[folded] = system
        return self.proposed[folded]

    def organisation(self, experience: Experience, row: previews.Row) -> None:
        """The organisation the sheet names: one kb knows by that name (so it counts once
        in the figures, whoever reported it), or a new one."""
        folded = key(row.organisation)
        found = self.organisations.get(folded)
        if found is None:
            found = self.organisations[folded] = Organisation(
                name=row.organisation, sector=row.sector, size_band=row.size_band)
        if isinstance(found, Organisation):
            experience.organisation = found
        else:
            experience.organisation_id = found

    def row(self, row: previews.Row, mapping: Mapping) -> str:
        """Write one row; says whether it created, updated or left an answer unchanged."""
        network, visibility, now = self.network, self.visibility, self.now
        if row.proposed:
            row.system, row.proposed = self.system(row.proposed), ""
        if row.considering_proposed:
            row.considering_system = self.system(row.considering_proposed)
        written = previews.written_values(row, mapping)
        answer = row.answer
        if answer is None:
            answer = SurveyAnswer(network_id=network.id, organisation_key=key(row.organisation),
                                  organisation_name=row.organisation)
            db.session.add(answer)
        current = answer.experience
        if current is not None and current.visibility == visibility and \
                _shared_as_chosen(current, visibility, network) and \
                not previews.describe_changes(current, written, row):
            return "unchanged"
        answer.import_id, answer.organisation_name = self.upload.id, row.organisation
        if current is not None and current.system_id == written["system_id"]:
            previous = current.satisfaction, current.confirmed_at
            _fill(current, written, row, visibility, network)
            current.updated_at = now
            freshness.record_update(current, *previous, now=now)
            return "updated"
        experience = Experience(author_id=None, survey_network_id=network.id,
                                moderation_state="published", created_at=now, updated_at=now,
                                confirmed_at=now)
        self.organisation(experience, row)
        if current is not None:
            # The organisation has moved on: its earlier answer stays, as the system it used.
            current.usage_status, current.updated_at = "former", now
            experience.switched_from_id = current.system_id
        _fill(experience, written, row, visibility, network)
        db.session.add(experience)
        answer.experience = experience
        return "created" if current is None else "updated"


def _shared_as_chosen(experience: Experience, visibility: str, network: Network) -> bool:
    wanted = {network.id} if visibility == "networks" else set()
    return {n.id for n in experience.networks} == wanted


def _fill(experience: Experience, written: dict, row: previews.Row, visibility: str,
          network: Network) -> None:
    for name, value in written.items():
        setattr(experience, name, value)
    system_name = row.system.name if row.system is not None else row.proposed
    experience.title = f"Enkätsvar: {system_name} hos {row.organisation}"[:150]
    experience.visibility, experience.anonymous = visibility, False
    experience.networks = [network] if visibility == "networks" else []


def outcome(upload: SurveyImport) -> str:
    """What confirming a sheet wrote, as the leader reads it (the page, the notice and
    the audit log say it alike)."""
    return (f"{swedish.plural(upload.rows_created, 'nytt svar', 'nya svar')}, "
            f"{swedish.plural(upload.rows_updated, 'uppdaterat', 'uppdaterade')}, "
            f"{swedish.plural(upload.rows_unchanged, 'oförändrat', 'oförändrade')} och "
            f"{swedish.plural(upload.rows_skipped, 'rad', 'rader')} som inte importerades")

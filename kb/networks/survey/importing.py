"""Confirming an upload: the preview's rows written as the network's survey answers, in
one transaction, through the change log (the search index and the figures follow it).

Imports are the network's data until a moderator says otherwise: every answer is
written shared with the network only, whatever the leader chose. The choice is kept on
the import; "members" or "public" waits for a moderator (kb.networks.survey.review),
and only a leader with a confirmed address may ask for it. An answer a later import
changes goes back to the network until that import is approved; one it leaves as it was
keeps the audience a moderator approved for it.

An organisation's answer is found again by network and organisation name (compared
without case and punctuation), so importing the same sheet again writes nothing, and a
later sheet updates what changed: the earlier satisfaction goes to the experience's
history (kb.freshness), and a new system leaves the old answer as the system the
organisation used before. An answer a member has taken over is theirs and left alone,
as is any experience with an author.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from kb import catalogue, experiences, moderation
from kb.core import swedish
from kb.core.errors import Conflict, Invalid
from kb.core.vocab import ModerationState
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
from kb.networks import memberships as networks
from kb.networks.survey import limits, organisations, review, values
from kb.networks.survey import preview as previews
from kb.networks.survey.mapping import Mapping
from kb.networks.survey.values import key

VISIBILITIES = {
    "networks": "Bara nätverkets medlemmar (förvalt)",
    "members": "Alla inloggade medlemmar i kb – räknas i kb:s siffror när en moderator har "
               "godkänt importen",
    "public": "Alla besökare – räknas i kb:s siffror när en moderator har godkänt importen",
}
NEEDS_CONFIRMED = ("Bekräfta din e-postadress för att dela enkätsvaren utanför nätverket (följ "
                   "länken i mejlet vi skickade; under Mitt konto kan du få en ny). Till dess "
                   "kan du importera dem för nätverkets medlemmar.")
STALE = ("Mappningen eller filen har ändrats sedan förhandsgranskningen visades. Granska "
         "förhandsgranskningen igen och bekräfta sedan.")
IMPORTED = ("Den här filen är redan importerad. Ladda upp den igen om du vill importera den "
            "på nytt.")
CONFIRMING = ("Filen importeras redan: den har just bekräftats. Ladda om sidan om en stund så "
              "ser du vad som importerades.")
CHANGED = ("Nätverkets svar ändrades medan filen importerades (en annan fil bekräftades "
           "samtidigt). Inget av den här filen sparades. Granska förhandsgranskningen igen och "
           "bekräfta sedan.")
# A confirmation holds its upload this long at most: one whose worker died lets go.
CLAIM_LAPSES = timedelta(minutes=15)


def confirm(upload: SurveyImport, leader: User, preview: previews.Preview, mapping: Mapping,
            visibility: str, shown_token: str) -> SurveyImport:
    """Write the preview's rows that have no errors; the rest are counted as skipped.

    Confirmations of one upload may race (a double click, two leaders): the upload is
    claimed first, in a short transaction of its own, so exactly one of them writes and
    the others are refused (Conflict) at once instead of waiting on its writes."""
    network = upload.network
    networks.require_leader(network, leader)
    networks.require_open(network)
    if upload.is_imported:
        raise Conflict(IMPORTED)
    if shown_token != preview.token:
        raise Conflict(STALE)
    if visibility not in VISIBILITIES:
        raise Invalid("Välj vilka som ska se svaren.", field="visibility")
    if visibility in review.REVIEWED and not leader.is_confirmed:
        raise Invalid(NEEDS_CONFIRMED, field="visibility")
    limits.require_confirmation(network)
    now = utcnow()
    _claim(upload.id, now)
    try:
        _write(upload, leader, preview, mapping, visibility, now)
    except IntegrityError as error:  # another upload of the network wrote the same answers
        db.session.rollback()
        _let_go(upload.id, now)
        raise Conflict(CHANGED) from error
    except BaseException:
        db.session.rollback()
        _let_go(upload.id, now)
        raise
    return upload


def _claim(upload_id: int, now) -> None:
    """Mark the upload as being confirmed, unless it is imported or another confirmation
    holds it; committed at once (on a connection of its own, so the preview's objects in
    the session stay loaded), so the others see it."""
    with db.engine.begin() as connection:
        claimed = connection.execute(
            update(SurveyImport)
            .where(SurveyImport.id == upload_id, SurveyImport.imported_at.is_(None),
                   or_(SurveyImport.confirming_since.is_(None),
                       SurveyImport.confirming_since < now - CLAIM_LAPSES))
            .values(confirming_since=now)).rowcount
        if claimed == 1:
            return
        imported = connection.scalar(select(SurveyImport.imported_at).where(
            SurveyImport.id == upload_id))
    raise Conflict(IMPORTED if imported is not None else CONFIRMING)


def _let_go(upload_id: int, now) -> None:
    """A confirmation that failed lets its claim go, so that the leader can try again."""
    with db.engine.begin() as connection:
        connection.execute(update(SurveyImport).where(
            SurveyImport.id == upload_id, SurveyImport.imported_at.is_(None),
            SurveyImport.confirming_since == now).values(confirming_since=None))


def _write(upload: SurveyImport, leader: User, preview: previews.Preview, mapping: Mapping,
           visibility: str, now) -> None:
    network = upload.network
    written = _Written(leader, network, visibility, upload, now)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    for row in preview.rows:
        if row.status in (previews.BROKEN, previews.CLAIMED):
            counts["skipped"] += 1
            continue
        counts[written.row(row, mapping)] += 1
    upload.imported_at, upload.imported_by_id, upload.visibility = now, leader.id, visibility
    upload.review_state = review.PENDING if visibility in review.REVIEWED else None
    upload.rows_created, upload.rows_updated = counts["created"], counts["updated"]
    upload.rows_unchanged, upload.rows_skipped = counts["unchanged"], counts["skipped"]
    db.session.flush()
    review.supersede(upload)
    moderation.audit_log(leader, "survey.import", upload,
                         f"{upload.filename}: {outcome(upload)}. Delas med: "
                         f"{AUDIENCES.get(visibility, visibility)}"
                         f"{' (väntar på granskning)' if upload.review_state else ''}.")
    db.session.commit()


class _Written:
    """One confirmation's writes, and what they share: the systems proposed so far and
    the organisations kb knows, by name (read once, not once a row)."""

    def __init__(self, leader: User, network: Network, visibility: str,
                 upload: SurveyImport, now):
        self.leader, self.network, self.visibility = leader, network, visibility
        self.upload, self.now = upload, now
        self.proposed: dict[str, PayrollSystem] = {}
        # The organisations a row may stand for (kb.networks.survey.organisations).
        self.organisations: dict[str, Organisation | int] = {
            name: found.id for name, found in organisations.known().items()}

    def system(self, name: str) -> PayrollSystem:
        """A system the leader proposes (a moderator approves it), once per name: one this
        network's survey proposed before, or a new proposal, seen only by the network's
        members (and moderators) until approved."""
        folded = key(name)
        if folded not in self.proposed:
            system = db.session.scalar(select(PayrollSystem).where(
                PayrollSystem.status == catalogue.PENDING,
                PayrollSystem.proposed_network_id == self.network.id,
                func.lower(PayrollSystem.name) == name.lower()))
            if system is None:
                system = PayrollSystem(slug=catalogue.free_slug(name), name=name[:120],
                                       status=catalogue.PENDING, proposed_by_id=self.leader.id,
                                       proposed_network_id=self.network.id)
                db.session.add(system)
                db.session.flush()
            self.proposed[folded] = system
        return self.proposed[folded]

    def organisation(self, experience: Experience, row: previews.Row) -> None:
        """The organisation the sheet names: one kb knows by that name (so it counts once
        in the figures, whoever reported it), or a new one. Only the survey answer is
        linked to it: a member's own answer for that organisation is never written, and
        stands for it in the figures before this one (kb.stats.aggregate)."""
        folded = key(row.organisation)
        found = self.organisations.get(folded)
        if found is None:  # a sector or size the sheet does not give stays unknown ("")
            found = self.organisations[folded] = Organisation(
                name=row.organisation, sector=row.sector or values.UNKNOWN,
                size_band=row.size_band or values.UNKNOWN)
        if isinstance(found, Organisation):
            experience.organisation = found
        else:
            experience.organisation_id = found

    def row(self, row: previews.Row, mapping: Mapping) -> str:
        """Write one row; says whether it created, updated or left an answer unchanged
        (or skipped it: an experience with an author is never written)."""
        network, now = self.network, self.now
        answer = row.answer
        current = answer.experience if answer is not None else None
        if current is not None and current.author_id is not None:
            return "skipped"
        if row.proposed:
            row.system, row.proposed = self.system(row.proposed), ""
        if row.considering_proposed:
            row.considering_system = self.system(row.considering_proposed)
        written = previews.written_values(row, mapping)
        if answer is None:
            answer = SurveyAnswer(network_id=network.id, organisation_key=key(row.organisation),
                                  organisation_name=row.organisation)
            db.session.add(answer)
        # This import answers for the row from now on: its review decides its audience.
        answer.import_id, answer.organisation_name = self.upload.id, row.organisation
        if current is not None and not previews.describe_changes(current, written, row):
            if not _shared_as_chosen(current, self.visibility, network):
                # The same answer, asked for another audience: with the network until a
                # moderator approves (narrowing to the network needs nobody).
                review.share_with_network(current, network)
            return "unchanged"
        if current is not None and current.system_id == written["system_id"]:
            previous = current.satisfaction, current.confirmed_at
            _fill(current, written, row, network)
            current.updated_at = now
            experiences.record_update(current, *previous, now=now)
            return "updated"
        experience = Experience(author_id=None, survey_network_id=network.id,
                                moderation_state=ModerationState.PUBLISHED, created_at=now,
                                updated_at=now, confirmed_at=now)
        self.organisation(experience, row)
        if current is not None:
            # The organisation has moved on: its earlier answer stays, as the system it
            # used, with the network (this change of it waits with the rest).
            current.usage_status, current.updated_at = "former", now
            review.share_with_network(current, network)
            experience.switched_from_id = current.system_id
        _fill(experience, written, row, network)
        db.session.add(experience)
        answer.experience = experience
        return "created" if current is None else "updated"


def _shared_as_chosen(experience: Experience, visibility: str, network: Network) -> bool:
    """Already shared as the leader asks: with this network only, or with the wider
    audience a moderator approved for the same answer before."""
    wanted = {network.id} if visibility == review.NETWORK_ONLY else set()
    return experience.visibility == visibility and \
        {n.id for n in experience.networks} == wanted


def _fill(experience: Experience, written: dict, row: previews.Row, network: Network) -> None:
    """The row's values, shared with the network only (kb.networks.survey.review widens
    them when a moderator approves what the leader asked for)."""
    for name, value in written.items():
        setattr(experience, name, value)
    system_name = row.system.name if row.system is not None else row.proposed
    experience.title = f"Enkätsvar: {system_name} hos {row.organisation}"[:150]
    experience.anonymous = False
    review.share_with_network(experience, network)


AUDIENCES = {"networks": "nätverkets medlemmar", "members": "alla inloggade medlemmar",
             "public": "alla besökare"}


def outcome(upload: SurveyImport) -> str:
    """What confirming a sheet wrote, as the leader reads it (the page, the notice and
    the audit log say it alike)."""
    return (f"{swedish.plural(upload.rows_created, 'nytt svar', 'nya svar')}, "
            f"{swedish.plural(upload.rows_updated, 'uppdaterat', 'uppdaterade')}, "
            f"{swedish.plural(upload.rows_unchanged, 'oförändrat', 'oförändrade')} och "
            f"{swedish.plural(upload.rows_skipped, 'rad', 'rader')} som inte importerades")

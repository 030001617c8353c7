"""Finding procurement partners: a member says her organisation is open to procuring
together for a window of years ("öppen för samordnad upphandling"); she then sees the
other open members whose contracts end within that window – by sector, size band,
region, system and contract end, never by name or address (the organisation's name
only where its member chose to show it, and never for an anonymous answer) – and can
write to one of them through kb.

A message goes by mail from the outbox without either address: the recipient gets
the text and a link to answer on kb. When she answers, both get the other's name and
address by mail, and the message page shows them to the two of them. A member sends
at most MESSAGES_PER_DAY messages in 24 hours, and one unanswered message to the same
member at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from kb import mail
from kb.access import procurement as access
from kb.access.policy import Audience
from kb.core import text, vocab
from kb.core.errors import Conflict, Forbidden, Invalid, NotFound
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.models import Experience, ProcurementMessage, ProcurementOpening, User, utcnow
from kb.procurement.contracts import this_year

MESSAGES_PER_DAY = 5
MESSAGE_MAX = 2000
# How far ahead a window may reach.
WINDOW_YEARS_AHEAD = 15
NOT_OPEN = ("Bara medlemmar som själva är öppna för samordnad upphandling ser vilka fler som "
            "är det.")
NO_SUCH_PARTNER = "Den organisationen finns inte bland dina möjliga samarbetspartner."


def window_years(now: datetime | None = None) -> tuple[int, int]:
    year = this_year(now)
    return year, year + WINDOW_YEARS_AHEAD


def contract_answers(user_id: int) -> list[Experience]:
    """The member's own published answers that say when their contract ends: what an
    opening may be about (the newest confirmed first)."""
    return list(db.session.scalars(
        select(Experience).where(Experience.author_id == user_id,
                                 Experience.contract_end_year.is_not(None),
                                 Experience.moderation_state == ModerationState.PUBLISHED)
        .order_by(Experience.confirmed_at.desc(), Experience.id.desc())))


def opening_of(user_id: int | None) -> ProcurementOpening | None:
    if user_id is None:
        return None
    return db.session.scalars(select(ProcurementOpening).where(
        ProcurementOpening.user_id == user_id)).first()


def open_for(user: User, experience_id: int | None, year_from: int | None,
             year_to: int | None, region: str = "", show_organisation: bool = False,
             now: datetime | None = None) -> ProcurementOpening:
    """Say (or change) that the member's organisation is open to procuring together."""
    answers = {e.id: e for e in contract_answers(user.id)}
    if not answers:
        raise Invalid("Ange först när ert avtal löper ut i din erfarenhet av systemet ni "
                      "använder.", field="experience_id")
    if experience_id not in answers:
        raise Invalid("Välj en av dina erfarenheter.", field="experience_id")
    first, last = window_years(now)
    if year_from is None or not first <= year_from <= last:
        raise Invalid(f"Ange ett år mellan {first} och {last}.", field="year_from")
    if year_to is None or not first <= year_to <= last:
        raise Invalid(f"Ange ett år mellan {first} och {last}.", field="year_to")
    if year_to < year_from:
        raise Invalid("Slutåret kan inte vara före startåret.", field="year_to")
    if region and region not in vocab.REGIONS:
        raise Invalid("Välj ett av länen, eller inget.", field="region")
    opening = opening_of(user.id) or ProcurementOpening(user_id=user.id)
    opening.experience_id = experience_id
    opening.year_from, opening.year_to = year_from, year_to
    opening.region = region or ""
    opening.show_organisation = bool(show_organisation)
    db.session.add(opening)
    db.session.commit()
    return opening


def close_for(user_id: int) -> None:
    """No longer open: the member leaves the list (messages already sent stay)."""
    opening = opening_of(user_id)
    if opening is not None:
        db.session.delete(opening)
        db.session.commit()


@dataclass(frozen=True)
class Partner:
    """Another open member as the partner list shows her: no name, no address."""

    opening_id: int
    sector: str
    size_band: str
    region: str
    system: object  # PayrollSystem
    ends: int
    route: str | None
    year_from: int
    year_to: int
    organisation: str | None  # only where shown by choice (never an anonymous answer)

    @property
    def summary(self) -> str:
        parts = [vocab.label(vocab.SECTORS, self.sector, vocab.UNKNOWN_SECTOR.capitalize()),
                 vocab.label(vocab.SIZE_BANDS, self.size_band, vocab.UNKNOWN_SIZE)]
        if self.region:
            parts.append(vocab.label(vocab.REGIONS, self.region))
        parts.append(f"{self.system.name}, avtalet löper ut {self.ends}")
        return ", ".join(parts)


def _partner(opening: ProcurementOpening) -> Partner:
    experience = opening.experience
    organisation = None
    if opening.show_organisation and not experience.anonymous \
            and experience.organisation is not None:
        organisation = experience.organisation.name
    return Partner(opening.id, experience.sector, experience.size_band, opening.region,
                   experience.system, experience.contract_end_year, experience.procurement_route,
                   opening.year_from, opening.year_to, organisation)


def _valid_openings():
    """Openings whose answer is still published, still its author's, and dated."""
    return (select(ProcurementOpening).join(Experience,
                                            Experience.id == ProcurementOpening.experience_id)
            .join(User, User.id == ProcurementOpening.user_id)
            .where(Experience.author_id == ProcurementOpening.user_id,
                   Experience.moderation_state == ModerationState.PUBLISHED,
                   Experience.contract_end_year.is_not(None),
                   User.active.is_(True)))


def require_open(audience: Audience) -> ProcurementOpening:
    """The audience's own opening; Forbidden for members who are not open, visitors too."""
    opening = opening_of(audience.member_id) if audience.is_member else None
    if opening is None:
        raise Forbidden(NOT_OPEN)
    return opening


def partners(audience: Audience) -> list[Partner]:
    """The other open members whose contracts end within the audience's own window,
    soonest first. Forbidden unless the audience is open itself."""
    mine = require_open(audience)
    found = db.session.scalars(_valid_openings().where(
        ProcurementOpening.user_id != mine.user_id,
        Experience.contract_end_year.between(mine.year_from, mine.year_to),
    ).order_by(Experience.contract_end_year, ProcurementOpening.id))
    return [_partner(opening) for opening in found]


def partner(audience: Audience, opening_id: int) -> Partner:
    """One partner of the list; NotFound for any other opening (forged ids too)."""
    for found in partners(audience):
        if found.opening_id == opening_id:
            return found
    raise NotFound(NO_SUCH_PARTNER)


def sent_today(user_id: int, now: datetime | None = None) -> int:
    since = (now or utcnow()) - timedelta(days=1)
    return db.session.scalar(select(func.count()).select_from(ProcurementMessage).where(
        ProcurementMessage.sender_id == user_id, ProcurementMessage.created_at >= since)) or 0


def send(sender: User, audience: Audience, opening_id: int, body: str,
         now: datetime | None = None) -> ProcurementMessage:
    """Write to an open member through kb: the message is stored and mailed to her (no
    address of either), and answered on kb."""
    target = partner(audience, opening_id)
    mine = require_open(audience)
    body = text.multi_line(body or "").strip()
    if not body:
        raise Invalid("Skriv ett meddelande.", field="body")
    if len(body) > MESSAGE_MAX:
        raise Invalid(f"Högst {MESSAGE_MAX} tecken.", field="body")
    if sent_today(sender.id, now) >= MESSAGES_PER_DAY:
        raise Conflict(f"Du har redan skickat {MESSAGES_PER_DAY} meddelanden det senaste "
                       "dygnet. Försök igen i morgon.")
    recipient_opening = db.session.get(ProcurementOpening, target.opening_id)
    recipient = recipient_opening.user
    waiting = db.session.scalar(select(func.count()).select_from(ProcurementMessage).where(
        ProcurementMessage.sender_id == sender.id,
        ProcurementMessage.recipient_id == recipient.id,
        ProcurementMessage.replied_at.is_(None)))
    if waiting:
        raise Conflict("Du har redan ett obesvarat meddelande till den här organisationen. "
                       "Vänta på svaret.")
    message = ProcurementMessage(sender_id=sender.id, recipient_id=recipient.id, body=body,
                                 sender_summary=_partner(mine).summary[:300],
                                 created_at=now or utcnow())
    db.session.add(message)
    db.session.flush()
    mail.queue("procurement_message", recipient.email,
               "Förfrågan om samordnad upphandling via kb", "procurement_message",
               user_id=recipient.id, message=message,
               url=mail.link("partners.message", message_id=message.id))
    db.session.commit()
    return message


def readable_message(audience: Audience, message_id: int) -> ProcurementMessage:
    message = db.session.get(ProcurementMessage, message_id)
    if message is None or not access.may_read_message(audience, message):
        raise NotFound("Meddelandet finns inte.")
    return message


def answer(audience: Audience, message_id: int, body: str,
           now: datetime | None = None) -> ProcurementMessage:
    """The recipient answers: both get the other's name and address by mail."""
    message = readable_message(audience, message_id)
    if not access.may_answer_message(audience, message):
        raise Forbidden("Bara mottagaren kan svara, och bara en gång.")
    body = text.multi_line(body or "").strip()
    if len(body) > MESSAGE_MAX:
        raise Invalid(f"Högst {MESSAGE_MAX} tecken.", field="body")
    message.reply_body = body
    message.replied_at = now or utcnow()
    for to, other in ((message.sender, message.recipient), (message.recipient, message.sender)):
        mail.queue("procurement_contact", to.email, "Kontaktuppgifter för samordnad upphandling",
                   "procurement_contact", user_id=to.id, message=message, other=other,
                   url=mail.link("partners.message", message_id=message.id))
    db.session.commit()
    return message


def messages_of(user_id: int) -> list[ProcurementMessage]:
    """The member's messages, sent and received, newest first."""
    return list(db.session.scalars(select(ProcurementMessage).where(
        or_(ProcurementMessage.sender_id == user_id,
            ProcurementMessage.recipient_id == user_id))
        .order_by(ProcurementMessage.created_at.desc(), ProcurementMessage.id.desc())))


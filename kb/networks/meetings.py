"""A network's meetings: scheduling, answers, notes afterwards, and the calendar files.

Times are entered and shown in Swedish local time (Europe/Stockholm) and stored as
naive UTC, like every time kb keeps. Each meeting has a calendar identity (UID) and a
SEQUENCE that grows with every change a calendar should see, so a calendar program that
imported the .ics, or subscribes to the network's feed, updates the event in place;
a cancelled meeting stays in the feed with STATUS:CANCELLED so calendars remove it.
Every text goes into the calendar without control characters (kb.core.text): a title
or name stored with a line break before the forms refused one is one line there.

Who may fetch the calendar: the network's members. The feed of a network's meetings
can also be fetched with a per-member secret token in its URL (a calendar program
subscribes without a session); the token belongs to one membership, is replaced when
the member asks for a new one, and stops working when they leave or are removed.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb import community
from kb.access import membership, policy
from kb.access import networks as access
from kb.access.policy import Audience
from kb.core import text
from kb.core.dates import STOCKHOLM, stockholm
from kb.core.errors import Conflict, Forbidden, Invalid, NotFound
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.models import (
    Experience,
    Meeting,
    MeetingItem,
    MeetingResponse,
    Network,
    NetworkMembership,
    NetworkQuestion,
    PayrollSystem,
    User,
    utcnow,
)
from kb.networks import memberships as networks

PRODID = "-//kb//Lönesystem i praktiken//SV"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# How far back the feed goes: calendars keep what they imported.
FEED_DAYS_BACK = 180


# Time ---------------------------------------------------------------------------------

def to_utc(day: date, moment: time) -> datetime:
    """Swedish local time as naive UTC (a time skipped when clocks go forward counts as
    the hour after)."""
    local = datetime.combine(day, moment, tzinfo=STOCKHOLM)
    return local.astimezone(UTC).replace(tzinfo=None)


def local(moment: datetime) -> datetime:
    """Stored naive UTC in Swedish local time (aware)."""
    return stockholm(moment)


# Reading ------------------------------------------------------------------------------

def meeting_in(network: Network, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.network_id != network.id:
        raise NotFound("Mötet finns inte.")
    return meeting


def upcoming(network: Network, limit: int | None = None) -> list[Meeting]:
    """The network's meetings that have not ended, soonest first (cancelled ones too,
    marked as such)."""
    query = (select(Meeting).where(Meeting.network_id == network.id, Meeting.ends_at >= utcnow())
             .order_by(Meeting.starts_at, Meeting.id))
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def past(network: Network) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).where(Meeting.network_id == network.id, Meeting.ends_at < utcnow())
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())))


def upcoming_for(audience: Audience, limit: int = 5) -> list[Meeting]:
    """The coming meetings of the member's networks, not cancelled, soonest first."""
    if not audience.network_ids:
        return []
    return list(db.session.scalars(
        select(Meeting).options(joinedload(Meeting.network))
        .where(Meeting.network_id.in_(sorted(audience.network_ids)),
               Meeting.ends_at >= utcnow(), Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)))


@dataclass
class Answers:
    """How members answered: coming on site, coming digitally, maybe, not coming."""

    physical: int = 0
    digital: int = 0
    coming_unspecified: int = 0
    maybe: int = 0
    no: int = 0

    @property
    def coming(self) -> int:
        return self.physical + self.digital + self.coming_unspecified


def answers(meeting: Meeting) -> Answers:
    counts = Counter((r.answer, r.attendance) for r in meeting.responses)
    found = Answers()
    for (answer, attendance), n in counts.items():
        if answer == "yes" and attendance == "physical":
            found.physical += n
        elif answer == "yes" and attendance == "digital":
            found.digital += n
        elif answer == "yes":
            found.coming_unspecified += n
        elif answer == "maybe":
            found.maybe += n
        else:
            found.no += n
    return found


def response_of(meeting: Meeting, user_id: int | None) -> MeetingResponse | None:
    if user_id is None:
        return None
    return db.session.get(MeetingResponse, (meeting.id, user_id))


def discussed(meeting: Meeting, audience: Audience) -> tuple[list[Experience],
                                                              list[NetworkQuestion]]:
    """The experiences and questions linked to the meeting that this viewer may read (a
    linked experience may be shared with another network the viewer is not in)."""
    reach = policy.readable(audience)
    experiences = [item.experience for item in meeting.items
                   if item.experience is not None and reach.includes(item.experience)]
    questions = [item.question for item in meeting.items if item.question is not None]
    return experiences, questions


# Scheduling ----------------------------------------------------------------------------

def _apply(meeting: Meeting, values: dict) -> bool:
    """Set the meeting's fields; True when something a calendar shows changed."""
    starts = to_utc(values["day"], values["start"])
    ends = to_utc(values["day"], values["end"])
    if ends <= starts:
        raise Invalid("Mötet måste sluta efter att det börjar.", field="end")
    changed = False
    for name in ("title", "mode", "address", "meeting_url", "agenda", "topics"):
        value = (values.get(name) or "").strip()
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed = True
    if meeting.starts_at != starts or meeting.ends_at != ends:
        meeting.starts_at, meeting.ends_at = starts, ends
        changed = True
    wanted = sorted(set(values.get("system_ids") or ()))
    if sorted(s.id for s in meeting.systems) != wanted:
        meeting.systems = list(db.session.scalars(
            select(PayrollSystem).where(PayrollSystem.id.in_(wanted)))) if wanted else []
    return changed


def schedule(network: Network, leader: User, values: dict) -> Meeting:
    """A new meeting; every member hears of it (kb.notifications)."""
    access.require_leading(network, leader)
    meeting = Meeting(network_id=network.id, created_by_id=leader.id, sequence=0,
                      uid=f"{secrets.token_hex(12)}@kb-natverk")
    meeting.network = network
    _apply(meeting, values)
    db.session.add(meeting)
    db.session.flush()
    community.notify_members(network, community.MEETING, meeting=meeting, except_user=leader)
    db.session.commit()
    return meeting


def update(meeting: Meeting, leader: User, values: dict) -> Meeting:
    network = meeting.network
    access.require_leading(network, leader)
    if meeting.is_cancelled:
        raise Conflict("Mötet är inställt och kan inte ändras.")
    if _apply(meeting, values):
        meeting.sequence += 1
        meeting.updated_at = utcnow()
        community.notify_members(network, community.MEETING_CHANGED, meeting=meeting,
                                 except_user=leader)
    db.session.commit()
    return meeting


def cancel(meeting: Meeting, leader: User) -> None:
    access.require_leading(meeting.network, leader)
    if meeting.is_cancelled:
        raise Conflict("Mötet är redan inställt.")
    meeting.cancelled_at = utcnow()
    meeting.sequence += 1
    meeting.updated_at = meeting.cancelled_at
    community.notify_members(meeting.network, community.MEETING_CANCELLED, meeting=meeting,
                             except_user=leader)
    db.session.commit()


def respond(meeting: Meeting, user: User, answer: str, attendance: str | None) -> None:
    """A member's kommer / kommer inte / kanske; how they take part counts apart."""
    if not membership.is_active(access.membership_of(meeting.network, user.id)):
        raise Forbidden(access.MEMBERS_ONLY)
    access.require_open(meeting.network)
    if meeting.is_cancelled:
        raise Conflict("Mötet är inställt.")
    if meeting.ends_at < utcnow():
        raise Conflict("Mötet har redan varit.")
    if answer not in ("yes", "no", "maybe"):
        raise Invalid("Välj kommer, kommer inte eller kanske.", field="answer")
    if answer == "no":
        attendance = None
    elif meeting.mode == "physical":
        attendance = "physical"
    elif meeting.mode == "digital":
        attendance = "digital"
    elif attendance not in ("physical", "digital"):
        if answer == "yes":
            raise Invalid("Välj om du deltar på plats eller digitalt.", field="attendance")
        attendance = None
    found = response_of(meeting, user.id)
    if found is None:
        found = MeetingResponse(meeting_id=meeting.id, user_id=user.id)
        db.session.add(found)
    found.answer, found.attendance, found.updated_at = answer, attendance, utcnow()
    db.session.commit()


def linkable(meeting: Meeting, audience: Audience) -> tuple[list[Experience],
                                                             list[NetworkQuestion]]:
    """What a leader may link as discussed: the members' experiences the leader may
    read (newest 40) and the network's questions (newest 40).

    An anonymous experience is offered only when it is shared with this network: any
    other would tell the leader that its author is one of the network's members."""
    member_ids = networks.member_ids(meeting.network)
    experiences = list(db.session.scalars(
        select(Experience).options(joinedload(Experience.system))
        .where(policy.readable(audience).clause(), Experience.author_id.in_(member_ids or [0]),
               Experience.moderation_state == ModerationState.PUBLISHED,
               ~Experience.anonymous
               | ((Experience.visibility == "networks")
                  & Experience.networks.any(Network.id == meeting.network_id)))
        .order_by(Experience.created_at.desc()).limit(40)))
    linked = [item.experience for item in meeting.items if item.experience is not None]
    experiences += [e for e in linked if e not in experiences]
    questions = list(db.session.scalars(
        select(NetworkQuestion).where(NetworkQuestion.network_id == meeting.network_id,
                                      NetworkQuestion.parent_id.is_(None))
        .order_by(NetworkQuestion.created_at.desc()).limit(40)))
    return experiences, questions


def save_notes(meeting: Meeting, leader: User, notes: str, experience_ids, question_ids,
               audience: Audience) -> None:
    """After the meeting: the notes, and what was discussed (only what the leader may
    link: see `linkable`)."""
    access.require_leading(meeting.network, leader)
    experiences, questions = linkable(meeting, audience)
    allowed_experiences = {e.id for e in experiences}
    allowed_questions = {q.id for q in questions}
    if not set(experience_ids) <= allowed_experiences or \
            not set(question_ids) <= allowed_questions:
        raise Invalid("Välj bland erfarenheterna och frågorna i listan.", field="notes")
    meeting.notes = (notes or "").strip()
    meeting.items = ([MeetingItem(experience_id=i) for i in dict.fromkeys(experience_ids)]
                     + [MeetingItem(question_id=i) for i in dict.fromkeys(question_ids)])
    db.session.commit()


# The calendar --------------------------------------------------------------------------

def calendar_token(mine: NetworkMembership | None, renew: bool = False) -> str:
    """The member's secret for the network's feed, made (or replaced) on request."""
    if not membership.is_active(mine):
        raise Forbidden(access.MEMBERS_ONLY)
    if mine.calendar_token is None or renew:
        mine.calendar_token = secrets.token_urlsafe(32)
        db.session.commit()
    return mine.calendar_token


def member_by_token(network: Network, token: str) -> NetworkMembership | None:
    if not token:
        return None
    found = db.session.scalar(select(NetworkMembership).where(
        NetworkMembership.calendar_token == token[:64],
        NetworkMembership.network_id == network.id))
    return found if membership.is_active(found) else None


def _event(meeting: Meeting, url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp.replace(tzinfo=UTC))
    event.add("created", meeting.created_at.replace(tzinfo=UTC))
    event.add("last-modified", meeting.updated_at.replace(tzinfo=UTC))
    event.add("dtstart", local(meeting.starts_at))
    event.add("dtend", local(meeting.ends_at))
    event.add("summary", f"{text.single_line(meeting.title)} "
                         f"({text.single_line(meeting.network.name)})")
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    link = text.single_line(meeting.meeting_url)
    places = []
    if meeting.mode in ("physical", "both") and meeting.address:
        lines = text.multi_line(meeting.address).split("\n")
        places.append(", ".join(line for line in map(text.single_line, lines) if line))
    if meeting.mode in ("digital", "both") and link:
        places.append(link)
    if places:
        event.add("location", " / ".join(places))
    description = [text.multi_line(meeting.agenda)] if meeting.agenda else []
    if meeting.mode in ("digital", "both") and link:
        description.append(f"Möteslänk: {link}")
    description.append(f"Mötet i kb: {url}")
    event.add("description", "\n\n".join(description))
    event.add("url", url)
    return event


def calendar(meetings: list[Meeting], urls: dict[int, str], name: str) -> bytes:
    """An RFC 5545 calendar of these meetings, times in Europe/Stockholm with its
    VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", text.single_line(name))
    cal.add("x-wr-timezone", "Europe/Stockholm")
    stamp = utcnow()
    for meeting in meetings:
        cal.add_component(_event(meeting, urls[meeting.id], stamp))
    if meetings:
        first = min(local(m.starts_at) for m in meetings).replace(tzinfo=None)
        last = max(local(m.ends_at) for m in meetings).replace(tzinfo=None)
        cal.add_missing_timezones(first_date=(first - timedelta(days=366)).date(),
                                  last_date=(last + timedelta(days=366)).date())
    return cal.to_ical()


def feed_meetings(network: Network) -> list[Meeting]:
    """What the feed carries: the last FEED_DAYS_BACK days and everything ahead."""
    since = utcnow() - timedelta(days=FEED_DAYS_BACK)
    return list(db.session.scalars(
        select(Meeting).where(Meeting.network_id == network.id, Meeting.ends_at >= since)
        .order_by(Meeting.starts_at, Meeting.id)))

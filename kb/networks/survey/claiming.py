"""A member of an organisation a survey listed takes its answer over: the experience
becomes theirs to keep up to date, and later sheets leave it alone.

Only a member whose link to that organisation is verified takes it over (see
kb.access.organisations: a confirmed address at its domain, a leader's or a
moderator's confirmation – never its name typed into a profile): the answer's own
organisation, or another one of the same name when a domain or a moderator verified
the member (a leader vouches only for their own organisation). A member who names the
organisation but lacks something is told exactly what (`check`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kb import experiences, moderation
from kb.access import organisations as verified
from kb.access import policy
from kb.access.policy import Audience
from kb.core.errors import Conflict, Forbidden
from kb.extensions import db
from kb.models import Experience, SurveyAnswer, User, utcnow

NOT_THEIRS = ("Bara en medlem som arbetar i organisationen kan ta över organisationens "
              "enkätsvar.")
CONFIRM_ADDRESS = ("Bekräfta din e-postadress: följ länken i mejlet vi skickade (under Mitt "
                   "konto kan du få en ny).")
NOT_VERIFIED = ("Din koppling till organisationen är inte verifierad: be en moderator eller "
                "nätverksledare bekräfta den, eller använd din e-postadress på organisationens "
                "domän.")
LEADER_ELSEWHERE = ("Din koppling till organisationen är bekräftad av en nätverksledare, men "
                    "enkätsvaret hör till en annan post med samma namn: be en moderator "
                    "bekräfta den, eller använd din e-postadress på organisationens domän.")


@dataclass(frozen=True)
class ClaimCheck:
    """Whether a member may take a survey answer over, and otherwise, for a member who
    names its organisation, what is missing (Swedish sentences, in the order to do them)."""

    allowed: bool
    missing: tuple[str, ...] = ()


NO = ClaimCheck(False)


def _answer(experience: Experience) -> SurveyAnswer | None:
    return db.session.scalar(select(SurveyAnswer).where(
        SurveyAnswer.experience_id == experience.id, SurveyAnswer.claimed_at.is_(None)))


def _names_it(experience: Experience, member: User) -> bool:
    """The member says they work at the organisation the answer names: the same row, or
    one of the same name (what they say is not yet what is verified)."""
    mine = member.organisation
    if mine is None or experience.organisation is None:
        return False
    return mine.id == experience.organisation_id or \
        verified.same_name(mine, experience.organisation)


def check(experience: Experience, member: User | None) -> ClaimCheck:
    """Whether this member may take the survey answer over: it is a network's current
    survey answer, their address is confirmed, and their link to the organisation it
    names is verified – the answer's own organisation row, or one of the same name that
    a domain or a moderator verified."""
    if member is None or not getattr(member, "is_authenticated", False):
        return NO
    if not (experience.is_survey_answer and experience.author_id is None) or \
            not _names_it(experience, member) or _answer(experience) is None:
        return NO
    missing = []
    if not member.is_confirmed:
        missing.append(CONFIRM_ADDRESS)
    found = verified.verification(member)
    if found is None:
        missing.append(NOT_VERIFIED)
    elif member.organisation_id != experience.organisation_id and \
            found.how not in (verified.DOMAIN, verified.MODERATOR):
        missing.append(LEADER_ELSEWHERE)
    return ClaimCheck(not missing, tuple(missing))


def claimable(experience: Experience, member: User | None) -> bool:
    return check(experience, member).allowed


def claim(experience: Experience, member: User, audience: Audience) -> Experience:
    if not policy.may_read(audience, experience):
        raise Forbidden(NOT_THEIRS)
    found = check(experience, member)
    if not found.allowed:
        raise Forbidden(" ".join(found.missing) or NOT_THEIRS)
    if experiences.existing(member.id, experience.system_id) is not None:
        raise Conflict(f"Du har redan en erfarenhet av {experience.system.name}. Uppdatera "
                       "den i stället; enkätsvaret ligger kvar som nätverkets.")
    answer, name = _answer(experience), experience.organisation.name
    now = utcnow()
    answer.claimed_by_id, answer.claimed_at = member.id, now
    experience.author_id, experience.survey_network_id = member.id, None
    # The answer counts for the organisation the member is verified at (the same one,
    # or the one of the same name kb knows for certain), once with its colleagues.
    experience.organisation_id = member.organisation_id
    if member.professional_role:
        experience.reviewer_role = member.professional_role
    experience.updated_at = now
    moderation.audit_log(member, "survey.claim", experience, f"Enkätsvaret för {name}.")
    db.session.commit()
    return experience

"""A member of an organisation a survey listed takes its answer over: the experience
becomes theirs to keep up to date, and later sheets leave it alone."""

from __future__ import annotations

from sqlalchemy import select

from kb import audit, experiences, policy
from kb.errors import Conflict, Forbidden
from kb.extensions import db
from kb.models import Experience, SurveyAnswer, User, utcnow
from kb.policy import Audience
from kb.survey.values import key


def _answer(experience: Experience) -> SurveyAnswer | None:
    return db.session.scalar(select(SurveyAnswer).where(
        SurveyAnswer.experience_id == experience.id, SurveyAnswer.claimed_at.is_(None)))


def _same_organisation(experience: Experience, member: User) -> bool:
    mine = member.organisation
    if mine is None or experience.organisation is None:
        return False
    return mine.id == experience.organisation_id or \
        (bool(key(mine.name)) and key(mine.name) == key(experience.organisation.name))


def claimable(experience: Experience, member: User | None) -> bool:
    """Whether this member may take the survey answer over: it is a network's current
    survey answer, and they work at the organisation it names and have confirmed their
    address (an organisation's name is only what its members wrote when they joined)."""
    return (member is not None and member.email_confirmed_at is not None
            and experience.is_survey_answer and experience.author_id is None
            and _same_organisation(experience, member) and _answer(experience) is not None)


def claim(experience: Experience, member: User, audience: Audience) -> Experience:
    if not policy.may_read(audience, experience) or not claimable(experience, member):
        raise Forbidden("Bara en medlem som arbetar i organisationen kan ta över "
                        "organisationens enkätsvar.")
    if experiences.existing(member.id, experience.system_id) is not None:
        raise Conflict(f"Du har redan en erfarenhet av {experience.system.name}. Uppdatera "
                       "den i stället; enkätsvaret ligger kvar som nätverkets.")
    answer = _answer(experience)
    now = utcnow()
    answer.claimed_by_id, answer.claimed_at = member.id, now
    experience.author_id, experience.survey_network_id = member.id, None
    if member.professional_role:
        experience.reviewer_role = member.professional_role
    experience.updated_at = now
    audit.record(member, "survey.claim", experience,
                 f"Enkätsvaret för {experience.organisation.name}.")
    db.session.commit()
    return experience

"""Recording, reading, changing and removing experiences."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from kb import freshness, notifications, parsing, policy
from kb.errors import Conflict, Forbidden, NotFound
from kb.extensions import db
from kb.models import Experience, User, utcnow
from kb.models.experiences import TEXT_FIELDS
from kb.moderation import initial_state
from kb.policy import Audience

# What a member fills in (kb.forms.experiences.ExperienceForm has one field each).
EDITABLE_FIELDS = (
    "system_id", "sector", "size_band", "employees_paid", "reviewer_role", "deployment",
    "in_use_since", "usage_status",
    "satisfaction", "rating_usability", "rating_support", "rating_stability",
    "rating_reporting", "rating_compliance", "rating_integrations", "rating_value",
    "rating_implementation", "recommend",
    "cap_agi", "cap_semester", "cap_kollektivavtal", "cap_pension", "cap_paxml", "cap_sie",
    "cap_bankid", "cap_payslips", "cap_selfservice",
    "switched_from_id", "switch_reason", "go_live_months", "considering_switch_to_id",
    "title", "pros", "cons", "tips", "body",
    "visibility", "anonymous",
)


def readable(experience_id: int, audience: Audience) -> Experience:
    """The experience, or NotFound when it is missing or not for this audience's eyes."""
    experience = db.session.get(Experience, experience_id)
    if experience is None or not policy.may_read(audience, experience):
        raise NotFound("Erfarenheten finns inte eller har tagits bort.")
    return experience


def own(experience_id: int, audience: Audience) -> Experience:
    """The audience's own experience; Forbidden when it is someone else's."""
    experience = readable(experience_id, audience)
    if not policy.may_change(audience, experience):
        raise Forbidden("Bara den som skrev erfarenheten kan ändra den.")
    return experience


def existing(author_id: int | None, system_id: int | None,
             other_than: int | None = None) -> Experience | None:
    """The member's own experience of this system, if they have one (another than
    `other_than`): a member has one current experience per system, kept up to date."""
    if author_id is None or not isinstance(system_id, int) \
            or not 0 < system_id <= parsing.MAX_ID:
        return None  # no system (or no id the database could hold) chosen
    query = select(Experience).where(Experience.author_id == author_id,
                                     Experience.system_id == system_id)
    if other_than is not None:
        query = query.where(Experience.id != other_than)
    return db.session.scalars(query.order_by(Experience.id).limit(1)).first()


def _refuse_second(author_id: int | None, system_id: int | None,
                   other_than: int | None = None) -> None:
    if existing(author_id, system_id, other_than) is not None:
        raise Conflict("Du har redan en erfarenhet av det här lönesystemet. "
                       "Uppdatera den i stället.")


def _apply(values: Mapping, experience: Experience) -> None:
    for name in EDITABLE_FIELDS:
        value = values.get(name)
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        setattr(experience, name, value)
    if experience.deployment == "":
        experience.deployment = None
    experience.anonymous = bool(experience.anonymous)


def record(author: User, values: Mapping) -> Experience:
    """A new experience from the form's values (EDITABLE_FIELDS)."""
    _refuse_second(author.id, values.get("system_id"))
    # The organisation the author writes for, kept even if they move on.
    experience = Experience(author=author, organisation_id=author.organisation_id,
                            moderation_state=initial_state(author))
    _apply(values, experience)
    db.session.add(experience)
    db.session.flush()
    # Followers of the system hear of it in the same transaction (published ones only).
    notifications.notify_followers(experience, commit=False)
    db.session.commit()
    return experience


def update(experience: Experience, values: Mapping) -> Experience:
    _refuse_second(experience.author_id, values.get("system_id"), other_than=experience.id)
    previous_satisfaction, previous_confirmed_at = experience.satisfaction, experience.confirmed_at
    _apply(values, experience)
    experience.updated_at = utcnow()
    # An update is also a confirmation; the earlier satisfaction is kept in the history.
    freshness.record_update(experience, previous_satisfaction, previous_confirmed_at,
                            now=experience.updated_at)
    db.session.commit()
    return experience


def remove(experience: Experience) -> None:
    db.session.delete(experience)
    db.session.commit()

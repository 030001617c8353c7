"""Recording, reading, changing and removing experiences."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from kb import accounts, community, moderation, procurement
from kb.access import membership, policy
from kb.access.policy import Audience
from kb.core import parsing
from kb.core.errors import Conflict, Forbidden, Invalid, NotFound
from kb.experiences import freshness
from kb.extensions import db
from kb.models import Experience, Network, NetworkMembership, User, utcnow
from kb.models.experiences import TEXT_FIELDS

# What a member fills in (kb.forms.experiences.ExperienceForm has one field each).
EDITABLE_FIELDS = (
    "system_id", "sector", "size_band", "employees_paid", "reviewer_role", "deployment",
    "in_use_since", "usage_status",
    "satisfaction", "rating_usability", "rating_support", "rating_stability",
    "rating_reporting", "rating_compliance", "rating_integrations", "rating_value",
    "rating_implementation", "recommend",
    "cap_agi", "cap_semester", "cap_kollektivavtal", "cap_pension", "cap_paxml", "cap_sie",
    "cap_bankid", "cap_payslips", "cap_selfservice",
    "switched_from_id", "switch_reason", "go_live_months", "previous_satisfaction",
    "considering_switch_to_id",
    "title", "pros", "cons", "tips", "body",
    "visibility", "anonymous",
    *procurement.CONTRACT_FIELDS,
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


def shareable_networks(author_id: int, experience: Experience | None = None) -> list[Network]:
    """The networks an experience may be shared with: the author's own (not closed by a
    moderator), and those it is shared with already – leaving a network keeps what was
    shared with it there, and never makes it more visible."""
    own = select(NetworkMembership.network_id).where(
        NetworkMembership.user_id == author_id, membership.active())
    with db.session.no_autoflush:  # a new experience being filled in is not written yet
        networks = {n.id: n for n in db.session.scalars(
            select(Network).where(Network.id.in_(own), Network.closed_at.is_(None)))}
        if experience is not None and experience.id is not None:
            networks.update((n.id, n) for n in experience.networks)
    return sorted(networks.values(), key=lambda n: n.name.lower())


def _share(experience: Experience, author_id: int, network_ids) -> None:
    """Visibility "networks" needs at least one of the author's networks; any other
    visibility shares with none."""
    if experience.visibility != "networks":
        experience.networks = []
        return
    allowed = {n.id: n for n in shareable_networks(author_id, experience)}
    chosen = [int(i) for i in dict.fromkeys(network_ids or ())]
    if not chosen:
        raise Invalid("Välj minst ett av dina nätverk, eller en annan synlighet.",
                      field="network_ids")
    if any(i not in allowed for i in chosen):
        raise Invalid("Du kan bara dela med nätverk du är medlem i.", field="network_ids")
    experience.networks = [allowed[i] for i in chosen]


def _apply(values: Mapping, experience: Experience, author_id: int) -> None:
    for name in EDITABLE_FIELDS:
        value = values.get(name)
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        setattr(experience, name, value)
    if experience.deployment == "":
        experience.deployment = None
    for name, value in procurement.normalised(values).items():
        setattr(experience, name, value)
    experience.anonymous = bool(experience.anonymous)
    _share(experience, author_id, values.get("network_ids"))


def record(author: User, values: Mapping) -> Experience:
    """A new experience from the form's values (EDITABLE_FIELDS)."""
    _refuse_second(author.id, values.get("system_id"))
    # The organisation the author writes for, kept even if they move on: theirs while
    # their link to it is verified, otherwise a row of their own (it speaks for nobody).
    experience = Experience(author=author,
                            organisation_id=accounts.organisation_for_experience(author),
                            moderation_state=moderation.initial_state(author))
    _apply(values, experience, author.id)
    db.session.add(experience)
    db.session.flush()
    # Followers of the system hear of it in the same transaction (published ones only).
    community.notify_followers(experience, commit=False)
    db.session.commit()
    return experience


def update(experience: Experience, values: Mapping) -> Experience:
    _refuse_second(experience.author_id, values.get("system_id"), other_than=experience.id)
    previous_satisfaction, previous_confirmed_at = experience.satisfaction, experience.confirmed_at
    previous_contract = procurement.facts_of(experience)
    _apply(values, experience, experience.author_id)
    procurement.keep_history(experience, previous_contract, previous_confirmed_at, "updated")
    experience.updated_at = utcnow()
    # An update is also a confirmation; the earlier satisfaction is kept in the history.
    freshness.record_update(experience, previous_satisfaction, previous_confirmed_at,
                            now=experience.updated_at)
    db.session.commit()
    return experience


def remove(experience: Experience) -> None:
    db.session.delete(experience)
    db.session.commit()

"""When a network's member organisations' contracts end: one row per organisation, for
the network's members (and moderators), so a network can plan a joint procurement.

The rows come from the active members' published answers of systems they use today,
and the network's own survey answers, that the viewer may read and whose contract
facts the viewer may see (kb.access.procurement); per organisation the most recently
confirmed answer with a contract end. Like the network's overview, an anonymous
answer is never a row (its organisation would be named beside it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from kb.access import membership
from kb.access import networks as network_access
from kb.access import procurement as access
from kb.access.policy import Audience
from kb.core import vocab
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.models import Experience, Network, NetworkMembership
from kb.procurement.contracts import ends_text


@dataclass(frozen=True)
class ContractRow:
    unit: object  # the organisation's id, or ("experience", id) for an answer without one
    organisation: str
    system: object  # PayrollSystem
    ends: str
    end_year: int
    extension: str
    route: str
    next_procurement: int | None
    survey: bool


def unit_of(experience: Experience) -> object:
    """What one row stands for: the answer's organisation, else the answer itself."""
    return experience.organisation_id or ("experience", experience.id)


def network_contracts(audience: Audience, network: Network) -> list[ContractRow] | None:
    """The rows, soonest end first; None when the viewer does not see inside the network."""
    if not network_access.network_view(audience, network).inside:
        return None
    members = select(NetworkMembership.user_id).where(
        NetworkMembership.network_id == network.id, membership.active())
    answers = db.session.scalars(
        select(Experience)
        .options(joinedload(Experience.organisation), joinedload(Experience.system),
                 joinedload(Experience.author))
        .where(or_(Experience.author_id.in_(members),
                   Experience.survey_network_id == network.id),
               Experience.contract_end_year.is_not(None),
               Experience.usage_status == "current",
               Experience.anonymous.is_(False),
               Experience.moderation_state == ModerationState.PUBLISHED)
        .order_by(Experience.confirmed_at.desc(), Experience.id.desc()))
    rows: dict[object, ContractRow] = {}
    for experience in answers:
        if not access.may_see_contract(audience, experience):
            continue
        unit = unit_of(experience)
        if unit in rows:
            continue
        if experience.organisation is not None and experience.organisation.name:
            name = experience.organisation.name
        elif experience.author is not None:
            name = experience.author.display_name
        else:
            name = "Okänd organisation"
        route = experience.procurement_route
        rows[unit] = ContractRow(
            unit=unit, organisation=name, system=experience.system,
            ends=ends_text(experience.contract_end_year, experience.contract_end_month),
            end_year=experience.contract_end_year,
            extension=experience.contract_extension or "",
            route=vocab.label(vocab.PROCUREMENT_ROUTES, route, "") if route else "",
            next_procurement=experience.next_procurement_year,
            survey=experience.is_survey_answer)
    return sorted(rows.values(), key=lambda row: (row.end_year, row.organisation.lower()))


def network_contract_ends(audience: Audience, network: Network,
                          experiences: list[Experience]) -> dict[int, str]:
    """For the network overview's answers (its exports): by experience id, when the
    contract of its organisation ends as the network page's rows show it to this viewer
    ("mars 2028"); an answer whose organisation has no row is left out."""
    rows = network_contracts(audience, network) or []
    ends = {row.unit: row.ends for row in rows}
    return {experience.id: ends[unit] for experience in experiences
            if (unit := unit_of(experience)) in ends}

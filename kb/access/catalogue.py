"""Who sees which payroll systems.

The catalogue is public: every system in it is seen by everyone, visitors too. A
system a member proposed (status "pending") is seen only by its proposer and by the
moderators who approve or merge it – and one a network's survey named, by the active
members of that network too, who read the answers naming it – until it is approved:
to anyone else it does not exist – its page and its API answer 404, and it is in no
list, search filter, comparison or catalogue download, so nobody else sees its name
or its website.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from kb.access.policy import Audience, may_moderate
from kb.core.errors import NotFound
from kb.models import PayrollSystem

PENDING = "pending"  # proposed by a member, waiting for a moderator


def may_see_system(audience: Audience, system: PayrollSystem) -> bool:
    """A system of the catalogue: everyone; a pending proposal: its proposer and
    moderators, and for one a network's survey named, that network's members."""
    if system.status != PENDING or may_moderate(audience):
        return True
    if audience.member_id is None:
        return False
    return system.proposed_by_id == audience.member_id or \
        proposed_in_network_of(audience, system)


def proposed_in_network_of(audience: Audience, system: PayrollSystem) -> bool:
    """A proposal named in the survey of a network the viewer is an active member of
    (kb.networks.survey): its members read the answers that name it."""
    return system.proposed_network_id is not None and \
        audience.in_network(system.proposed_network_id)


def require_seen(audience: Audience, system: PayrollSystem | None,
                 message: str | None = None) -> PayrollSystem:
    """The system, or NotFound for a viewer who may not see it (as if it did not exist)."""
    if system is None or not may_see_system(audience, system):
        raise NotFound(message or "Lönesystemet finns inte.")
    return system


def seen_clause(audience: Audience) -> ColumnElement[bool]:
    """A WHERE clause over PayrollSystem: the systems this audience may see."""
    if may_moderate(audience):
        return true()
    if audience.member_id is None:
        return PayrollSystem.status != PENDING
    seen = [PayrollSystem.status != PENDING, PayrollSystem.proposed_by_id == audience.member_id]
    if audience.network_ids:
        seen.append(PayrollSystem.proposed_network_id.in_(sorted(audience.network_ids)))
    return or_(*seen)

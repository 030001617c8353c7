"""What an active network membership is: the one definition, as SQL and in Python.

A member is in a network while their membership is active – a member or a leader now.
A request waiting for a leader, a declined request, and a member who left or was
removed are not in it: they read nothing of it and hear nothing from it. A leader is
an active member with the leader's role. Every query and test of kb that asks "who
is in this network" or "which networks is this member in" uses these.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, select

from kb.extensions import db
from kb.models import NetworkMembership
from kb.models.networks import ACTIVE, LEADER, REQUESTED


def active() -> ColumnElement[bool]:
    """A WHERE clause over NetworkMembership: the membership is active."""
    return NetworkMembership.status == ACTIVE


def leading() -> ColumnElement[bool]:
    """A WHERE clause over NetworkMembership: an active leader's membership."""
    return and_(active(), NetworkMembership.role == LEADER)


def is_active(membership: NetworkMembership | None) -> bool:
    """Whether a loaded membership (or none) is active."""
    return membership is not None and membership.status == ACTIVE


def is_leader(membership: NetworkMembership | None) -> bool:
    """Whether a loaded membership (or none) is an active leader's."""
    return is_active(membership) and membership.role == LEADER


def is_requested(membership: NetworkMembership | None) -> bool:
    """Whether a loaded membership (or none) is a request waiting for a leader."""
    return membership is not None and membership.status == REQUESTED


def active_network_ids(user_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Per member, the networks they are an active member (or leader) of – what they
    read network-shared text in. A member who left, was removed or only asked to join
    reads none of it."""
    ids = sorted(set(user_ids))
    found: dict[int, set[int]] = {}
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            select(NetworkMembership.user_id, NetworkMembership.network_id)
            .where(NetworkMembership.user_id.in_(ids[start:start + 500]), active()))
        for user_id, network_id in rows:
            found.setdefault(user_id, set()).add(network_id)
    return {user_id: frozenset(networks) for user_id, networks in found.items()}

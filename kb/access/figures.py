"""Whether a viewer sees every answer behind a figure.

The minimum-answers rule (kb.stats.MIN_ANSWERS: a mean, an NPS or a distribution of
fewer than five organisations is "för få svar") protects answers the viewer cannot
see. Where the viewer sees each answer a figure is made of – a network's active
members, on the network's page and in its exports, see each member organisation's
answer by name – the rule protects nothing, and the figure is shown whatever its n,
with n beside it.

A viewer sees an answer in a network when they are an active member of the network,
may read the experience (kb.access.policy) and it is not anonymous: an anonymous
answer is listed by name nowhere, not even to its author or a moderator on the
network's page, so it is never "seen" there (kb.networks.overview leaves it out of the
network's figures and says so).
Everybody else – a moderator who is not a member, anyone on a page that shows a
network's figures to non-members – gets the minimum-answers rule as before.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.access.networks import is_member
from kb.access.policy import Audience, may_read


def sees_answer(audience: Audience, network, experience) -> bool:
    """Whether this viewer sees this one answer by itself in the network's figures."""
    return (is_member(audience, network) and not experience.anonymous
            and may_read(audience, experience))


def sees_every_answer(audience: Audience, network, experiences: Iterable) -> bool:
    """Whether this viewer sees each answer behind a figure of the network (the
    experiences the figure counts): then it is shown whatever its n. A figure of no
    answers is seen trivially (it has nothing to show)."""
    return all(sees_answer(audience, network, experience) for experience in experiences)

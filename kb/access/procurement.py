"""Who may see what of procurement (kb.procurement): an answer's contract facts, the
figures made of them, members open to procuring together, their messages and shared
requirement lists.

- The contract facts of an answer are read by those who read the answer and whom its
  author's choice (`contract_audience`) lets in: "same" – everyone who reads the
  answer; "members" – logged-in members among them; "private" – the author and
  moderators alone. So they never reach further than the answer itself.
- On an anonymous answer the facts that could name the organisation – the
  organisations it procured together with, and the month the contract ends – are
  shown to its author and moderators only; the year, the way it was procured and
  the next procurement are shown like the rest.
- Figures count the contract facts of the answers the figures count for the audience
  (kb.access.policy.counted) whose contract audience lets the audience in; "private"
  facts count in no one's figures.
- Members open to procuring together see one another (only those whose contract ends
  within their own window), and nobody else sees that anyone is open: not visitors,
  not members who are not open themselves.
- A message between two open members is read by its sender and its recipient only.
- A requirement list is read by everyone ("public"), by members ("members"), or by its
  author and moderators ("private"); its author removes it, and so does a moderator,
  who gives a reason (kept in the audit log).
"""

from __future__ import annotations

from kb.access.policy import Audience, may_moderate, may_read

# Contract audiences whose facts count in the figures a visitor or a member sees.
_COUNTED_FOR_VISITORS = frozenset({"same"})
_COUNTED_FOR_MEMBERS = frozenset({"same", "members"})


def is_author_or_moderator(audience: Audience, experience) -> bool:
    return may_moderate(audience) or (
        audience.is_member and experience.author_id == audience.member_id)


def may_see_contract(audience: Audience, experience) -> bool:
    """Whether the audience reads the contract facts of this answer (it must read the
    answer too)."""
    if not may_read(audience, experience):
        return False
    if is_author_or_moderator(audience, experience):
        return True
    chosen = experience.contract_audience or "same"
    return chosen == "same" or (chosen == "members" and audience.is_member)


def may_see_identifying_contract(audience: Audience, experience) -> bool:
    """Whether the audience also reads the facts that could name an anonymous answer's
    organisation: with whom it procured, and the month its contract ends."""
    return may_see_contract(audience, experience) and (
        not experience.anonymous or is_author_or_moderator(audience, experience))


def counted_contract_audiences(audience: Audience) -> frozenset[str]:
    """The contract audiences whose facts count in the figures this audience sees."""
    return _COUNTED_FOR_MEMBERS if audience.is_member else _COUNTED_FOR_VISITORS


def may_read_message(audience: Audience, message) -> bool:
    return audience.is_member and audience.member_id in (message.sender_id,
                                                          message.recipient_id)


def may_answer_message(audience: Audience, message) -> bool:
    return audience.is_member and audience.member_id == message.recipient_id \
        and message.replied_at is None


def readable_requirement_visibilities(audience: Audience) -> frozenset[str]:
    if may_moderate(audience):
        return frozenset({"public", "members", "private"})
    return frozenset({"public", "members"}) if audience.is_member else frozenset({"public"})


def may_read_requirement(audience: Audience, requirement) -> bool:
    if audience.is_member and requirement.author_id == audience.member_id:
        return True
    return requirement.visibility in readable_requirement_visibilities(audience)


def is_requirement_author(audience: Audience, requirement) -> bool:
    return audience.is_member and requirement.author_id == audience.member_id


def may_remove_requirement(audience: Audience, requirement) -> bool:
    return is_requirement_author(audience, requirement) or may_moderate(audience)


def must_give_reason_to_remove(audience: Audience, requirement) -> bool:
    """A moderator removing someone else's list says why (the audit log keeps it)."""
    return not is_requirement_author(audience, requirement)

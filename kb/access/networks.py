"""Who may see and do what in a network, its meetings and its questions.

- Every network is listed by name; a network a moderator closed only to its members
  and moderators. An open network shows its kind, region, number of members and
  description to everyone; a closed-access ("invite") one shows them to its members
  (and on its own page its kind, region and number of members to everyone).
- What happens inside a network – what its members run, its meetings, its questions
  and answers, its member list – is read by its active members (kb.access.membership)
  and by moderators, who moderate everything, networks too.
- Taking part – asking, answering, answering a meeting, the calendar, the overview's
  downloads, leaving – is for its active members; nothing new happens in a network a
  moderator closed.
- A meeting's digital link and calendar file are for members only (not moderators).
- An invitation mailed to an address is for that address: only a member whose
  confirmed address it is uses its link (`require_invitee`); a link without an address
  lets in whoever a leader gave it to. Inviting, sending again and withdrawing are
  leaders' actions (`require_leading`).
- A network's leaders change it, schedule, change and cancel meetings and write their
  notes, manage its members, requests and invites and import its survey. While a
  moderator has it closed they do none of it (`require_leading`; they still see its
  members, requests and invites).
- The asker of a question marks the answer that helped.
- Moderators close and reopen networks and read why one was closed.
- Of the networks an experience is shared with, a viewer sees the names of their own;
  its author and moderators see all of them.

Views and templates do not decide any of this themselves: views call the `require_*`
functions, templates test the flags of a NetworkView (`may`) and a MeetingView
(`may_meeting`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true

from kb.access import membership as memberships
from kb.access.policy import Audience, may_moderate
from kb.core.dates import utcnow
from kb.core.errors import Conflict, Forbidden
from kb.extensions import db
from kb.models import Meeting, Network, NetworkMembership, NetworkQuestion

OPEN = "open"  # joined by a request; "invite": only through a leader's invite link

MEMBERS_ONLY = "Bara nätverkets medlemmar ser det här."
LEADERS_ONLY = "Bara nätverkets ledare kan göra det här."
CLOSED = "Nätverket är stängt av en moderator; inget nytt kan hända i det."


# Membership -----------------------------------------------------------------------------

def membership_of(network: Network, user_id: int | None) -> NetworkMembership | None:
    """The member's row for this network in any state (None for a visitor)."""
    if user_id is None:
        return None
    return db.session.scalar(select(NetworkMembership).where(
        NetworkMembership.network_id == network.id, NetworkMembership.user_id == user_id))


def is_member(audience: Audience, network: Network) -> bool:
    """An active member of the network (moderators are not, unless they joined)."""
    return audience.in_network(network.id)


def is_leader(network: Network, user_id: int | None) -> bool:
    return memberships.is_leader(membership_of(network, user_id))


# Reading and taking part --------------------------------------------------------------

def listed_clause(audience: Audience) -> ColumnElement[bool]:
    """A WHERE clause over Network: the networks the audience sees listed – every one,
    except networks a moderator closed, which only their members and moderators see."""
    if may_moderate(audience):
        return true()
    return Network.closed_at.is_(None) | Network.id.in_(sorted(audience.network_ids) or [0])


def described(network: Network, mine: NetworkMembership | None) -> bool:
    """Whether the list of networks describes a network (kind, region, members,
    description) or names it only: open networks, and the viewer's own."""
    return network.access == OPEN or memberships.is_active(mine)


def may_read(audience: Audience, network: Network) -> bool:
    """Who reads what happens inside a network: its members, and moderators (they
    moderate everything, networks too)."""
    return is_member(audience, network) or may_moderate(audience)


def may_see_description(audience: Audience, network: Network) -> bool:
    """An open network's description is for everyone, a closed-access one's for those
    who read inside it."""
    return network.access == OPEN or may_read(audience, network)


def require_reader(audience: Audience, network: Network) -> None:
    if not may_read(audience, network):
        raise Forbidden(MEMBERS_ONLY)


def require_member(audience: Audience, network: Network) -> None:
    """Taking part (answering, asking, the calendar) is for the network's members."""
    if not is_member(audience, network):
        raise Forbidden(MEMBERS_ONLY)


def require_leader(network: Network, user) -> NetworkMembership:
    """The leader's membership, or Forbidden for anyone else (`user` has an `id`)."""
    found = membership_of(network, user.id)
    if not memberships.is_leader(found):
        raise Forbidden(LEADERS_ONLY)
    return found


def require_open(network: Network) -> None:
    """Nothing new happens in a network a moderator closed (Conflict)."""
    if network.is_closed:
        raise Conflict(CLOSED)


def require_leading(network: Network, user) -> NetworkMembership:
    """Every leader's action – changing the network, scheduling, changing and cancelling
    meetings, writing their notes, answering requests, inviting, removing, appointing,
    importing the survey: the leader's membership, Forbidden for anyone else, and
    Conflict while a moderator has the network closed."""
    found = require_leader(network, user)
    require_open(network)
    return found


def invitee_problem(invite, user) -> str | None:
    """Why `user` may not use an invitation mailed to an address (in Swedish), or None
    when they may: it is for the member whose confirmed address it was sent to. A link
    without an address (`invite.email` None) is for whoever the leader gave it to."""
    if invite.email is None:
        return None
    if (user.email or "").lower() != invite.email:
        return (f"Inbjudan skickades till {invite.email}, och du är inloggad som "
                f"{user.email}. Logga ut och logga in med {invite.email} (eller skapa ett "
                "konto med den adressen) – eller be ledaren skicka en inbjudan till den "
                "adress du använder på kb.")
    if not user.is_confirmed:
        return (f"Bekräfta först att {invite.email} är din adress: följ länken i mejlet "
                "vi skickade när du skapade kontot. Sedan fungerar inbjudan.")
    return None


def require_invitee(invite, user) -> None:
    problem = invitee_problem(invite, user)
    if problem is not None:
        raise Forbidden(problem)


def may_mark_helped(audience: Audience, question: NetworkQuestion) -> bool:
    """The asker marks the answer that helped."""
    return audience.is_member and question.author_id == audience.member_id


def shared_with(audience: Audience, experience) -> list[Network]:
    """The networks an experience is shared with that this viewer may know of: their own
    (its author and moderators see all of them)."""
    if may_moderate(audience) or (audience.is_member
                                  and experience.author_id == audience.member_id):
        return list(experience.networks)
    return [n for n in experience.networks if audience.in_network(n.id)]


# Flags for views and templates -----------------------------------------------------------

@dataclass(frozen=True)
class NetworkView:
    """What one viewer may see and do in one network (`may` in the network's templates)."""

    member_id: int | None
    inside: bool       # reads what happens inside: members and moderators
    member: bool       # an active member: takes part
    leader: bool       # an active leader: the members page's tools, the meetings
    requested: bool    # asked to join, waiting for a leader
    moderate: bool     # closes and reopens the network
    see_description: bool
    network_closed: bool
    open_access: bool  # joined by a request rather than an invite

    @property
    def edit(self) -> bool:
        """Every leader's action (`require_leading`): change the network, schedule,
        change and cancel meetings and write their notes, manage members, requests and
        invites, import the survey."""
        return self.leader and not self.network_closed

    @property
    def take_part(self) -> bool:
        """Ask and answer questions."""
        return self.member and not self.network_closed

    @property
    def download(self) -> bool:
        """The overview as CSV or Excel, meetings as calendar files."""
        return self.member

    @property
    def leave(self) -> bool:
        return self.member

    @property
    def join(self) -> bool:
        """Ask to join (or join, when the leaders chose so): a member who is not in an
        open network that is not closed, and has not asked already."""
        return (self.member_id is not None and not self.member and not self.requested
                and self.open_access and not self.network_closed)

    @property
    def see_closed_reason(self) -> bool:
        return self.moderate

    def manage(self, other: NetworkMembership) -> bool:
        """Appoint or remove another member: a leader, while the network is open."""
        return self.edit and other.user_id != self.member_id


_READ = object()  # network_view reads the viewer's membership itself


def network_view(audience: Audience, network: Network, mine=_READ) -> NetworkView:
    """The viewer's flags for a network (`mine`: their membership or None, read unless
    given)."""
    if mine is _READ:
        mine = membership_of(network, audience.member_id)
    return NetworkView(
        member_id=audience.member_id,
        inside=may_read(audience, network),
        member=is_member(audience, network),
        leader=memberships.is_leader(mine),
        requested=memberships.is_requested(mine),
        moderate=may_moderate(audience),
        see_description=may_see_description(audience, network),
        network_closed=network.is_closed,
        open_access=network.access == OPEN,
    )


@dataclass(frozen=True)
class MeetingView:
    """What one viewer may see and do with one meeting (`may_meeting` in its template)."""

    see_link: bool      # the digital meeting link: members only
    download: bool      # the meeting as a calendar file: members only
    answer: bool        # kommer / kommer inte / kanske: members, before it ends
    edit: bool          # leaders of an open network, unless it is cancelled
    cancel: bool        # leaders of an open network, unless it is cancelled already
    write_notes: bool   # leaders of an open network

    @property
    def manage(self) -> bool:
        return self.edit or self.cancel or self.write_notes


def meeting_view(meeting: Meeting, network: NetworkView) -> MeetingView:
    """The viewer's flags for a meeting of a network they have the flags of."""
    cancelled = meeting.is_cancelled
    return MeetingView(
        see_link=network.member,
        download=network.member,
        answer=network.take_part and not cancelled and meeting.ends_at >= utcnow(),
        edit=network.edit and not cancelled,
        cancel=network.edit and not cancelled,
        write_notes=network.edit,
    )

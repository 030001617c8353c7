"""What is new for a member: answers, questions on their experiences, followed systems,
and what happens in their networks (meetings, questions, members).

Notifications are rows in the database, added in the same transaction as the
event they tell about. A notification is shown only while its member may still
read what it points to: an experience they may read, a network they are still a
member of. Whoever else must hear of a new notification (the mail of
kb.notification_mail) registers with `on_notify` and is told in the same
transaction, whatever the kind.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import joinedload

from kb import networks
from kb.access import policy
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.models import Comment, Experience, Follow, Notification, User, utcnow
from kb.models.networks import Meeting, Network, NetworkQuestion

QUESTION = "question"          # a question on my experience
ANSWER = "answer"              # an answer to my question
NEW_EXPERIENCE = "new_experience"  # a new experience of a system I follow
MEETING = "meeting"            # a meeting scheduled in my network
MEETING_CHANGED = "meeting_changed"  # ... moved or changed
MEETING_CANCELLED = "meeting_cancelled"  # ... cancelled
NETWORK_QUESTION = "network_question"  # a question asked to my network
NETWORK_ANSWER = "network_answer"  # an answer to my question in a network
JOIN_REQUEST = "join_request"  # someone asks to join a network I lead
JOINED = "joined"              # I am in (or: someone joined a network I lead)
SURVEY_APPROVED = "survey_approved"  # a moderator approved my network's survey import
SURVEY_DECLINED = "survey_declined"  # ... or declined it

KINDS = {
    QUESTION: "Ny fråga om din erfarenhet",
    ANSWER: "Nytt svar på din fråga",
    NEW_EXPERIENCE: "Ny erfarenhet av ett system du följer",
    MEETING: "Nytt möte i ditt nätverk",
    MEETING_CHANGED: "Ett möte i ditt nätverk har ändrats",
    MEETING_CANCELLED: "Ett möte i ditt nätverk är inställt",
    NETWORK_QUESTION: "Ny fråga i ditt nätverk",
    NETWORK_ANSWER: "Nytt svar på din fråga i nätverket",
    JOIN_REQUEST: "Någon vill gå med i ditt nätverk",
    JOINED: "Ny medlem i nätverket",
    SURVEY_APPROVED: "Nätverkets enkätimport är godkänd",
    SURVEY_DECLINED: "Nätverkets enkätimport är avböjd",
}

PER_PAGE = 30

_listeners: list[Callable[[Notification], None]] = []


def on_notify(listener: Callable[[Notification], None]) -> None:
    """Call `listener(notification)` for every notification added (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


def notify(user_id: int | None, kind: str, *, experience: Experience | None = None,
           comment: Comment | None = None, actor_id: int | None = None,
           network: Network | None = None, meeting: Meeting | None = None,
           question: NetworkQuestion | None = None) -> Notification | None:
    """Add one notification to the session; nobody is told about their own doing. A
    network's notifications name the network, so they show only to its members."""
    if user_id is None or user_id == actor_id:
        return None
    if network is None and meeting is not None:
        network = meeting.network
    if network is None and question is not None:
        network = question.network
    notification = Notification(
        user_id=user_id,
        kind=kind,
        experience_id=experience.id if experience is not None else None,
        comment_id=comment.id if comment is not None else None,
        network_id=network.id if network is not None else None,
        meeting_id=meeting.id if meeting is not None else None,
        question_id=question.id if question is not None else None,
        created_at=utcnow(),
    )
    db.session.add(notification)
    for listener in list(_listeners):
        listener(notification)
    return notification


def notify_members(network: Network, kind: str, *, except_user: User | None = None,
                   leaders_only: bool = False, meeting: Meeting | None = None,
                   question: NetworkQuestion | None = None) -> int:
    """Tell every active member of the network (its leaders alone with `leaders_only`),
    except the one who did it; the caller commits. Returns how many were told."""
    member_ids = networks.leader_ids(network) if leaders_only else networks.member_ids(network)
    actor_id = except_user.id if except_user is not None else None
    return sum(1 for member_id in member_ids
               if notify(member_id, kind, network=network, meeting=meeting, question=question,
                         actor_id=actor_id) is not None)


def notify_about_comment(comment: Comment) -> None:
    """A published question tells the experience's author; an answer tells the asker."""
    experience = comment.experience
    if comment.parent_id is None:
        notify(experience.author_id, QUESTION, experience=experience, comment=comment,
               actor_id=comment.author_id)
    else:
        notify(comment.parent.author_id, ANSWER, experience=experience, comment=comment,
               actor_id=comment.author_id)


def notify_followers(experience: Experience, *, commit: bool = True) -> int:
    """Tell the followers of the experience's system that it has a new experience.

    Only published experiences are announced, and only to followers who may read
    them (an experience shared with networks reaches their members alone);
    moderation calls this when it publishes a pending one. Never the author, never
    twice for the same member and experience. Commits unless ``commit`` is False
    (the caller then commits the notifications with its own change). Returns how many were told.
    """
    if experience.moderation_state != ModerationState.PUBLISHED:
        return 0
    if experience.id is None:
        db.session.flush()
    already = exists().where(
        Notification.user_id == Follow.user_id,
        Notification.experience_id == experience.id,
        Notification.kind == NEW_EXPERIENCE,
    )
    followers = db.session.scalars(
        select(User)
        .join(Follow, User.id == Follow.user_id)
        .where(Follow.system_id == experience.system_id, User.active.is_(True), ~already)
    ).all()
    their_networks = policy.active_network_ids(user.id for user in followers)
    told = 0
    for user in followers:
        audience = policy.audience_of(user, their_networks.get(user.id, ()))
        if not policy.may_read(audience, experience):
            continue
        if notify(user.id, NEW_EXPERIENCE, experience=experience, actor_id=experience.author_id):
            told += 1
    if commit:
        db.session.commit()
    return told


def _readable(user: User):
    """Notifications whose experience (and comment) the member may still read, in
    networks they are still a member of."""
    audience = policy.audience_of(user)
    return [
        Notification.user_id == user.id,
        or_(Notification.experience_id.is_(None), policy.readable(audience).clause()),
        or_(Notification.comment_id.is_(None),
            Comment.moderation_state.in_(sorted(policy.readable_comment_states(audience)))),
        or_(Notification.network_id.is_(None),
            Notification.network_id.in_(sorted(audience.network_ids) or [0])),
    ]


def _base_query(user: User):
    return (
        select(Notification)
        .outerjoin(Experience, Experience.id == Notification.experience_id)
        .outerjoin(Comment, Comment.id == Notification.comment_id)
        .where(*_readable(user))
    )


def readable_among(user: User, notification_ids: list[int]) -> list[Notification]:
    """Those of these notifications the member may still read, oldest first."""
    if not notification_ids:
        return []
    return list(db.session.scalars(
        _base_query(user).options(joinedload(Notification.experience)
                                  .joinedload(Experience.system))
        .where(Notification.id.in_(notification_ids))
        .order_by(Notification.created_at, Notification.id)))


def unread_count(user: User) -> int:
    query = _base_query(user).where(Notification.read_at.is_(None))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def for_user(user: User, page: int = 1):
    """The member's notifications, unread first, then newest first, paginated."""
    query = _base_query(user).options(
        joinedload(Notification.experience).joinedload(Experience.system),
        joinedload(Notification.comment),
        joinedload(Notification.network),
        joinedload(Notification.meeting),
        joinedload(Notification.question),
    ).order_by(
        Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc()
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def get_for_user(user: User, notification_id: int) -> Notification | None:
    return db.session.scalar(_base_query(user).where(Notification.id == notification_id))


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()

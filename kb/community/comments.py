"""Questions and answers on an experience: one level of replies, the experience's visibility.

Members ask the author (and each other) follow-up questions and answer them;
authors edit or delete their own; moderators hide and restore any (audited).
Hidden comments are read only by moderators; others see "Dold av moderator".
A comment by a member whose address is not yet confirmed waits (ModerationState.UNCONFIRMED),
seen only by its author and moderators, and is published when the address is confirmed.
A question its author removes while it has answers stays as ModerationState.DELETED, so
the answers keep their place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb import experiences, moderation
from kb.access import policy
from kb.access.policy import Audience
from kb.community import notifications
from kb.core.errors import Forbidden, NotFound
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.models import Comment, Experience, User, utcnow

BODY_MAX = 3000


@dataclass
class Question:
    """A question with its answers, as the viewer may see them."""

    comment: Comment
    answers: list[Comment] = field(default_factory=list)


def thread(experience: Experience, audience: Audience) -> list[Question]:
    """The experience's questions, oldest first, each with its answers.

    Hidden answers are left out for everyone but moderators; a hidden or deleted
    question stays as a placeholder when it has answers to show, so the answers keep
    their context.
    """
    comments = db.session.scalars(
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.experience_id == experience.id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    questions: dict[int, Question] = {}
    for comment in comments:
        if comment.parent_id is None:
            questions[comment.id] = Question(comment)
    for comment in comments:
        if comment.parent_id in questions and policy.may_read_comment(audience, comment):
            questions[comment.parent_id].answers.append(comment)
    return [
        question for question in questions.values()
        if policy.may_read_comment(audience, question.comment) or question.answers
    ]


def author_label(comment: Comment, experience: Experience | None = None) -> str:
    """Who wrote a comment. The author of an anonymous experience stays anonymous."""
    experience = experience or comment.experience
    if comment.author is None:
        return "Tidigare medlem"
    if comment.author_id == experience.author_id:
        if experience.anonymous:
            return "Skribenten"
        return f"{comment.author.display_name} (skribenten)"
    return comment.author.display_name


def can_post(experience: Experience) -> bool:
    return experience.moderation_state == ModerationState.PUBLISHED


def readable(comment_id: int, audience: Audience) -> Comment:
    """The comment, NotFound unless the audience may read it and its experience."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("Kommentaren finns inte.")
    experiences.readable(comment.experience_id, audience)
    if not policy.may_read_comment(audience, comment):
        raise NotFound("Kommentaren finns inte.")
    return comment


def own(comment_id: int, audience: Audience) -> Comment:
    """The audience's own comment; Forbidden when it is someone else's."""
    comment = readable(comment_id, audience)
    if not policy.may_change_comment(audience, comment):
        raise Forbidden("Bara den som skrev kommentaren kan ändra den.")
    return comment


def add(experience: Experience, author: User, body: str, parent: Comment | None = None) -> Comment:
    """A new question (no parent) or an answer, with its notification, in one transaction."""
    if not can_post(experience):
        raise Forbidden("Det går bara att ställa frågor om publicerade erfarenheter.")
    if parent is not None:
        if parent.experience_id != experience.id \
                or parent.moderation_state != ModerationState.PUBLISHED:
            raise NotFound("Frågan du svarar på finns inte.")
        if parent.parent_id is not None:  # one level of replies: answer the question itself
            parent = parent.parent
    comment = Comment(
        experience_id=experience.id,
        author_id=author.id,
        parent_id=parent.id if parent is not None else None,
        body=body.strip(),
        # Until the author's address is confirmed the comment waits, and tells nobody.
        moderation_state=ModerationState.PUBLISHED if author.is_confirmed
        else ModerationState.UNCONFIRMED,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    if comment.moderation_state == ModerationState.PUBLISHED:
        notifications.notify_about_comment(comment)
    db.session.commit()
    return comment


def edit(comment: Comment, body: str) -> None:
    if comment.moderation_state not in (ModerationState.PUBLISHED, ModerationState.UNCONFIRMED):
        raise Forbidden("En dold kommentar kan inte ändras.")
    comment.body = body.strip()
    comment.updated_at = utcnow()
    db.session.commit()


def delete(comment: Comment) -> None:
    """The author removes their comment; a question with answers leaves a placeholder."""
    has_answers = db.session.scalar(
        select(Comment.id).where(Comment.parent_id == comment.id).limit(1)
    )
    if has_answers:
        comment.moderation_state = ModerationState.DELETED
        comment.body = ""
        comment.updated_at = utcnow()
    else:
        db.session.delete(comment)
    db.session.commit()


def hide(comment: Comment, moderator: User, reason: str) -> None:
    comment.moderation_state = ModerationState.HIDDEN
    moderation.audit_log(moderator, "comment.hide", comment, reason)
    db.session.commit()


def restore(comment: Comment, moderator: User, reason: str = "") -> None:
    comment.moderation_state = ModerationState.PUBLISHED
    moderation.audit_log(moderator, "comment.restore", comment, reason)
    db.session.commit()

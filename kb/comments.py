"""Questions and answers on an experience: one level of replies, the experience's visibility.

Members ask the author (and each other) follow-up questions and answer them;
authors edit or delete their own; moderators hide and restore any (audited).
Hidden comments are read only by moderators; others see "Dold av moderator".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from kb import audit, notifications
from kb.access import get_experience, viewer
from kb.extensions import db
from kb.models import Comment, Experience, User, utcnow

BODY_MAX = 3000
EMPTY = "Skriv din fråga eller ditt svar innan du skickar."
TOO_LONG = f"Högst {BODY_MAX:,} tecken.".replace(",", " ")
REASON_MISSING = "Skriv varför kommentaren döljs. Skälet sparas i granskningsloggen."

PUBLISHED = "published"
HIDDEN = "hidden"
# A question its author removed while it had answers: kept so the answers keep their place.
DELETED = "deleted"


class CommentForm(FlaskForm):
    class Meta:
        locales = ("sv_SE", "sv")

    body = TextAreaField(
        "Din fråga eller ditt svar",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(EMPTY), Length(max=BODY_MAX, message=TOO_LONG)],
    )


class HideCommentForm(FlaskForm):
    class Meta:
        locales = ("sv_SE", "sv")

    reason = TextAreaField(
        "Skäl (sparas i granskningsloggen)",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(REASON_MISSING), Length(max=1000, message="Högst 1 000 tecken.")],
    )


@dataclass
class Question:
    """A question with its answers, as the viewer may see them."""

    comment: Comment
    answers: list[Comment] = field(default_factory=list)


def can_see(comment: Comment, user: User | None) -> bool:
    """Whether the viewer may read this comment's text (the experience is already visible)."""
    if comment.moderation_state == PUBLISHED:
        return True
    return user is not None and user.is_moderator and comment.moderation_state == HIDDEN


def thread(experience: Experience, user: User | None) -> list[Question]:
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
        if comment.parent_id in questions and can_see(comment, user):
            questions[comment.parent_id].answers.append(comment)
    return [
        question for question in questions.values()
        if can_see(question.comment, user) or question.answers
    ]


def count_visible(experience: Experience, user: User | None) -> int:
    return sum(
        (1 if can_see(q.comment, user) else 0) + len(q.answers) for q in thread(experience, user)
    )


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
    return experience.moderation_state == PUBLISHED


def get_comment(comment_id: int, *, for_change: bool = False) -> Comment:
    """The comment, 404 unless the viewer may see it and its experience; 403 when
    another member tries to change it."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    get_experience(comment.experience_id)
    user = viewer()
    if not can_see(comment, user):
        abort(404)
    if for_change and (user is None or comment.author_id != user.id):
        abort(403)
    return comment


def add(experience: Experience, author: User, body: str, parent: Comment | None = None) -> Comment:
    """A new question (no parent) or an answer, with its notification, in one transaction."""
    if not can_post(experience):
        abort(403, "Det går bara att ställa frågor om publicerade erfarenheter.")
    if parent is not None:
        if parent.experience_id != experience.id or parent.moderation_state != PUBLISHED:
            abort(404)
        if parent.parent_id is not None:  # one level of replies: answer the question itself
            parent = parent.parent
    comment = Comment(
        experience_id=experience.id,
        author_id=author.id,
        parent_id=parent.id if parent is not None else None,
        body=body.strip(),
        moderation_state=PUBLISHED,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    if parent is None:
        notifications.notify(experience.author_id, notifications.QUESTION,
                             experience=experience, comment=comment, actor_id=author.id)
    else:
        notifications.notify(parent.author_id, notifications.ANSWER,
                             experience=experience, comment=comment, actor_id=author.id)
    db.session.commit()
    return comment


def edit(comment: Comment, body: str) -> None:
    if comment.moderation_state != PUBLISHED:
        abort(403, "En dold kommentar kan inte ändras.")
    comment.body = body.strip()
    comment.updated_at = utcnow()
    db.session.commit()


def delete(comment: Comment) -> None:
    """The author removes their comment; a question with answers leaves a placeholder."""
    has_answers = db.session.scalar(
        select(Comment.id).where(Comment.parent_id == comment.id).limit(1)
    )
    if has_answers:
        comment.moderation_state = DELETED
        comment.body = ""
        comment.updated_at = utcnow()
    else:
        db.session.delete(comment)
    db.session.commit()


def hide(comment: Comment, moderator: User, reason: str) -> None:
    comment.moderation_state = HIDDEN
    audit.record(moderator, "comment.hide", comment, reason)
    db.session.commit()


def restore(comment: Comment, moderator: User, reason: str = "") -> None:
    comment.moderation_state = PUBLISHED
    audit.record(moderator, "comment.restore", comment, reason)
    db.session.commit()

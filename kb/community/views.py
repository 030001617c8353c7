"""Questions and answers on an experience, helpful votes, following systems and
notifications: one blueprint per URL prefix."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from kb import catalogue, experiences
from kb.access import policy
from kb.community import comments, notifications
from kb.community import reactions as community
from kb.community.forms import CommentForm, FlagForm, HideCommentForm
from kb.core import parsing, swedish
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.web.common import audience, current_member, page_number, safe_target

bp = Blueprint("community", __name__, url_prefix="/experiences/<int:experience_id>")
comments_bp = Blueprint("comments", __name__, url_prefix="/comments")
follows_bp = Blueprint("follows", __name__, url_prefix="/systems/<slug>")
notifications_bp = Blueprint("notifications", __name__, url_prefix="/notifications")
blueprints = (bp, comments_bp, follows_bp, notifications_bp)


# Questions and answers --------------------------------------------------------------

@bp.post("/comments")
@login_required
def add_comment(experience_id: int):
    """A new question on an experience, or an answer to a question (parent_id)."""
    experience = experiences.readable(experience_id, audience())
    parent = None
    parent_id = request.form.get("parent_id", "")
    if parent_id:
        number = parsing.as_id(parent_id)
        if number is None:
            abort(400)
        parent = comments.readable(number, audience())
        if parent.experience_id != experience.id:
            abort(404)
    form = CommentForm()
    if not form.validate_on_submit():
        slot = "question" if parent is None else f"answer-{parent.id}"
        return _experience_page(experience, {slot: form})
    comment = comments.add(experience, current_user, form.body.data, parent)
    if comment.moderation_state == ModerationState.UNCONFIRMED:
        flash(("Ditt svar är sparat" if parent else "Din fråga är sparad")
              + " och publiceras när du har bekräftat din e-postadress.", "success")
    else:
        flash("Ditt svar är publicerat." if parent else "Din fråga är publicerad.", "success")
    return redirect(_comment_url(comment))


@comments_bp.route("/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    """The author changes their own question or answer."""
    comment = comments.own(comment_id, audience())
    form = CommentForm(obj=comment if request.method == "GET" else None)
    if form.validate_on_submit():
        comments.edit(comment, form.body.data)
        flash("Dina ändringar är sparade.", "success")
        return redirect(_comment_url(comment))
    return (
        render_template("community/comment_edit.html", form=form, comment=comment,
                        experience=comment.experience),
        422 if form.errors else 200,
    )


@comments_bp.post("/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    """The author removes their own question or answer."""
    comment = comments.own(comment_id, audience())
    experience_id = comment.experience_id
    comments.delete(comment)
    flash("Kommentaren är borttagen.", "success")
    return redirect(url_for("experiences.view", experience_id=experience_id) + "#fragor")


@comments_bp.post("/<int:comment_id>/hide")
@login_required
def hide_comment(comment_id: int):
    """A moderator hides a comment, with a reason for the audit log."""
    _require_moderator()
    comment = comments.readable(comment_id, audience())
    form = HideCommentForm()
    if not form.validate_on_submit():
        return _experience_page(comment.experience, {f"hide-{comment.id}": form})
    comments.hide(comment, current_user, form.reason.data)
    flash("Kommentaren är dold. Skälet är sparat i granskningsloggen.", "success")
    return redirect(_comment_url(comment))


@comments_bp.post("/<int:comment_id>/restore")
@login_required
def restore_comment(comment_id: int):
    """A moderator shows a hidden comment again."""
    _require_moderator()
    comment = comments.readable(comment_id, audience())
    comments.restore(comment, current_user, request.form.get("reason", ""))
    flash("Kommentaren visas igen.", "success")
    return redirect(_comment_url(comment))


# Helpful votes and following -----------------------------------------------------------

@bp.post("/helpful")
@login_required
def helpful(experience_id: int):
    """Mark an experience as helpful, or take the vote back."""
    experience = experiences.readable(experience_id, audience())
    voted = community.set_helpful(current_user, experience, _wanted("helpful"))
    flash("Tack! Du har markerat erfarenheten som hjälpsam." if voted
          else "Din röst är borttagen.", "success")
    return redirect(url_for("experiences.view", experience_id=experience_id) + "#hjalpsam")


@follows_bp.post("/follow")
@login_required
def follow(slug: str):
    """Follow a system to be told about new experiences of it, or stop following."""
    system = catalogue.visible_system(slug, audience())
    following = community.set_following(current_user, system, _wanted("follow"))
    if following:
        flash(f"Du följer nu {system.name}. Nya erfarenheter syns under Aviseringar.", "success")
    else:
        flash(f"Du följer inte längre {system.name}.", "success")
    return redirect(_next_target() or url_for("systems.detail", slug=system.slug))


# Notifications ------------------------------------------------------------------------

@notifications_bp.get("")
@login_required
def notification_list():
    """What is new for me: answers, questions on my experiences, followed systems."""
    page = notifications.for_user(current_user, page_number())
    return render_template(
        "community/notifications.html", page=page,
        unread=notifications.unread_count(current_user),
        followed=community.followed_systems(current_user),
    )


@notifications_bp.get("/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Open a notification: it is marked read and leads to what it tells about."""
    notification = notifications.get_for_user(current_user, notification_id)
    if notification is None:
        abort(404)
    notifications.mark_read(notification)
    return redirect(_notification_target(notification))


@notifications_bp.post("/read")
@login_required
def mark_notifications_read():
    """Mark every notification as read."""
    notifications.mark_all_read(current_user)
    flash("Alla aviseringar är markerade som lästa.", "success")
    return redirect(url_for("notifications.notification_list"))


# Helpers for templates -------------------------------------------------------------------

@bp.app_context_processor
def community_helpers():
    return {
        "unread_notifications": _unread_notifications,
        "comment_thread": lambda experience: comments.thread(experience, audience()),
        "comment_author": comments.author_label,
        "comment_visible": lambda comment: policy.may_read_comment(audience(), comment),
        "can_comment": comments.can_post,
        "comment_max": comments.BODY_MAX,
        "has_voted": lambda experience: community.has_voted(current_member(), experience),
        "can_vote": lambda experience: community.can_vote(current_member(), experience),
        "is_following": lambda system: community.is_following(current_member(), system),
        "list_sorts": community.SORTS,
    }


@bp.app_template_filter("age")
def age(value: datetime | None) -> str:
    """How long ago, in Swedish words (kb.core.swedish.ago)."""
    return swedish.ago(value)


def _unread_notifications() -> int:
    if "unread_notifications" not in g:
        g.unread_notifications = 0
        if current_user.is_authenticated:
            try:
                g.unread_notifications = notifications.unread_count(current_user)
            except SQLAlchemyError:  # an error page must render even without a database
                db.session.rollback()
    return g.unread_notifications


def _notification_target(notification) -> str:
    """Where a notification leads: the meeting, the question, the network or the experience."""
    network = notification.network
    if notification.meeting_id is not None:
        return url_for("meetings.detail", slug=network.slug, meeting_id=notification.meeting_id)
    if notification.question_id is not None:
        return url_for("network_questions.detail", slug=network.slug,
                       question_id=notification.question_id)
    if notification.kind == notifications.JOIN_REQUEST:
        return url_for("networks.members", slug=network.slug)
    if notification.kind in (notifications.SURVEY_APPROVED, notifications.SURVEY_DECLINED):
        return url_for("survey.upload", slug=network.slug)  # the imports, with the decision
    if network is not None:
        return url_for("networks.detail", slug=network.slug)
    url = url_for("experiences.view", experience_id=notification.experience_id)
    if notification.comment_id is not None:
        url += f"#kommentar-{notification.comment_id}"
    return url


def _require_moderator() -> None:
    if not policy.may_moderate(audience()):
        abort(403)


def _wanted(name: str) -> bool | None:
    """"1" adds, "0" removes, anything else toggles: a resent form does not undo itself."""
    value = request.form.get(name)
    return {"1": True, "0": False}.get(value)


def _next_target() -> str | None:
    return safe_target(request.form.get("next"))


def _comment_url(comment) -> str:
    return url_for("experiences.view", experience_id=comment.experience_id) + (
        f"#kommentar-{comment.id}"
    )


def _experience_page(experience, failed_forms: dict):
    """The experience page again, with the refused form's errors and text (422)."""
    return (
        render_template("experiences/view.html", experience=experience,
                        comment_errors=failed_forms, flag_form=FlagForm()),
        422,
    )

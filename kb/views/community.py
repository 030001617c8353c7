"""Questions and answers, helpful votes, following systems, notifications, confirmations."""

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
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from kb import (
    catalogue,
    comments,
    community,
    experiences,
    freshness,
    notifications,
    parsing,
    policy,
)
from kb.extensions import db
from kb.forms import CommentForm, FlagForm, HideCommentForm
from kb.models import utcnow
from kb.views.common import audience, current_member, page_number, safe_target

bp = Blueprint("community", __name__)


# Questions and answers --------------------------------------------------------------

@bp.post("/experiences/<int:experience_id>/comments")
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
    if comment.moderation_state == comments.UNCONFIRMED:
        flash(("Ditt svar är sparat" if parent else "Din fråga är sparad")
              + " och publiceras när du har bekräftat din e-postadress.", "success")
    else:
        flash("Ditt svar är publicerat." if parent else "Din fråga är publicerad.", "success")
    return redirect(_comment_url(comment))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
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


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    """The author removes their own question or answer."""
    comment = comments.own(comment_id, audience())
    experience_id = comment.experience_id
    comments.delete(comment)
    flash("Kommentaren är borttagen.", "success")
    return redirect(url_for("experiences.view", experience_id=experience_id) + "#fragor")


@bp.post("/comments/<int:comment_id>/hide")
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


@bp.post("/comments/<int:comment_id>/restore")
@login_required
def restore_comment(comment_id: int):
    """A moderator shows a hidden comment again."""
    _require_moderator()
    comment = comments.readable(comment_id, audience())
    comments.restore(comment, current_user, request.form.get("reason", ""))
    flash("Kommentaren visas igen.", "success")
    return redirect(_comment_url(comment))


# Helpful votes and following -----------------------------------------------------------

@bp.post("/experiences/<int:experience_id>/helpful")
@login_required
def helpful(experience_id: int):
    """Mark an experience as helpful, or take the vote back."""
    experience = experiences.readable(experience_id, audience())
    voted = community.set_helpful(current_user, experience, _wanted("helpful"))
    flash("Tack! Du har markerat erfarenheten som hjälpsam." if voted
          else "Din röst är borttagen.", "success")
    return redirect(url_for("experiences.view", experience_id=experience_id) + "#hjalpsam")


@bp.post("/systems/<slug>/follow")
@login_required
def follow(slug: str):
    """Follow a system to be told about new experiences of it, or stop following."""
    system = catalogue.system_by_slug(slug)
    following = community.set_following(current_user, system, _wanted("follow"))
    if following:
        flash(f"Du följer nu {system.name}. Nya erfarenheter syns under Aviseringar.", "success")
    else:
        flash(f"Du följer inte längre {system.name}.", "success")
    return redirect(_next_target() or url_for("systems.detail", slug=system.slug))


# Notifications ------------------------------------------------------------------------

@bp.get("/notifications")
@login_required
def notification_list():
    """What is new for me: answers, questions on my experiences, followed systems."""
    page = notifications.for_user(current_user, page_number())
    return render_template(
        "community/notifications.html", page=page,
        unread=notifications.unread_count(current_user),
        followed=community.followed_systems(current_user),
    )


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Open a notification: it is marked read and leads to what it tells about."""
    notification = notifications.get_for_user(current_user, notification_id)
    if notification is None:
        abort(404)
    notifications.mark_read(notification)
    return redirect(_notification_target(notification))


@bp.post("/notifications/read")
@login_required
def mark_notifications_read():
    """Mark every notification as read."""
    notifications.mark_all_read(current_user)
    flash("Alla aviseringar är markerade som lästa.", "success")
    return redirect(url_for("community.notification_list"))


# Freshness -------------------------------------------------------------------------

@bp.post("/experiences/<int:experience_id>/confirm")
@login_required
def confirm(experience_id: int):
    """The author confirms in one click that the experience still holds."""
    experience = experiences.own(experience_id, audience())
    freshness.confirm(experience)
    flash(f"Tack! ”{experience.title}” är bekräftad som aktuell.", "success")
    return redirect(_next_target() or url_for("experiences.view", experience_id=experience_id))


@bp.post("/freshness/later")
@login_required
def ask_later():
    """Put the question whether old experiences still hold off until the next visit."""
    session[freshness.SNOOZE_SESSION_KEY] = True
    return redirect(_next_target() or url_for("main.index"))


# Helpers for templates -------------------------------------------------------------------

@bp.app_context_processor
def community_helpers():
    return {
        "unread_notifications": _unread_notifications,
        "freshness_due": _freshness_due,
        "comment_thread": lambda experience: comments.thread(experience, audience()),
        "comment_author": comments.author_label,
        "comment_visible": lambda comment: policy.may_read_comment(audience(), comment),
        "can_comment": comments.can_post,
        "comment_max": comments.BODY_MAX,
        "has_voted": lambda experience: community.has_voted(current_member(), experience),
        "can_vote": lambda experience: community.can_vote(current_member(), experience),
        "is_following": lambda system: community.is_following(current_member(), system),
        "satisfaction_changes": lambda system: freshness.satisfaction_changes(
            system.id, audience()),
        "freshness": freshness,
        "list_sorts": community.SORTS,
    }


@bp.app_template_filter("age")
def age(value: datetime | None) -> str:
    """How long ago, in Swedish words: "i dag", "för 5 månader sedan", "för 3 år sedan"."""
    if value is None:
        return ""
    now = utcnow()
    months = (now.year - value.year) * 12 + now.month - value.month
    if now.day < value.day:
        months -= 1
    if months < 1:
        days = (now - value).days
        if days < 1:
            return "i dag"
        return "i går" if days == 1 else f"för {days} dagar sedan"
    if months < 12:
        return "för en månad sedan" if months == 1 else f"för {months} månader sedan"
    years = months // 12
    return "för ett år sedan" if years == 1 else f"för {years} år sedan"


def _unread_notifications() -> int:
    if "unread_notifications" not in g:
        g.unread_notifications = 0
        if current_user.is_authenticated:
            try:
                g.unread_notifications = notifications.unread_count(current_user)
            except SQLAlchemyError:  # an error page must render even without a database
                db.session.rollback()
    return g.unread_notifications


def _freshness_due():
    """The member's experiences to confirm, unless they asked to be reminded later."""
    if "freshness_due" not in g:
        g.freshness_due = []
        if current_user.is_authenticated and not session.get(freshness.SNOOZE_SESSION_KEY):
            try:
                g.freshness_due = freshness.due_for_confirmation(current_user)
            except SQLAlchemyError:
                db.session.rollback()
    return g.freshness_due


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
    if network is not None:
        return url_for("networks.detail", slug=network.slug)
    url = url_for("experiences.view", experience_id=notification.experience_id)
    if notification.comment_id is not None:
        url += f"#kommentar-{notification.comment_id}"
    return url


def _require_moderator() -> None:
    if not current_user.is_moderator:
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

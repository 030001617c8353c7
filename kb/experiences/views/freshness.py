"""Keeping experiences current: the author confirms that one still holds, or asks to
be reminded later; the prompt and the system page's satisfaction changes."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from kb.experiences import freshness
from kb.experiences import records as experiences
from kb.extensions import db
from kb.web.common import audience, safe_target

bp = Blueprint("freshness", __name__, url_prefix="/experiences")


@bp.post("/<int:experience_id>/confirm")
@login_required
def confirm(experience_id: int):
    """The author confirms in one click that the experience still holds."""
    experience = experiences.own(experience_id, audience())
    freshness.confirm(experience)
    flash(f"Tack! ”{experience.title}” är bekräftad som aktuell.", "success")
    return redirect(_next_target() or url_for("experiences.view", experience_id=experience_id))


@bp.post("/confirmations/later")
@login_required
def ask_later():
    """Put the question whether old experiences still hold off until the next visit."""
    session[freshness.SNOOZE_SESSION_KEY] = True
    return redirect(_next_target() or url_for("main.index"))


@bp.app_context_processor
def freshness_helpers():
    return {
        "freshness_due": _freshness_due,
        "satisfaction_changes": lambda system: freshness.satisfaction_changes(
            system.id, audience()),
        "freshness": {"LEAVE_OUT_AFTER_MONTHS": freshness.LEAVE_OUT_AFTER_MONTHS,
                      "is_outdated": freshness.is_outdated,
                      "needs_confirmation": freshness.needs_confirmation},
    }


def _freshness_due():
    """The member's experiences to confirm, unless they asked to be reminded later."""
    if "freshness_due" not in g:
        g.freshness_due = []
        if current_user.is_authenticated and not session.get(freshness.SNOOZE_SESSION_KEY):
            try:
                g.freshness_due = freshness.due_for_confirmation(current_user)
            except SQLAlchemyError:  # an error page must render even without a database
                db.session.rollback()
    return g.freshness_due


def _next_target() -> str | None:
    return safe_target(request.form.get("next"))

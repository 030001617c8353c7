"""Who may see and change what: the one place for experience permissions."""

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, or_, true

from kb.extensions import db
from kb.models import Experience


def viewer():
    """The logged-in member, or None for a visitor."""
    return current_user if current_user.is_authenticated else None


def visible_experiences(user=None):
    """A WHERE clause: the experiences this viewer may read (the rule of Experience.visible_to)."""
    if user is None:
        return and_(Experience.moderation_state == "published", Experience.visibility == "public")
    if user.is_moderator:
        return true()
    return or_(Experience.moderation_state == "published", Experience.author_id == user.id)


def get_experience(experience_id: int, *, for_change: bool = False) -> Experience:
    """The experience, 404 when missing or not visible, 403 when changed by another."""
    experience = db.session.get(Experience, experience_id)
    user = viewer()
    if experience is None or not experience.visible_to(user):
        abort(404)
    if for_change and (user is None or experience.author_id != user.id):
        abort(403)
    return experience

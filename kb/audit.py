"""The audit log: every moderation and admin action, with who, what, which object and why."""

from kb.extensions import db
from kb.models import AuditLog

# Swedish labels for the actions, for the audit log page.
ACTIONS = {
    "experience.publish": "Publicerade erfarenhet",
    "experience.hide": "Dolde erfarenhet",
    "experience.restore": "Återställde erfarenhet",
    "flag.dismiss": "Avfärdade anmälan",
    "comment.hide": "Dolde kommentar",
    "comment.restore": "Återställde kommentar",
    "system.approve": "Godkände föreslaget system",
    "system.merge": "Slog ihop system",
    "system.rename": "Ändrade system",
    "user.deactivate": "Inaktiverade användare",
    "user.activate": "Aktiverade användare",
    "user.role": "Ändrade roll",
    "invite.create": "Skapade inbjudningskod",
}


def record(actor, action: str, obj, reason: str = "") -> AuditLog:
    """Add an entry to the session; it is committed with the action it records."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__tablename__,
        object_id=obj.id,
        reason=reason.strip(),
    )
    db.session.add(entry)
    return entry

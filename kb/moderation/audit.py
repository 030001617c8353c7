"""The audit log: every moderation and admin action, and every change of a network's
membership, with who, what, which object and why."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kb.extensions import db
from kb.models import AuditLog, User

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
    "network.create": "Startade nätverk",
    "network.update": "Ändrade nätverk",
    "network.close": "Stängde nätverk",
    "network.reopen": "Öppnade nätverk igen",
    "network.request": "Ansökte om att gå med i nätverk",
    "network.join": "Gick med i nätverk",
    "network.join_by_invite": "Gick med i nätverk via inbjudningslänk",
    "network.approve": "Godkände ansökan till nätverk",
    "network.decline": "Avböjde ansökan till nätverk",
    "network.invite": "Skapade inbjudningslänk till nätverk",
    "network.invite_revoke": "Drog tillbaka inbjudningslänk till nätverk",
    "network.leave": "Lämnade nätverk",
    "network.remove": "Tog bort medlem ur nätverk",
    "network.appoint": "Utsåg medledare i nätverk",
    "survey.import": "Importerade nätverkets enkät",
    "survey.claim": "Tog över ett enkätsvar",
    "survey.approve": "Godkände nätverkets enkätimport för kb:s siffror",
    "survey.decline": "Avböjde nätverkets enkätimport (bara för nätverket)",
    "organisation.domain": "Ändrade organisationens e-postdomän",
    "organisation.domain_verified": "Organisation verifierad via e-postdomän",
    "organisation.confirm": "Bekräftade medlems organisation (moderator)",
    "organisation.confirm_leader": "Bekräftade medlems organisation (nätverksledare)",
    "organisation.revoke": "Tog bort verifieringen av medlems organisation",
    "requirement.remove": "Tog bort delad kravlista (upphandling)",
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


def entries(page: int, action: str = "", object_type: str = "", actor_email: str = "",
            per_page: int = 50):
    """The audit log, newest first, filtered by action, object type and who acted."""
    query = select(AuditLog).options(joinedload(AuditLog.actor)).order_by(
        AuditLog.created_at.desc(), AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action == action)
    if object_type:
        query = query.where(AuditLog.object_type == object_type)
    if actor_email:
        query = query.join(User, AuditLog.actor_id == User.id).where(
            func.lower(User.email) == actor_email.strip().lower())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)

"""The moderation area: pending queue, flags, proposed systems, users, invites, audit log."""

from datetime import timedelta
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kb import audit, invites, moderation
from kb.extensions import db
from kb.forms import AuditFilterForm, InviteForm, MergeForm, ReasonForm, RoleForm
from kb.models import AuditLog, Experience, Flag, InviteCode, PayrollSystem, User, utcnow
from kb.paging import page_number
from kb.views.auth import safe_next

bp = Blueprint("admin", __name__, url_prefix="/admin")


def role_required(role: str):
    """Moderators (and admins) for moderation, admins alone for users and invites."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            allowed = current_user.is_admin if role == "admin" else current_user.is_moderator
            if not allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _page(query, per_page: int = 25):
    return db.paginate(query, page=page_number(), per_page=per_page,
                       error_out=False)


@bp.get("/")
@role_required("moderator")
def index():
    """What waits for a moderator."""
    return render_template("admin/index.html", counts=moderation.pending_counts())


@bp.get("/queue")
@role_required("moderator")
def queue():
    """Experiences waiting to be published."""
    pending = _page(
        select(Experience).options(joinedload(Experience.system), joinedload(Experience.author))
        .where(Experience.moderation_state == "pending").order_by(Experience.created_at)
    )
    return render_template("admin/queue.html", experiences=pending, form=ReasonForm())


@bp.get("/flags")
@role_required("moderator")
def flags():
    """Experiences reported by members, with their open reports."""
    flagged = _page(
        select(Experience).options(joinedload(Experience.system))
        .where(Experience.id.in_(select(Flag.experience_id).where(Flag.resolved_at.is_(None))))
        .order_by(Experience.id)
    )
    reports = {e.id: moderation.open_flags(e) for e in flagged.items}
    return render_template("admin/flags.html", experiences=flagged, reports=reports,
                           form=ReasonForm())


@bp.post("/experiences/<int:experience_id>/<any(publish, hide, restore):action>")
@role_required("moderator")
def decide(experience_id: int, action: str):
    """Publish, hide or restore an experience, with a reason shown to its author."""
    experience = db.get_or_404(Experience, experience_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        moderation.decide(experience, current_user, action, form.reason.data or "")
    except moderation.ModerationError as error:
        flash(str(error), "error")
    else:
        flash(_DECIDED[action], "success")
    return redirect(safe_next(request.form.get("back")) or url_for("admin.index"))


_DECIDED = {
    "publish": "Erfarenheten är publicerad.",
    "hide": "Erfarenheten är dold.",
    "restore": "Erfarenheten är återställd.",
}


@bp.get("/systems")
@role_required("moderator")
def systems():
    """Proposed systems to approve or merge into an existing one."""
    proposed = db.session.scalars(
        select(PayrollSystem).where(PayrollSystem.status == "pending").order_by(PayrollSystem.id)
    ).all()
    return render_template("admin/systems.html", proposed=proposed,
                           merge_forms={s.id: _merge_form(s) for s in proposed},
                           form=ReasonForm())


def _merge_form(source: PayrollSystem, formdata=None) -> MergeForm:
    form = MergeForm(formdata=formdata, prefix=f"merge-{source.id}")
    form.target_id.choices = [("", "Välj system")] + [
        (s.id, s.name) for s in db.session.scalars(
            select(PayrollSystem).where(PayrollSystem.id != source.id,
                                        PayrollSystem.status != "pending")
            .order_by(PayrollSystem.name))
    ]
    return form


@bp.post("/systems/<int:system_id>/approve")
@role_required("moderator")
def approve_system(system_id: int):
    system = db.get_or_404(PayrollSystem, system_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        moderation.approve_system(system, current_user, form.reason.data or "")
    except moderation.ModerationError as error:
        flash(str(error), "error")
    else:
        flash(f"{system.name} är godkänt.", "success")
    return redirect(url_for("admin.systems"))


@bp.post("/systems/<int:system_id>/merge")
@role_required("moderator")
def merge_system(system_id: int):
    source = db.get_or_404(PayrollSystem, system_id)
    form = _merge_form(source, request.form)
    if not form.validate_on_submit():
        flash("Välj vilket system det ska slås ihop med.", "error")
        return redirect(url_for("admin.systems"))
    target = db.get_or_404(PayrollSystem, form.target_id.data)
    moderation.merge_system(source, target, current_user, form.reason.data or "")
    flash(f"Sammanslaget med {target.name}.", "success")
    return redirect(url_for("admin.systems"))


@bp.get("/users")
@role_required("admin")
def users():
    """Members: deactivate and change role."""
    query = select(User).order_by(User.created_at.desc())
    term = request.args.get("q", "").strip()[:254]
    if term:
        query = query.where(User.email.contains(term.lower()))
    return render_template("admin/users.html", users=_page(query, 50), term=term,
                           role_form=RoleForm(), form=ReasonForm())


@bp.post("/users/<int:user_id>/<any(activate, deactivate):action>")
@role_required("admin")
def set_active(user_id: int, action: str):
    user = db.get_or_404(User, user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        moderation.set_active(user, action == "activate", current_user, form.reason.data or "")
    except moderation.ModerationError as error:
        flash(str(error), "error")
    else:
        flash("Kontot är " + ("aktiverat." if action == "activate" else "inaktiverat."), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def set_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Välj en giltig roll.", "error")
        return redirect(url_for("admin.users"))
    try:
        moderation.set_role(user, form.site_role.data, current_user, form.reason.data or "")
    except moderation.ModerationError as error:
        flash(str(error), "error")
    else:
        flash("Rollen är ändrad.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/invites", methods=["GET", "POST"])
@role_required("admin")
def invite_codes():
    """Single-use invite codes with an expiry date, for a closed network."""
    form = InviteForm()
    created = None
    if form.validate_on_submit():
        created = invites.create(current_user, timedelta(days=form.valid_days.data),
                                 form.note.data or "")
        flash("En ny inbjudningskod är skapad.", "success")
    codes = _page(select(InviteCode).order_by(InviteCode.created_at.desc()))
    return render_template("admin/invites.html", form=form, codes=codes, created=created,
                           now=utcnow()), 422 if form.errors else 200


@bp.get("/audit")
@role_required("moderator")
def audit_log():
    """Every moderation and admin action; filter by action, person and type."""
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "Alla åtgärder")] + list(audit.ACTIONS.items())
    query = select(AuditLog).options(joinedload(AuditLog.actor)).order_by(
        AuditLog.created_at.desc(), AuditLog.id.desc())
    if form.validate():
        if form.action.data:
            query = query.where(AuditLog.action == form.action.data)
        if form.object_type.data:
            query = query.where(AuditLog.object_type == form.object_type.data)
        if form.actor.data:
            query = query.join(User, AuditLog.actor_id == User.id).where(
                func.lower(User.email) == form.actor.data.strip().lower())
    return render_template("admin/audit.html", form=form, entries=_page(query, 50),
                           audit_actions=audit.ACTIONS)

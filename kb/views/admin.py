"""The moderation area: pending queue, flags, proposed systems, users, invites, audit log."""

from datetime import timedelta
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb import accounts, audit, catalogue, invites, moderation, policy
from kb.errors import NotFound
from kb.forms import AuditFilterForm, InviteForm, MergeForm, ReasonForm, RoleForm
from kb.models import PayrollSystem, utcnow
from kb.views.common import audience, page_number, safe_target

bp = Blueprint("admin", __name__, url_prefix="/admin")


def role_required(role: str):
    """Moderators (and admins) for moderation, admins alone for users and invites."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            viewer = audience()
            allowed = (policy.may_administer(viewer) if role == "admin"
                       else policy.may_moderate(viewer))
            if not allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.get("/")
@role_required("moderator")
def index():
    """What waits for a moderator."""
    return render_template("admin/index.html", counts=moderation.pending_counts())


@bp.get("/queue")
@role_required("moderator")
def queue():
    """Experiences waiting to be published."""
    return render_template("admin/queue.html",
                           experiences=moderation.pending_experiences(page_number()),
                           form=ReasonForm())


@bp.get("/flags")
@role_required("moderator")
def flags():
    """Experiences reported by members, with their open reports."""
    flagged, reports = moderation.flagged_experiences(page_number())
    return render_template("admin/flags.html", experiences=flagged, reports=reports,
                           form=ReasonForm())


@bp.post("/experiences/<int:experience_id>/<any(publish, hide, restore):action>")
@role_required("moderator")
def decide(experience_id: int, action: str):
    """Publish, hide or restore an experience, with a reason shown to its author."""
    experience = moderation.any_experience(experience_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        moderation.decide(experience, current_user, action, form.reason.data or "")
    except moderation.ModerationError as error:
        flash(str(error), "error")
    else:
        flash(_DECIDED[action], "success")
    return redirect(safe_target(request.form.get("back")) or url_for("admin.index"))


_DECIDED = {
    "publish": "Erfarenheten är publicerad.",
    "hide": "Erfarenheten är dold.",
    "restore": "Erfarenheten är återställd.",
}


@bp.get("/systems")
@role_required("moderator")
def systems():
    """Proposed systems to approve or merge into an existing one."""
    proposed = catalogue.proposed_systems()
    return render_template("admin/systems.html", proposed=proposed,
                           merge_forms={s.id: _merge_form(s) for s in proposed},
                           form=ReasonForm())


def _merge_form(source: PayrollSystem, formdata=None) -> MergeForm:
    form = MergeForm(formdata=formdata, prefix=f"merge-{source.id}")
    form.target_id.choices = [("", "Välj system")] + [
        (s.id, s.name) for s in catalogue.listed_systems() if s.id != source.id]
    return form


@bp.post("/systems/<int:system_id>/approve")
@role_required("moderator")
def approve_system(system_id: int):
    system = catalogue.system_by_id(system_id)
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
    source = catalogue.system_by_id(system_id)
    form = _merge_form(source, request.form)
    if not form.validate_on_submit():
        flash("Välj vilket system det ska slås ihop med.", "error")
        return redirect(url_for("admin.systems"))
    target = catalogue.system_by_id(form.target_id.data)
    moderation.merge_system(source, target, current_user, form.reason.data or "")
    flash(f"Sammanslaget med {target.name}.", "success")
    return redirect(url_for("admin.systems"))


@bp.get("/users")
@role_required("admin")
def users():
    """Members: deactivate and change role."""
    term = request.args.get("q", "").strip()[:254]
    return render_template("admin/users.html", users=moderation.members(term, page_number()),
                           term=term,
                           role_form=RoleForm(), form=ReasonForm())


@bp.post("/users/<int:user_id>/<any(activate, deactivate):action>")
@role_required("admin")
def set_active(user_id: int, action: str):
    user = _member(user_id)
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
    user = _member(user_id)
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
    codes = invites.newest(page_number())
    return render_template("admin/invites.html", form=form, codes=codes, created=created,
                           now=utcnow()), 422 if form.errors else 200


@bp.get("/audit")
@role_required("moderator")
def audit_log():
    """Every moderation and admin action; filter by action, person and type."""
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "Alla åtgärder")] + list(audit.ACTIONS.items())
    valid = form.validate()
    entries = audit.entries(
        page_number(),
        action=form.action.data or "" if valid else "",
        object_type=form.object_type.data or "" if valid else "",
        actor_email=form.actor.data or "" if valid else "",
    )
    return render_template("admin/audit.html", form=form, entries=entries,
                           audit_actions=audit.ACTIONS)


def _member(member_id: int):
    member = accounts.get_member(member_id)
    if member is None:
        raise NotFound("Kontot finns inte.")
    return member

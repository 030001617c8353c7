"""The moderation area: pending queue, flags, proposed systems, organisations (domains
and confirmations), users, invites, audit log."""

from datetime import timedelta
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb import accounts, catalogue, networks
from kb.access import policy
from kb.core.errors import Conflict, Invalid, NotFound
from kb.models import PayrollSystem, utcnow
from kb.moderation import actions as moderation
from kb.moderation import audit
from kb.moderation.forms import (
    AuditFilterForm,
    DomainForm,
    InviteForm,
    MergeForm,
    ReasonForm,
    RoleForm,
)
from kb.web.common import audience, page_number, safe_target

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
    """Experiences waiting to be published, and networks' survey imports waiting to be
    shared beyond their network (each import one item)."""
    imports = networks.pending_imports()
    return render_template("admin/queue.html",
                           experiences=moderation.pending_experiences(page_number()),
                           imports=imports,
                           import_rows={item.id: networks.import_answer_count(item)
                                        for item in imports},
                           audiences=networks.SURVEY_AUDIENCES, form=ReasonForm())


@bp.get("/imports/<int:import_id>")
@role_required("moderator")
def survey_import(import_id: int):
    """One survey import as it would be shared: the answers it wrote, read from the
    answers themselves, with approve and decline."""
    return _import_page(networks.import_for_review(import_id), ReasonForm())


def _import_page(found, form, status: int = 200):
    rows = networks.import_answers(found)
    return render_template("admin/survey_import.html", upload=found, rows=rows,
                           proposed=networks.import_proposed_systems(rows),
                           audiences=networks.SURVEY_AUDIENCES,
                           states=networks.SURVEY_REVIEW_STATES, form=form), status


@bp.post("/imports/<int:import_id>/<any(approve, decline):action>")
@role_required("moderator")
def decide_import(import_id: int, action: str):
    """Approve (the answers are shared as the leader chose and count in kb's figures) or
    decline (they stay with the network; the leader is told why)."""
    found = networks.import_for_review(import_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _import_page(found, form, 422)
    reason = form.reason.data or ""
    try:
        if action == "approve":
            shared = networks.approve_import(found, current_user, reason)
            flash(f"Importen är godkänd: {shared} svar delas nu med "
                  f"{networks.SURVEY_AUDIENCES[found.visibility].split(' –')[0].lower()}.",
                  "success")
        else:
            networks.decline_import(found, current_user, reason)
            flash("Importen är avböjd: svaren delas bara med nätverket. Ledaren har fått "
                  "veta varför.", "success")
    except Conflict as error:
        flash(str(error), "error")
    except Invalid as error:
        form.reason.errors = [error.message] if error.field == "reason" else []
        if error.field != "reason":
            flash(str(error), "error")
        return _import_page(networks.import_for_review(import_id), form, 422)
    return redirect(url_for("admin.queue"))


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


@bp.get("/organisations")
@role_required("moderator")
def organisations():
    """Organisations with their members: set an organisation's e-mail domain, confirm a
    member's organisation or take the verification back."""
    term = request.args.get("q", "").strip()[:200]
    return render_template("admin/organisations.html",
                           organisations=accounts.listed_organisations(term, page_number()),
                           term=term, verification=accounts.organisation_verification)


def _back_to_organisations():
    return redirect(safe_target(request.form.get("next")) or url_for("admin.organisations"))


@bp.post("/organisations/<int:organisation_id>/domain")
@role_required("moderator")
def set_organisation_domain(organisation_id: int):
    organisation = accounts.get_organisation(organisation_id)
    form = DomainForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back_to_organisations()
    try:
        verified = accounts.set_organisation_domain(organisation, form.email_domain.data,
                                                    current_user, form.reason.data or "")
    except Invalid as error:
        flash(str(error), "error")
    else:
        if organisation.email_domain:
            flash(f"{organisation.name} har nu domänen {organisation.email_domain}; "
                  f"{verified} medlemmar verifierades.", "success")
        else:
            flash(f"{organisation.name} har inte längre någon domän.", "success")
    return _back_to_organisations()


@bp.post("/users/<int:user_id>/organisation/<any(confirm, revoke):action>")
@role_required("moderator")
def confirm_organisation(user_id: int, action: str):
    """A moderator confirms the organisation a member names, or takes it back."""
    member = _member(user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors)
              or "Formuläret hade gått ut. Försök igen.", "error")
        return _back_to_organisations()
    try:
        if action == "confirm":
            organisation = accounts.confirm_organisation(member, current_user,
                                                         form.reason.data or "")
            flash(f"{member.display_name} är verifierad på {organisation.name}.", "success")
        else:
            accounts.revoke_organisation(member, current_user, form.reason.data or "")
            flash(f"Verifieringen av {member.display_name}s organisation är borttagen.",
                  "success")
    except (Invalid, Conflict) as error:
        flash(str(error), "error")
    return _back_to_organisations()


@bp.route("/invites", methods=["GET", "POST"])
@role_required("admin")
def invite_codes():
    """Single-use invite codes with an expiry date, for a closed network."""
    form = InviteForm()
    created = None
    if form.validate_on_submit():
        created = accounts.create_invite_code(current_user, timedelta(days=form.valid_days.data),
                                 form.note.data or "")
        flash("En ny inbjudningskod är skapad.", "success")
    codes = accounts.newest_invite_codes(page_number())
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

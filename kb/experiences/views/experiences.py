"""Recording, reading, editing and deleting experiences."""

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from kb import catalogue, community, moderation
from kb.core import parsing
from kb.core.errors import Invalid
from kb.core.vocab import ModerationState
from kb.experiences import drafts
from kb.experiences import records as experiences
from kb.experiences.forms import ExperienceForm, experience_form
from kb.extensions import csrf, login_manager
from kb.web.common import audience, posted_from_elsewhere, refuse

bp = Blueprint("experiences", __name__, url_prefix="/experiences")

# The proposal of a missing system inside the experience form: its fields' prefix.
PROPOSAL_PREFIX = "proposed"


@bp.route("/new", methods=["GET", "POST"])
def new():
    """The experience form; on an error it comes back with everything typed, and what is
    typed is kept as a draft until the experience is saved (kb.drafts)."""
    if not current_user.is_authenticated:
        return _kept_for_later()
    form, saved_at = _form_with_draft(member=current_user)
    proposal = _proposal_form()
    if request.method == "GET":
        system_id = parsing.as_id(request.args.get("system"))
        if system_id is not None:
            form.system_id.data = system_id
            form.earlier = experiences.existing(current_user.id, system_id)
    elif (answer := _other_action(form, proposal)) is not None:
        return answer
    elif form.validate():
        try:
            experience = experiences.record(current_user, form.values())
        except Invalid as error:
            return _refused(form, error, proposal, title="Dela din erfarenhet")
        drafts.discard(current_user.id)
        if experience.moderation_state == ModerationState.UNCONFIRMED:
            flash("Tack! Din erfarenhet är sparad och publiceras när du har bekräftat din "
                  "e-postadress med länken vi mejlade. Du ser den redan nu.", "success")
        elif experience.moderation_state == ModerationState.PENDING:
            flash("Tack! Din erfarenhet är sparad och publiceras när en moderator har granskat "
                  "den. Du ser den redan nu.", "success")
        else:
            flash("Tack! Din erfarenhet är sparad och publicerad.", "success")
        return redirect(url_for("experiences.view", experience_id=experience.id))
    else:
        _keep(form)
    return _form_page(form, proposal, title="Dela din erfarenhet", saved_at=saved_at)


@bp.get("/<int:experience_id>")
def view(experience_id: int):
    """One experience in full."""
    return render_template("experiences/view.html",
                           experience=experiences.readable(experience_id, audience()),
                           flag_form=community.FlagForm())


@bp.route("/<int:experience_id>/edit", methods=["GET", "POST"])
def edit(experience_id: int):
    """The author changes their experience; changes not yet saved are kept as a draft."""
    if not current_user.is_authenticated:
        return _kept_for_later(experience_id)
    experience = experiences.own(experience_id, audience())
    form, saved_at = _form_with_draft(experience=experience)
    proposal = _proposal_form(experience)
    if request.method == "POST":
        if (answer := _other_action(form, proposal, experience)) is not None:
            return answer
        if form.validate():
            try:
                experiences.update(experience, form.values())
            except Invalid as error:
                return _refused(form, error, proposal, title="Ändra din erfarenhet",
                                experience=experience)
            drafts.discard(current_user.id, experience.id)
            if _typed_about(experience.system_id):
                # Sent from the new-experience form ("update my earlier one instead").
                drafts.discard(current_user.id)
            flash("Dina ändringar är sparade.", "success")
            return redirect(url_for("experiences.view", experience_id=experience.id))
        _keep(form, experience)
    return _form_page(form, proposal, title="Ändra din erfarenhet", experience=experience,
                      saved_at=saved_at)


@bp.post("/<int:experience_id>/delete")
@login_required
def delete(experience_id: int):
    """The author deletes their experience."""
    experience = experiences.own(experience_id, audience())
    slug = experience.system.slug
    experiences.remove(experience)
    flash("Erfarenheten är borttagen.", "success")
    return redirect(url_for("systems.detail", slug=slug))


@bp.post("/<int:experience_id>/flag")
@login_required
def flag(experience_id: int):
    """A member reports an experience to the moderators, with a reason."""
    experience = experiences.readable(experience_id, audience())
    form = community.FlagForm()
    if form.validate_on_submit():
        try:
            moderation.raise_flag(experience, current_user, form.reason.data)
        except moderation.ModerationError as error:
            refuse(form, error, "reason")
        else:
            flash("Tack! En moderator tittar på anmälan.", "success")
            return redirect(url_for("experiences.view", experience_id=experience.id))
    return render_template("experiences/view.html", experience=experience, flag_form=form), 422


@bp.route("/propose-system", methods=["GET", "POST"])
@login_required
def propose_system():
    """A member proposes a payroll system missing from the catalogue."""
    form = community.ProposeSystemForm()
    if form.validate_on_submit():
        system = catalogue.propose_system(current_user.id, form.name.data, form.vendor.data,
                                          form.website.data)
        flash(f"Tack! {system.name} granskas av en moderator. Du kan redan nu välja det "
              "i formuläret.", "success")
        return redirect(url_for("experiences.new", system=system.id))
    return render_template("experiences/propose_system.html", form=form), (
        422 if form.errors else 200)


# Drafts -------------------------------------------------------------------------------

# The browser's hold on a draft sent after its session ended (kb.drafts.park).
DRAFT_COOKIE = "kb_draft"


def _typed(form: ExperienceForm) -> dict[str, list[str]]:
    """What was sent in the experience form and the proposal beside it."""
    names = [name for name in form._fields if name != "csrf_token"]
    names += [f"{PROPOSAL_PREFIX}-{name}" for name in ("name", "vendor", "website")]
    return drafts.fields_of(request.form, names)


def _keep(form: ExperienceForm, experience=None) -> None:
    # A form another site made the browser send would replace what the member typed.
    if posted_from_elsewhere():
        return
    drafts.save(current_user.id, _typed(form), experience.id if experience else None)


def _typed_about(system_id: int) -> bool:
    """Whether the member's draft of a new experience is about this system."""
    draft = drafts.load(current_user.id)
    return draft is not None and drafts.formdata(draft).get("system_id") == str(system_id)


def _form_with_draft(*, member=None, experience=None):
    """The form from what was sent, or else from the member's draft (a draft parked
    while they were logged out becomes theirs now); the draft's time when one is shown."""
    if request.method == "POST":
        return experience_form(request.form, member=member, experience=experience), None
    claimed = drafts.claim(request.cookies.get(DRAFT_COOKIE), current_user.id)
    if claimed is not None:
        flash("Du hade loggats ut medan du skrev. Det du skrev är kvar – kontrollera det "
              "och spara.", "info")
    draft = drafts.load(current_user.id, experience.id if experience else None)
    if draft is None:
        return experience_form(member=member, experience=experience), None
    form = experience_form(drafts.formdata(draft), member=member, experience=experience)
    return form, draft.updated_at


def _proposal_form(experience=None) -> community.ProposeSystemForm:
    # Inside the experience form, which carries the CSRF token for both.
    data = request.form if request.method == "POST" else None
    if data is None:
        draft = drafts.load(current_user.id, experience.id if experience else None)
        data = drafts.formdata(draft) if draft is not None else None
    return community.ProposeSystemForm(formdata=data, prefix=PROPOSAL_PREFIX, meta={"csrf": False})


def _other_action(form: ExperienceForm, proposal: community.ProposeSystemForm, experience=None):
    """Saving a draft, proposing a missing system or starting over: an answer, or None
    when the experience itself is to be saved. A stale form keeps what was typed."""
    action = request.form.get("action", "save")
    if action == "save":
        return None
    experience_id = experience.id if experience else None
    back = (url_for("experiences.edit", experience_id=experience_id) if experience
            else url_for("experiences.new"))
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        _keep(form, experience)  # never lost; nothing else is done with a stale form
        if action == "autosave":
            return "", 204
        flash("Formuläret hade gått ut. Det du skrev är sparat – skicka igen.", "error")
        return redirect(back)
    if action == "discard":
        drafts.discard(current_user.id, experience_id)
        flash("Utkastet är borttaget.", "success")
        return redirect(back)
    if action == "propose":
        if not proposal.validate():
            _keep(form, experience)
            return _form_page(form, proposal, title=_title(experience), experience=experience)
        system = catalogue.propose_system(current_user.id, proposal.name.data,
                                          proposal.vendor.data, proposal.website.data)
        typed = _typed(form)
        typed["system_id"] = [str(system.id)]
        for name in ("name", "vendor", "website"):
            typed.pop(f"{PROPOSAL_PREFIX}-{name}", None)
        drafts.save(current_user.id, typed, experience_id)
        flash(f"Tack! {system.name} granskas av en moderator. Det är valt i formuläret, "
              "och det du fyllt i finns kvar.", "success")
        return redirect(back + "#system_id")
    _keep(form, experience)  # "draft", "autosave" and anything else: keep it
    if action == "autosave":
        return "", 204
    flash("Utkastet är sparat. Du kan fortsätta här eller senare.", "success")
    return redirect(back)


def _kept_for_later(experience_id: int | None = None):
    """Not logged in (or the session ended while the member typed): what was sent is
    kept for this browser, and given back after logging in."""
    if request.method != "POST" or "csrf_token" not in request.form or posted_from_elsewhere():
        # Nothing typed into kb's own form to keep (a parked draft from another site's
        # page would replace the member's own draft when they log in).
        return login_manager.unauthorized()
    form = ExperienceForm(request.form, meta={"csrf": False})
    token = drafts.park(_typed(form), experience_id, request.cookies.get(DRAFT_COOKIE))
    if request.form.get("action") == "autosave":
        response = make_response("", 204)
    else:
        flash("Du har loggats ut. Det du skrev är sparat – logga in, så får du tillbaka "
              "det.", "info")
        response = redirect(url_for("auth.login", next=request.path))
    response.set_cookie(DRAFT_COOKIE, token, max_age=drafts.PARKED_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _title(experience) -> str:
    return "Ändra din erfarenhet" if experience else "Dela din erfarenhet"


def _refused(form: ExperienceForm, error: Invalid, proposal: community.ProposeSystemForm, **page):
    """The form again with the domain's reason next to its field; what was typed stays
    in the form and in the draft."""
    refuse(form, error, "title")
    _keep(form, page.get("experience"))
    return _form_page(form, proposal, **page)


def _form_page(form: ExperienceForm, proposal: community.ProposeSystemForm, *, title: str,
               experience=None, saved_at=None):
    # A form sent with errors answers 422 so clients and tests can tell it was refused.
    status = 422 if form.errors or proposal.errors else 200
    draft_url = (url_for("experiences.edit", experience_id=experience.id) if experience
                 else url_for("experiences.new"))
    return (
        render_template("experiences/form.html", form=form, proposal=proposal, title=title,
                        experience=experience, draft_saved_at=saved_at, draft_url=draft_url),
        status,
    )


# The form checks its CSRF token itself (a stale one keeps what was typed as a draft
# instead of throwing it away), so the global check leaves these two views alone.
csrf.exempt(new)
csrf.exempt(edit)

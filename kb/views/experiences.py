"""Recording, reading, editing and deleting experiences."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb import catalogue, experiences, moderation, parsing
from kb.errors import Invalid
from kb.extensions import db
from kb.forms import ExperienceForm, FlagForm, ProposeSystemForm, experience_form
from kb.views.common import audience

bp = Blueprint("experiences", __name__, url_prefix="/experiences")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """The experience form; on an error it comes back with everything typed."""
    form = experience_form(request.form if request.method == "POST" else None,
                           member=current_user)
    if request.method == "GET":
        system_id = parsing.as_id(request.args.get("system"))
        if system_id is not None:
            form.system_id.data = system_id
            form.earlier = experiences.existing(current_user.id, system_id)
    if form.validate_on_submit():
        try:
            experience = experiences.record(current_user, form.values())
        except Invalid as error:
            return _refused(form, error, title="Dela din erfarenhet")
        if experience.moderation_state == moderation.UNCONFIRMED:
            flash("Tack! Din erfarenhet är sparad och publiceras när du har bekräftat din "
                  "e-postadress med länken vi mejlade. Du ser den redan nu.", "success")
        elif experience.moderation_state == "pending":
            flash("Tack! Din erfarenhet är sparad och publiceras när en moderator har granskat "
                  "den. Du ser den redan nu.", "success")
        else:
            flash("Tack! Din erfarenhet är sparad och publicerad.", "success")
        return redirect(url_for("experiences.view", experience_id=experience.id))
    return _form_page(form, title="Dela din erfarenhet")


@bp.get("/<int:experience_id>")
def view(experience_id: int):
    """One experience in full."""
    return render_template("experiences/view.html",
                           experience=experiences.readable(experience_id, audience()),
                           flag_form=FlagForm())


@bp.route("/<int:experience_id>/edit", methods=["GET", "POST"])
@login_required
def edit(experience_id: int):
    """The author changes their experience."""
    experience = experiences.own(experience_id, audience())
    form = experience_form(request.form if request.method == "POST" else None,
                           experience=experience)
    if form.validate_on_submit():
        try:
            experiences.update(experience, form.values())
        except Invalid as error:
            return _refused(form, error, title="Ändra din erfarenhet", experience=experience)
        flash("Dina ändringar är sparade.", "success")
        return redirect(url_for("experiences.view", experience_id=experience.id))
    return _form_page(form, title="Ändra din erfarenhet", experience=experience)


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
    form = FlagForm()
    if form.validate_on_submit():
        try:
            moderation.raise_flag(experience, current_user, form.reason.data)
        except moderation.ModerationError as error:
            form.reason.errors.append(str(error))
        else:
            flash("Tack! En moderator tittar på anmälan.", "success")
            return redirect(url_for("experiences.view", experience_id=experience.id))
    return render_template("experiences/view.html", experience=experience, flag_form=form), 422


@bp.route("/propose-system", methods=["GET", "POST"])
@login_required
def propose_system():
    """A member proposes a payroll system missing from the catalogue."""
    form = ProposeSystemForm()
    if form.validate_on_submit():
        system = catalogue.propose_system(current_user.id, form.name.data, form.vendor.data,
                                          form.website.data)
        flash(f"Tack! {system.name} granskas av en moderator. Du kan redan nu välja det "
              "i formuläret.", "success")
        return redirect(url_for("experiences.new", system=system.id))
    return render_template("experiences/propose_system.html", form=form), (
        422 if form.errors else 200)


def _refused(form: ExperienceForm, error: Invalid, **page):
    """The form again with the domain's reason next to its field; nothing is kept."""
    db.session.rollback()
    form[error.field or "title"].errors.append(error.message)
    return _form_page(form, **page)


def _form_page(form: ExperienceForm, *, title: str, experience=None):
    # A form sent with errors answers 422 so clients and tests can tell it was refused.
    status = 422 if form.errors else 200
    return (
        render_template("experiences/form.html", form=form, title=title, experience=experience),
        status,
    )

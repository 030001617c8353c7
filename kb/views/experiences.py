"""Recording, reading, editing and deleting experiences."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb import experiences
from kb.access import get_experience
from kb.forms import ExperienceForm

bp = Blueprint("experiences", __name__, url_prefix="/experiences")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """The experience form; on an error it comes back with everything typed."""
    form = experiences.new_form(request.form if request.method == "POST" else None,
                                user=current_user)
    if request.method == "GET" and request.args.get("system", "").isdigit():
        form.system_id.data = int(request.args["system"])
    if form.validate_on_submit():
        experience = experiences.record(form, current_user)
        flash("Tack! Din erfarenhet är sparad.", "success")
        return redirect(url_for("experiences.view", experience_id=experience.id))
    return _form_page(form, title="Dela din erfarenhet", status=_status(form))


@bp.get("/<int:experience_id>")
def view(experience_id: int):
    """One experience in full."""
    return render_template("experiences/view.html", experience=get_experience(experience_id))


@bp.route("/<int:experience_id>/edit", methods=["GET", "POST"])
@login_required
def edit(experience_id: int):
    """The author changes their experience."""
    experience = get_experience(experience_id, for_change=True)
    form = experiences.new_form(request.form if request.method == "POST" else None,
                                experience=experience)
    if form.validate_on_submit():
        experiences.update(experience, form)
        flash("Dina ändringar är sparade.", "success")
        return redirect(url_for("experiences.view", experience_id=experience.id))
    return _form_page(form, title="Ändra din erfarenhet", experience=experience,
                      status=_status(form))


@bp.post("/<int:experience_id>/delete")
@login_required
def delete(experience_id: int):
    """The author deletes their experience."""
    experience = get_experience(experience_id, for_change=True)
    slug = experience.system.slug
    experiences.remove(experience)
    flash("Erfarenheten är borttagen.", "success")
    return redirect(url_for("systems.detail", slug=slug))


def _status(form: ExperienceForm) -> int:
    # A form sent with errors answers 422 so clients and tests can tell it was refused.
    return 422 if form.errors else 200


def _form_page(form: ExperienceForm, *, title: str, status: int, experience=None):
    return (
        render_template("experiences/form.html", form=form, title=title, experience=experience),
        status,
    )

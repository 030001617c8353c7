"""A network's own survey brought into kb: upload, mapping and preview, confirmation (for
the network's leaders), and a member taking over their organisation's answer."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb import catalogue, experiences, networks, survey
from kb.errors import Invalid
from kb.forms.survey import SurveyConfirmForm, SurveyUploadForm, mapping_form, unknown_field_name
from kb.survey import values
from kb.survey.columns import FIELDS, REQUIRED
from kb.views.common import audience, refuse

bp = Blueprint("survey", __name__)

# The request may be larger than the file by its multipart wrapping; a file between 5 MB
# and this gets kb's own message from kb.survey.reading, a larger request the one below.
UPLOAD_REQUEST_LIMIT = survey.MAX_BYTES + 256 * 1024
TOO_LARGE = "Filen är större än 5 MB. Dela upp den eller ta bort kolumner som inte behövs."


@bp.record_once
def _upload_limit_first(state) -> None:
    # CSRF protection reads the form before any view runs: the upload's own limit has to
    # be in place before it (every other request keeps MAX_CONTENT_LENGTH).
    state.app.before_request_funcs.setdefault(None, []).insert(0, _upload_limit)


def _upload_limit() -> None:
    if request.endpoint == "survey.upload" and request.method == "POST":
        request.max_content_length = UPLOAD_REQUEST_LIMIT


@bp.app_context_processor
def _claim_check() -> dict:
    def survey_claimable(experience) -> bool:
        return current_user.is_authenticated and survey.claimable(experience, current_user)
    return {"survey_claimable": survey_claimable}


@bp.errorhandler(413)
def _too_large(_error):
    network = networks.by_slug(request.view_args.get("slug", "")) if request.view_args else None
    if network is None or not current_user.is_authenticated:
        return render_template("error.html", code=413, title="För stor fil",
                               message=TOO_LARGE), 413
    form = SurveyUploadForm(formdata=None)
    form.file.errors = [TOO_LARGE]
    return _upload_page(network, form), 413


def _upload_page(network, form):
    return render_template("survey/upload.html", network=network, form=form,
                           imports=survey.imports_of(network), inside=True)


@bp.route("/networks/<slug>/import", methods=["GET", "POST"])
@login_required
def upload(slug: str):
    """A leader uploads the network's survey sheet (CSV or .xlsx); nothing is written to
    the answers until they have seen the preview and confirmed."""
    network = networks.by_slug(slug)
    networks.require_leader(network, current_user)
    form = SurveyUploadForm()
    if form.validate_on_submit():
        content = form.file.data.read(survey.MAX_BYTES + 1)
        try:
            found = survey.upload(network, current_user, form.file.data.filename or "", content)
        except Invalid as error:
            refuse(form, error, "file")
        else:
            return redirect(url_for("survey.review", slug=slug, import_id=found.id))
    return _upload_page(network, form), 422 if form.errors else 200


def _review_page(network, opened, form, confirm_form, status=200):
    return render_template(
        "survey/review.html", network=network, opened=opened, preview=opened.preview,
        form=form, confirm_form=confirm_form, fields=FIELDS, required_fields=REQUIRED,
        rule=values.RULE, form_field_name=unknown_field_name, outcome=survey.outcome,
        inside=True), status


@bp.route("/networks/<slug>/import/<int:import_id>", methods=["GET", "POST"])
@login_required
def review(slug: str, import_id: int):
    """The mapping kb guessed, for the leader to correct, and the preview of every row."""
    network = networks.by_slug(slug)
    opened = survey.opened(network, current_user, import_id)
    systems = catalogue.listed_systems()
    if request.method == "POST":
        form = mapping_form(opened.sheet.headers, opened.preview.unknown, systems,
                            opened.mapping, formdata=request.form)
        if not form.validate_on_submit():
            return _review_page(network, opened, form, SurveyConfirmForm(formdata=None), 422)
        opened = survey.remap(opened, form.mapping([u.key for u in opened.preview.unknown]))
        flash("Mappningen är sparad och förhandsgranskningen uppdaterad.", "success")
        return redirect(url_for("survey.review", slug=slug, import_id=import_id) + "#preview")
    form = mapping_form(opened.sheet.headers, opened.preview.unknown, systems, opened.mapping)
    confirm_form = SurveyConfirmForm(formdata=None, token=opened.preview.token)
    return _review_page(network, opened, form, confirm_form)


@bp.post("/networks/<slug>/import/<int:import_id>/confirm")
@login_required
def confirm(slug: str, import_id: int):
    """The leader confirms: the rows without errors become the network's survey answers."""
    network = networks.by_slug(slug)
    opened = survey.opened(network, current_user, import_id)
    form = SurveyConfirmForm()
    if not form.validate_on_submit():
        systems = catalogue.listed_systems()
        mapping = mapping_form(opened.sheet.headers, opened.preview.unknown, systems,
                               opened.mapping)
        return _review_page(network, opened, mapping, form, 422)
    done = survey.confirm(opened.upload, current_user, opened.preview, opened.mapping,
                          form.visibility.data, form.token.data or "")
    flash(f"Enkäten är importerad: {survey.outcome(done)}.", "success")
    return redirect(url_for("networks.detail", slug=slug))


@bp.post("/experiences/<int:experience_id>/claim")
@login_required
def claim(experience_id: int):
    """A member of the organisation a survey answer names makes it their own experience."""
    experience = experiences.readable(experience_id, audience())
    survey.claim(experience, current_user, audience())
    flash("Svaret är nu din erfarenhet. Komplettera den gärna med egna ord.", "success")
    return redirect(url_for("experiences.edit", experience_id=experience_id))

"""A network's own survey brought into kb: upload, mapping and preview, confirmation (for
the network's leaders), and a member taking over their organisation's answer."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb import catalogue, experiences
from kb.access import networks as access
from kb.core.errors import Invalid
from kb.extensions import db
from kb.networks import memberships as networks
from kb.networks import survey
from kb.networks.survey import values
from kb.networks.survey.columns import FIELDS, REQUIRED
from kb.networks.survey.forms import (
    SurveyConfirmForm,
    SurveyUploadForm,
    mapping_form,
    unknown_field_name,
)
from kb.web.common import audience, refuse

bp = Blueprint("survey", __name__, url_prefix="/networks/<slug>/import")
# Taking a survey answer over happens on the experience it became.
claims_bp = Blueprint("survey_claims", __name__, url_prefix="/experiences/<int:experience_id>")
blueprints = (bp, claims_bp)

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
    def survey_claim(experience) -> survey.ClaimCheck:
        """Whether the viewer may take the answer over, or what they miss (kb.survey.claiming)."""
        return survey.claim_check(experience, current_user)
    return {"survey_claim": survey_claim}


@bp.errorhandler(413)
def _too_large(_error):
    network = networks.by_slug(request.view_args.get("slug", "")) if request.view_args else None
    if network is None or not current_user.is_authenticated \
            or not access.is_leader(network, current_user.id):
        return render_template("error.html", code=413, title="För stor fil",
                               message=TOO_LARGE), 413
    form = SurveyUploadForm(formdata=None)
    form.file.errors = [TOO_LARGE]
    return _upload_page(network, form), 413


def _upload_page(network, form):
    return render_template("survey/upload.html", network=network, form=form,
                           imports=survey.imports_of(network),
                           uploads_left=survey.uploads_left(network),
                           uploads_per_day=survey.UPLOADS_PER_DAY,
                           confirmations_per_day=survey.CONFIRMATIONS_PER_DAY,
                           audiences=survey.VISIBILITIES, review_states=survey.REVIEW_STATES,
                           may=access.network_view(audience(), network))


@bp.route("", methods=["GET", "POST"])
@login_required
def upload(slug: str):
    """A leader uploads the network's survey sheet (CSV or .xlsx); nothing is written to
    the answers until they have seen the preview and confirmed."""
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    form = SurveyUploadForm()
    status = 200
    if form.validate_on_submit():
        try:
            if not survey.uploads_left(network):  # before the file is read at all
                raise survey.DailyLimit(survey.limits.UPLOADS_REACHED, field="file")
            content = form.file.data.read(survey.MAX_BYTES + 1)
            found = survey.upload(network, current_user, form.file.data.filename or "", content)
        except survey.DailyLimit as error:
            refuse(form, error, "file")
            status = 429
        except Invalid as error:
            refuse(form, error, "file")
        else:
            return redirect(url_for("survey.review", slug=slug, import_id=found.id))
    if status == 200 and form.errors:
        status = 422
    return _upload_page(network, form), status


def _review_page(network, opened, form, confirm_form, status=200):
    return render_template(
        "survey/review.html", network=network, opened=opened, preview=opened.preview,
        form=form, confirm_form=confirm_form.shown_to(current_user), fields=FIELDS,
        required_fields=REQUIRED, rule=values.RULE, form_field_name=unknown_field_name,
        outcome=survey.outcome, audiences=survey.VISIBILITIES,
        review_states=survey.REVIEW_STATES, may=access.network_view(audience(), network)), status


@bp.route("/<int:import_id>", methods=["GET", "POST"])
@login_required
def review(slug: str, import_id: int):
    """The mapping kb guessed, for the leader to correct, and the preview of every row."""
    network = networks.by_slug(slug)
    opened = survey.opened(network, current_user, import_id)
    systems = catalogue.listed_systems()
    if request.method == "POST":
        access.require_leading(network, current_user)
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


@bp.post("/<int:import_id>/confirm")
@login_required
def confirm(slug: str, import_id: int):
    """The leader confirms: the rows without errors become the network's survey answers."""
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    opened = survey.opened(network, current_user, import_id)
    form = SurveyConfirmForm()
    if not form.validate_on_submit():
        systems = catalogue.listed_systems()
        mapping = mapping_form(opened.sheet.headers, opened.preview.unknown, systems,
                               opened.mapping)
        return _review_page(network, opened, mapping, form, 422)
    try:
        done = survey.confirm(opened.upload, current_user, opened.preview, opened.mapping,
                              form.visibility.data, form.token.data or "")
    except Invalid as error:
        db.session.rollback()
        form.visibility.errors = [*form.visibility.errors, error.message]
        systems = catalogue.listed_systems()
        mapping = mapping_form(opened.sheet.headers, opened.preview.unknown, systems,
                               opened.mapping)
        return _review_page(network, opened, mapping, form,
                            429 if isinstance(error, survey.DailyLimit) else 422)
    flash(_imported(done), "success")
    return redirect(url_for("networks.detail", slug=slug))


def _imported(done) -> str:
    """What the leader is told once the sheet is written: who sees the answers now, and
    what waits for a moderator."""
    said = f"Enkäten är importerad: {survey.outcome(done)}. "
    if done.visibility not in survey.REVIEWED:
        return said + "Svaren delas med nätverkets medlemmar."
    wider = "alla inloggade medlemmar" if done.visibility == "members" else "alla besökare"
    return said + (f"Svaren delas med nätverkets medlemmar tills en moderator har granskat "
                   f"importen; när den är godkänd delas de med {wider} och räknas i kb:s "
                   "siffror. Svar som den här filen ändrade delas bara med nätverket tills "
                   "dess.")


@claims_bp.post("/claim")
@login_required
def claim(experience_id: int):
    """A member of the organisation a survey answer names makes it their own experience."""
    experience = experiences.readable(experience_id, audience())
    survey.claim(experience, current_user, audience())
    flash("Svaret är nu din erfarenhet. Komplettera den gärna med egna ord.", "success")
    return redirect(url_for("experiences.edit", experience_id=experience_id))

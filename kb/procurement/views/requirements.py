"""Shared requirement lists (/upphandling/krav): the lists, sharing one (with its
document), one list compared with the reader's own and with the systems, its
document, and removing it."""

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from kb.core import parsing
from kb.core.errors import Invalid
from kb.procurement import requirements
from kb.procurement.forms import RemoveRequirementForm, RequirementForm
from kb.web.common import audience, figure_scope, refuse

bp = Blueprint("requirements", __name__, url_prefix="/upphandling/krav")

# The request may be larger than the document by its form and multipart wrapping.
UPLOAD_REQUEST_LIMIT = requirements.MAX_BYTES + 256 * 1024


@bp.record_once
def _upload_limit_first(state) -> None:
    # CSRF protection reads the form before any view runs: the upload's own limit has to
    # be in place before it (every other request keeps MAX_CONTENT_LENGTH).
    state.app.before_request_funcs.setdefault(None, []).insert(0, _upload_limit)


def _upload_limit() -> None:
    if request.endpoint == "requirements.new" and request.method == "POST":
        request.max_content_length = UPLOAD_REQUEST_LIMIT


@bp.errorhandler(413)
def _too_large(_error):
    if not current_user.is_authenticated:
        return render_template("error.html", code=413, title="För stor fil",
                               message=requirements.TOO_LARGE), 413
    form = RequirementForm(formdata=None)
    form.document.errors = [requirements.TOO_LARGE]
    return render_template("procurement/requirement_form.html", form=form), 413


@bp.get("")
def index():
    """The requirement lists the reader may read."""
    return render_template("procurement/requirements.html",
                           requirements=requirements.listed(audience()),
                           items_of=requirements.items_of)


@bp.route("/ny", methods=["GET", "POST"])
@login_required
def new():
    """Share the requirement list of a procurement."""
    form = RequirementForm()
    if form.validate_on_submit():
        upload = form.document.data
        document = None
        if upload is not None and getattr(upload, "filename", ""):
            content = upload.read(requirements.MAX_BYTES + 1)
            document = (upload.filename, content)
        try:
            requirement = requirements.share(
                current_user,
                {"title": form.title.data, "year": form.year.data,
                 "visibility": form.visibility.data, "items": form.items()},
                document)
        except Invalid as error:
            field = {"items": "title"}.get(error.field, error.field)
            refuse(form, Invalid(error.message, field=field), "title")
        else:
            flash("Kravlistan är delad.", "success")
            return redirect(url_for("requirements.detail", requirement_id=requirement.id))
    return render_template("procurement/requirement_form.html", form=form), (
        422 if form.errors else 200)


@bp.get("/<int:requirement_id>")
def detail(requirement_id: int):
    """One list, compared with the reader's own list (?mina=<id>) and with how the
    systems fare on its capabilities."""
    viewer = audience()
    requirement = requirements.readable(viewer, requirement_id)
    own = requirements.own(viewer)
    chosen = parsing.as_id(request.args.get("mina"))
    mine = next((r for r in own if r.id == chosen and r.id != requirement.id), None)
    scope = figure_scope()
    return render_template(
        "procurement/requirement.html", requirement=requirement,
        comparison=requirements.compare(viewer, requirement, mine, scope.filters),
        own=[r for r in own if r.id != requirement.id], mine=mine, scope=scope,
        remove_form=RemoveRequirementForm(),
        may_remove=requirements.may_remove(viewer, requirement),
        reason_needed=requirements.must_give_reason(viewer, requirement))


@bp.get("/<int:requirement_id>/dokument")
def document(requirement_id: int):
    """The list's document, as an attachment under a plain name."""
    requirement = requirements.readable(audience(), requirement_id)
    path = requirements.document_path(requirement)
    if path is None:
        abort(404)
    kind = requirement.document_type
    name = requirement.document_name or f"kravlista.{kind}"
    response = Response(path.read_bytes(), mimetype=requirements.DOCUMENT_TYPES[kind])
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:requirement_id>/ta-bort")
@login_required
def remove(requirement_id: int):
    """Remove a list: its author, or a moderator with a reason (kept in the audit log)."""
    form = RemoveRequirementForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or "Försök igen.", "error")
        return redirect(url_for("requirements.detail", requirement_id=requirement_id))
    try:
        requirements.remove(audience(), requirement_id, current_user, form.reason.data or "")
    except Invalid as error:
        flash(error.message, "error")
        return redirect(url_for("requirements.detail", requirement_id=requirement_id))
    flash("Kravlistan är borttagen." + (" Motiveringen är sparad i loggen."
                                        if form.reason.data else ""), "success")
    return redirect(url_for("requirements.index"))

"""Procurement partners: being open to procuring together, the partner list, and the
messages between open members (/upphandling/partner, /upphandling/meddelanden)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kb.core.errors import Conflict, Forbidden, Invalid
from kb.procurement import partners
from kb.procurement.forms import MessageForm, OpeningForm, ReplyForm
from kb.web.common import audience, refuse
from kb.web.forms import ActionForm

bp = Blueprint("partners", __name__, url_prefix="/upphandling")


def _opening_form(formdata=None) -> OpeningForm:
    answers = partners.contract_answers(current_user.id)
    opening = partners.opening_of(current_user.id)
    form = OpeningForm(formdata=formdata, obj=opening, answers=answers)
    if formdata is None and opening is None and answers:
        form.experience_id.data = answers[0].id
        form.year_from.data = answers[0].contract_end_year - 1
        form.year_to.data = answers[0].contract_end_year + 1
        first, _last = partners.window_years()
        form.year_from.data = max(form.year_from.data, first)
        form.year_to.data = max(form.year_to.data, first)
    return form


def _page(form: OpeningForm, status: int = 200):
    opening = partners.opening_of(current_user.id)
    found = partners.partners(audience()) if opening is not None else None
    return render_template("procurement/partners.html", form=form, opening=opening,
                           partners=found, answers=partners.contract_answers(current_user.id),
                           close_form=ActionForm(), messages_per_day=partners.MESSAGES_PER_DAY,
                           ), status


@bp.get("/partner")
@login_required
def index():
    """The partner list for an open member; for anyone else, how to become open."""
    return _page(_opening_form())


@bp.post("/partner")
@login_required
def open_up():
    """Say (or change) that the organisation is open to procuring together."""
    form = _opening_form(request.form)
    if form.validate_on_submit():
        try:
            partners.open_for(current_user, form.experience_id.data, form.year_from.data,
                              form.year_to.data, form.region.data or "",
                              form.show_organisation.data)
        except Invalid as error:
            refuse(form, error, "experience_id")
        else:
            flash("Sparat. Andra som är öppna för samordnad upphandling ser nu er "
                  "organisation om ert avtal löper ut inom deras år.", "success")
            return redirect(url_for("partners.index"))
    return _page(form, 422)


@bp.post("/partner/sluta")
@login_required
def close():
    """No longer open to procuring together."""
    if ActionForm().validate_on_submit():
        partners.close_for(current_user.id)
        flash("Ni syns inte längre för andra som letar samarbetspartner.", "success")
    return redirect(url_for("partners.index"))


@bp.route("/partner/<int:opening_id>/meddelande", methods=["GET", "POST"])
@login_required
def write(opening_id: int):
    """Write to an open member through kb (without either address)."""
    target = partners.partner(audience(), opening_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            message = partners.send(current_user, audience(), opening_id, form.body.data)
        except (Invalid, Conflict) as error:
            refuse(form, Invalid(error.message, field="body"), "body")
        else:
            flash("Meddelandet är skickat. Du får e-post när mottagaren svarar.", "success")
            return redirect(url_for("partners.message", message_id=message.id))
    return render_template("procurement/write.html", form=form, partner=target), (
        422 if form.errors else 200)


@bp.get("/meddelanden")
@login_required
def messages():
    """The member's messages about joint procurement, sent and received."""
    return render_template("procurement/messages.html",
                           messages=partners.messages_of(current_user.id))


@bp.route("/meddelanden/<int:message_id>", methods=["GET", "POST"])
@login_required
def message(message_id: int):
    """One message; its recipient answers it here, and both then see the other's address."""
    found = partners.readable_message(audience(), message_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            partners.answer(audience(), message_id, form.body.data)
        except (Invalid, Forbidden) as error:
            refuse(form, Invalid(error.message, field="body"), "body")
        else:
            flash("Svaret är skickat. Ni har fått varandras kontaktuppgifter med e-post.",
                  "success")
            return redirect(url_for("partners.message", message_id=message_id))
    return render_template("procurement/message.html", message=found, form=form,
                           received=found.recipient_id == current_user.id), (
        422 if form.errors else 200)

"""A network's meetings: the list, scheduling, answering, notes, and calendar files."""

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from kb import catalogue
from kb.access import membership
from kb.access import networks as access
from kb.core.errors import Invalid
from kb.models import utcnow
from kb.networks import meetings
from kb.networks import memberships as networks
from kb.networks.forms import MeetingAnswerForm, MeetingForm, MeetingNotesForm
from kb.web.common import audience, refuse
from kb.web.urls import absolute_url

bp = Blueprint("meetings", __name__, url_prefix="/networks/<slug>/meetings")

@bp.get("")
@login_required
def index(slug: str):
    """Coming and past meetings, and the address to subscribe to them."""
    network = _readable(slug)
    mine = access.membership_of(network, current_user.id)
    return render_template("meetings/index.html", network=network,
                           may=access.network_view(audience(), network, mine),
                           upcoming=meetings.upcoming(network), past=meetings.past(network),
                           feed_url=_feed_url(network, mine, renew=False))


@bp.post("/calendar-link")
@login_required
def calendar_link(slug: str):
    """A member gets (or replaces) the secret address of the network's calendar feed."""
    network = networks.by_slug(slug)
    access.require_member(audience(), network)
    meetings.calendar_token(access.membership_of(network, current_user.id), renew=True)
    flash("Din kalenderadress är ny; den gamla slutar fungera.", "success")
    return redirect(url_for("meetings.index", slug=slug) + "#prenumerera")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    form = MeetingForm(systems=catalogue.listed_systems())
    if form.validate_on_submit():
        try:
            meeting = meetings.schedule(network, current_user, form.values())
        except Invalid as error:
            refuse(form, error, "title")
        else:
            flash("Mötet är inbokat och medlemmarna har fått en avisering.", "success")
            return redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting.id))
    return _form_page(network, form, None)


@bp.get("/<int:meeting_id>")
@login_required
def detail(slug: str, meeting_id: int):
    """The meeting: time, place, link (members), agenda, answers, notes, what was discussed."""
    network = _readable(slug)
    meeting = meetings.meeting_in(network, meeting_id)
    viewer = audience()
    experiences, questions = meetings.discussed(meeting, viewer)
    response = meetings.response_of(meeting, current_user.id)
    form = MeetingAnswerForm(data={"answer": response.answer if response else None,
                                   "attendance": response.attendance if response else None})
    return _meeting_page(network, meeting, form, experiences, questions, response)


@bp.post("/<int:meeting_id>/answer")
@login_required
def answer(slug: str, meeting_id: int):
    """A member answers kommer, kommer inte or kanske (and on site or digitally)."""
    network = networks.by_slug(slug)
    access.require_member(audience(), network)
    meeting = meetings.meeting_in(network, meeting_id)
    form = MeetingAnswerForm()
    if form.validate_on_submit():
        try:
            meetings.respond(meeting, current_user, form.answer.data, form.attendance.data)
        except Invalid as error:
            refuse(form, error, "answer")
        else:
            flash("Tack! Ditt svar är sparat.", "success")
            return redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting_id)
                            + "#svar")
    experiences, questions = meetings.discussed(meeting, audience())
    return _meeting_page(network, meeting, form, experiences, questions,
                         meetings.response_of(meeting, current_user.id), status=422)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, meeting_id: int):
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    meeting = meetings.meeting_in(network, meeting_id)
    form = MeetingForm(systems=catalogue.listed_systems())
    if request.method == "GET":
        form.fill(meeting, meetings.local(meeting.starts_at), meetings.local(meeting.ends_at))
    elif form.validate_on_submit():
        try:
            meetings.update(meeting, current_user, form.values())
        except Invalid as error:
            refuse(form, error, "title")
        else:
            flash("Mötet är ändrat. Kalendrar som hämtat det uppdateras.", "success")
            return redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting.id))
    return _form_page(network, form, meeting)


@bp.post("/<int:meeting_id>/cancel")
@login_required
def cancel(slug: str, meeting_id: int):
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    meeting = meetings.meeting_in(network, meeting_id)
    meetings.cancel(meeting, current_user)
    flash("Mötet är inställt. Medlemmarna har fått en avisering.", "success")
    return redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/notes", methods=["GET", "POST"])
@login_required
def notes(slug: str, meeting_id: int):
    """After the meeting, a leader writes notes and links what was discussed."""
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    meeting = meetings.meeting_in(network, meeting_id)
    experiences, questions = meetings.linkable(meeting, audience())
    form = MeetingNotesForm(experiences=experiences, questions=questions)
    if request.method == "GET":
        form.notes.data = meeting.notes
        form.experience_ids.data = [i.experience_id for i in meeting.items if i.experience_id]
        form.question_ids.data = [i.question_id for i in meeting.items if i.question_id]
    elif form.validate_on_submit():
        try:
            meetings.save_notes(meeting, current_user, form.notes.data,
                                form.experience_ids.data or [], form.question_ids.data or [],
                                audience())
        except Invalid as error:
            refuse(form, error, "notes")
        else:
            flash("Anteckningarna är sparade.", "success")
            return redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting_id))
    return render_template("meetings/notes.html", network=network, meeting=meeting,
                           form=form), 422 if form.errors else 200


# Calendar files -----------------------------------------------------------------------

@bp.get("/<int:meeting_id>.ics")
@login_required
def meeting_ics(slug: str, meeting_id: int):
    """One meeting as an .ics file, for the network's members."""
    network = networks.by_slug(slug)
    access.require_member(audience(), network)
    meeting = meetings.meeting_in(network, meeting_id)
    body = meetings.calendar([meeting], {meeting.id: _meeting_url(meeting)},
                             f"{meeting.title} – {network.name}")
    return Response(body, content_type=meetings.CONTENT_TYPE, headers={
        "Content-Disposition": f'attachment; filename="mote-{meeting.id}.ics"'})


# Helpers ------------------------------------------------------------------------------

def _readable(slug: str):
    network = networks.by_slug(slug)
    access.require_reader(audience(), network)
    return network


def _meeting_url(meeting) -> str:
    return absolute_url("meetings.detail", slug=meeting.network.slug, meeting_id=meeting.id)


def _feed_url(network, mine, renew: bool) -> str | None:
    if not membership.is_active(mine):
        return None
    token = meetings.calendar_token(mine, renew=renew)
    return absolute_url("networks.meetings_feed", slug=network.slug, token=token)


def _form_page(network, form, meeting):
    return render_template("meetings/form.html", network=network, form=form, meeting=meeting,
                           title="Ändra mötet" if meeting else "Boka ett möte"), (
        422 if form.errors else 200)


def _meeting_page(network, meeting, form, experiences, questions, response, status=200):
    may = access.network_view(audience(), network)
    return render_template(
        "meetings/detail.html", network=network, meeting=meeting, form=form,
        experiences=experiences, questions=questions, response=response,
        may=may, may_meeting=access.meeting_view(meeting, may),
        answers=meetings.answers(meeting),
        starts=meetings.local(meeting.starts_at), ends=meetings.local(meeting.ends_at),
        ended=meeting.ends_at < utcnow()), status

"""Networks: the list, starting one, the network page with “Vad kör vi i nätverket?”,
its exports, and membership (requests, invite links, leaders, leaving)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_url

from kb import meetings, network_exports, network_overview, networks, stats
from kb.errors import Forbidden, Invalid
from kb.extensions import login_manager
from kb.forms import CloseNetworkForm, InviteLinkForm, NetworkForm
from kb.stats import table
from kb.views.common import audience, current_member, refuse, safe_target

bp = Blueprint("networks", __name__, url_prefix="/networks")


@bp.get("")
def index():
    """The networks a visitor may see: open ones described, closed ones by name only."""
    return render_template("networks/index.html", listed=networks.listed(audience()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Any member starts a network and becomes its leader."""
    form = NetworkForm()
    if form.validate_on_submit():
        try:
            network = networks.start(current_user, form.values())
        except Invalid as error:
            refuse(form, error, "name")
        else:
            flash(f"Nätverket {network.name} är startat och du är dess ledare. Bjud in "
                  "kollegor under Medlemmar.", "success")
            return redirect(url_for("networks.detail", slug=network.slug))
    return render_template("networks/form.html", form=form, network=None,
                           title="Starta ett nätverk"), 422 if form.errors else 200


@bp.get("/<slug>")
def detail(slug: str):
    """The network page: for members, what the network runs and its coming meetings; for
    others, its name, kind, region and number of members."""
    network = networks.by_slug(slug)
    viewer = audience()
    inside = networks.may_read(viewer, network)
    context = _context(network)
    if inside:
        overview = network_overview.overview(network, viewer)
        context.update(overview=overview, fmt=table,
                       upcoming=meetings.upcoming(network, limit=3),
                       close_form=CloseNetworkForm())
    return render_template("networks/detail.html", inside=inside, **context)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """A leader changes the network: name, description, who it is for, how one joins."""
    network = networks.by_slug(slug)
    networks.require_leader(network, current_user)
    form = NetworkForm(obj=network if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            networks.update(network, current_user, form.values())
        except Invalid as error:
            refuse(form, error, "name")
        else:
            flash("Ändringarna är sparade.", "success")
            return redirect(url_for("networks.detail", slug=network.slug))
    return render_template("networks/form.html", form=form, network=network,
                           title=f"Ändra {network.name}"), 422 if form.errors else 200


@bp.post("/<slug>/close")
@login_required
def close(slug: str):
    """A moderator closes a network (its members keep reading it), with a reason."""
    network = networks.by_slug(slug)
    if not current_user.is_moderator:
        raise Forbidden("Bara moderatorer kan stänga ett nätverk.")
    form = CloseNetworkForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or "Skriv en motivering.", "error")
        return redirect(url_for("networks.detail", slug=slug))
    networks.close(network, current_user, form.reason.data)
    flash("Nätverket är stängt. Motiveringen är sparad i loggen.", "success")
    return redirect(url_for("networks.detail", slug=slug))


@bp.post("/<slug>/reopen")
@login_required
def reopen(slug: str):
    network = networks.by_slug(slug)
    networks.reopen(network, current_user, request.form.get("reason", ""))
    flash("Nätverket är öppet igen.", "success")
    return redirect(url_for("networks.detail", slug=slug))


@bp.get("/<slug>/overview.csv")
@login_required
def overview_csv(slug: str):
    """“Vad kör vi i nätverket?” as CSV for Excel, for the network's members."""
    network, overview = _overview_for_member(slug)
    return Response(network_exports.overview_csv(network.name, overview), mimetype="text/csv",
                    headers=_attachment(f"natverk-{network.slug}.csv"))


@bp.get("/<slug>/overview.xlsx")
@login_required
def overview_xlsx(slug: str):
    """The same as an Excel workbook with numbers as numbers."""
    network, overview = _overview_for_member(slug)
    return Response(network_exports.overview_xlsx(network.name, overview),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers=_attachment(f"natverk-{network.slug}.xlsx"))


@bp.get("/<slug>/meetings.ics")
def meetings_feed(slug: str):
    """Every meeting of the network as a calendar feed: for members with a session, or
    for a calendar program with the member's secret `token` in the URL."""
    network = networks.by_slug(slug)
    token = request.args.get("token", "")
    if token:
        if meetings.member_by_token(network, token) is None:
            abort(404)
    else:
        member = current_member()
        if member is None:
            return redirect(login_url(login_manager.login_view,
                                      next_url=safe_target(request.full_path)))
        networks.require_member(audience(), network)
    found = meetings.feed_meetings(network)
    body = meetings.calendar(found, {m.id: _meeting_url(m) for m in found},
                             f"{network.name} (kb)")
    return Response(body, content_type=meetings.CONTENT_TYPE, headers={
        "Content-Disposition": f'inline; filename="{network.slug}.ics"',
        "Cache-Control": "private, max-age=300"})


# Membership ---------------------------------------------------------------------------

@bp.get("/<slug>/members")
@login_required
def members(slug: str):
    """Who is in the network; for leaders also requests, invite links and their tools."""
    network = networks.by_slug(slug)
    networks.require_reader(audience(), network)
    leader = networks.is_leader(network, current_user.id)
    return render_template(
        "networks/members.html", **_context(network), leader=leader,
        members=networks.members(network),
        requests=networks.requests(network) if leader else [],
        invites=networks.open_invites(network) if leader else [],
        invite_form=InviteLinkForm(),
        new_invite=request.args.get("invite") if leader else None,
    )


@bp.post("/<slug>/members/join")
@login_required
def join(slug: str):
    """Ask to join an open network (in at once if its leaders chose so)."""
    network = networks.by_slug(slug)
    found = networks.request_to_join(network, current_user)
    if found.is_active:
        flash(f"Välkommen till {network.name}!", "success")
    else:
        flash("Din ansökan är skickad. En ledare godkänner den.", "success")
    return redirect(url_for("networks.detail", slug=slug))


@bp.post("/<slug>/members/leave")
@login_required
def leave(slug: str):
    """Leave the network. What you shared with it stays shared with the network only."""
    network = networks.by_slug(slug)
    networks.leave(network, current_user)
    flash(f"Du har lämnat {network.name}. Det du delat med nätverket syns fortfarande bara "
          "för dess medlemmar.", "success")
    return redirect(url_for("networks.detail", slug=slug))


@bp.post("/<slug>/members/<int:membership_id>/<any(approve, decline, remove, lead):action>")
@login_required
def manage(slug: str, membership_id: int, action: str):
    """A leader approves or declines a request, removes a member or appoints a co-leader."""
    network = networks.by_slug(slug)
    if action == "approve":
        networks.approve(network, current_user, membership_id)
        message = "Ansökan är godkänd."
    elif action == "decline":
        networks.decline(network, current_user, membership_id)
        message = "Ansökan är avböjd."
    elif action == "remove":
        networks.remove(network, current_user, membership_id, request.form.get("reason", ""))
        message = "Medlemmen är borttagen ur nätverket."
    else:
        networks.appoint_leader(network, current_user, membership_id)
        message = "Medlemmen är nu medledare."
    flash(message, "success")
    return redirect(url_for("networks.members", slug=slug))


@bp.post("/<slug>/members/invites")
@login_required
def create_invite(slug: str):
    """A leader creates a single-use invite link."""
    network = networks.by_slug(slug)
    networks.require_leader(network, current_user)
    form = InviteLinkForm()
    if not form.validate_on_submit():
        flash(" ".join(error for errors in form.errors.values() for error in errors), "error")
        return redirect(url_for("networks.members", slug=slug))
    invite = networks.create_invite(network, current_user, form.note.data or "")
    flash("En ny inbjudningslänk är skapad. Den kan användas en gång, i "
          f"{networks.INVITE_VALID_DAYS} dagar.", "success")
    return redirect(url_for("networks.members", slug=slug, invite=invite.token) + "#inbjudan")


@bp.post("/<slug>/members/invites/<int:invite_id>/revoke")
@login_required
def revoke_invite(slug: str, invite_id: int):
    network = networks.by_slug(slug)
    networks.revoke_invite(network, current_user, invite_id)
    flash("Inbjudningslänken gäller inte längre.", "success")
    return redirect(url_for("networks.members", slug=slug))


@bp.route("/<slug>/members/invite/<token>", methods=["GET", "POST"])
@login_required
def accept_invite(slug: str, token: str):
    """The invite link: shows the network, and a button that uses the invite up."""
    network = networks.by_slug(slug)
    if request.method == "POST":
        form = InviteLinkForm()
        if form.validate_on_submit():
            networks.accept_invite(network, token, current_user)
            flash(f"Välkommen till {network.name}!", "success")
            return redirect(url_for("networks.detail", slug=slug))
    already = networks.membership(network, current_user.id)
    return render_template("networks/invite.html", **_context(network),
                           invite=networks.usable_invite(network, token), token=token,
                           already=already is not None and already.is_active,
                           form=InviteLinkForm())


# Helpers ------------------------------------------------------------------------------

@bp.app_context_processor
def network_helpers():
    return {
        "network_member_count": lambda network: networks.member_counts([network.id]).get(
            network.id, 0),
        "shared_with": _shared_with,
    }


def _shared_with(experience) -> list:
    """The networks an experience is shared with that this viewer may know of: their own
    (the author and moderators see all of them)."""
    viewer = audience()
    if viewer.moderator or experience.author_id == viewer.member_id:
        return list(experience.networks)
    return [n for n in experience.networks if viewer.in_network(n.id)]


def _context(network) -> dict:
    member = current_member()
    mine = networks.membership(network, member.id) if member else None
    return {
        "network": network,
        "mine": mine,
        "is_leader": mine is not None and mine.is_leader,
        "min_answers": stats.MIN_ANSWERS,
    }


def _overview_for_member(slug: str):
    network = networks.by_slug(slug)
    networks.require_member(audience(), network)
    return network, network_overview.overview(network, audience())


def _meeting_url(meeting) -> str:
    return url_for("meetings.detail", slug=meeting.network.slug, meeting_id=meeting.id,
                   _external=True)


def _attachment(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}

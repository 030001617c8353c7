"""Networks: the list, starting one, the network page with “Vad kör vi i nätverket?”,
its exports, and membership (requests, invite links, leaders, leaving)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_url

from kb import accounts, procurement, stats
from kb.access import membership, policy
from kb.access import networks as access
from kb.access import organisations as organisation_rules
from kb.core import swedish
from kb.core.errors import Invalid
from kb.extensions import login_manager
from kb.networks import (
    exports as network_exports,
)
from kb.networks import (
    invitations,
    meetings,
)
from kb.networks import (
    memberships as networks,
)
from kb.networks import (
    overview as network_overview,
)
from kb.networks.forms import (
    CloseNetworkForm,
    EmailInvitationForm,
    InviteLinkForm,
    NetworkForm,
)
from kb.stats import table
from kb.web.common import audience, current_member, refuse, safe_target
from kb.web.urls import absolute_url

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
    context = _context(network)
    if context["may"].inside:
        overview = network_overview.overview(network, audience())
        context.update(overview=overview, fmt=table,
                       upcoming=meetings.upcoming(network, limit=3),
                       close_form=CloseNetworkForm())
    return render_template("networks/detail.html", **context)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """A leader changes the network: name, description, who it is for, how one joins."""
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
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
    policy.require_moderator(audience(), "Bara moderatorer kan stänga ett nätverk.")
    form = CloseNetworkForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or "Skriv en motivering.", "error")
        return redirect(url_for("networks.detail", slug=slug))
    networks.close(network, audience(), current_user, form.reason.data)
    flash("Nätverket är stängt. Motiveringen är sparad i loggen.", "success")
    return redirect(url_for("networks.detail", slug=slug))


@bp.post("/<slug>/reopen")
@login_required
def reopen(slug: str):
    network = networks.by_slug(slug)
    networks.reopen(network, audience(), current_user, request.form.get("reason", ""))
    flash("Nätverket är öppet igen.", "success")
    return redirect(url_for("networks.detail", slug=slug))


@bp.get("/<slug>/overview.csv")
@login_required
def overview_csv(slug: str):
    """“Vad kör vi i nätverket?” as CSV for Excel, for the network's members."""
    network, overview = _overview_for_member(slug)
    return Response(network_exports.overview_csv(network.name, overview,
                                                 _contract_ends(network, overview)),
                    mimetype="text/csv", headers=_attachment(f"natverk-{network.slug}.csv"))


@bp.get("/<slug>/overview.xlsx")
@login_required
def overview_xlsx(slug: str):
    """The same as an Excel workbook with numbers as numbers."""
    network, overview = _overview_for_member(slug)
    return Response(network_exports.overview_xlsx(network.name, overview,
                                                  _contract_ends(network, overview)),
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
        access.require_member(audience(), network)
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
    """Who is in the network; for leaders also requests, invitations, invite links and
    their tools."""
    return _members_page(networks.by_slug(slug))


def _members_page(network, email_form: EmailInvitationForm | None = None,
                  outcome: invitations.Outcome | None = None, status: int = 200):
    access.require_reader(audience(), network)
    context = _context(network)
    leader = context["may"].leader
    found = networks.members(network)
    # Whose link to their organisation is verified, and whose organisation this leader
    # may confirm (kb.access.organisations).
    leader_verified = leader and organisation_rules.is_verified(current_user)
    confirmable = {m.id for m in found if leader_verified and
                   organisation_rules.may_confirm_as_leader(network, current_user, m.user)}
    return render_template(
        "networks/members.html", **context,
        members=found, confirmable=confirmable, leader_verified=leader_verified,
        verified={m.id for m in found if organisation_rules.is_verified(m.user)},
        requests=networks.requests(network) if leader else [],
        invites=networks.open_invites(network) if leader else [],
        invite_form=InviteLinkForm(),
        new_invite=request.args.get("invite") if leader else None,
        invitations=invitations.listed(network) if leader else [],
        email_form=email_form or EmailInvitationForm(),
        outcome_text=outcome_message(outcome) if outcome is not None else "",
        mails_left=invitations.mails_left_today(network) if leader else 0,
        per_form=invitations.ADDRESSES_PER_FORM,
        mails_per_day=invitations.MAILS_PER_DAY,
        invitation_days=invitations.VALID_DAYS,
    ), status


@bp.post("/<slug>/members/join")
@login_required
def join(slug: str):
    """Ask to join an open network (in at once if its leaders chose so)."""
    network = networks.by_slug(slug)
    found = networks.request_to_join(network, current_user)
    if membership.is_active(found):
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
    access.require_leading(network, current_user)
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


@bp.post("/<slug>/members/<int:membership_id>/organisation")
@login_required
def confirm_organisation(slug: str, membership_id: int):
    """A leader verified at an organisation confirms that a member of the network works
    there too."""
    network = networks.by_slug(slug)
    try:
        member = accounts.confirm_organisation_by_leader(network, current_user, membership_id)
    except Invalid as error:
        flash(str(error), "error")
    else:
        flash(f"{member.display_name}s organisation är bekräftad: "
              f"{member.organisation.name}.", "success")
    return redirect(url_for("networks.members", slug=slug))


@bp.post("/<slug>/members/invites")
@login_required
def create_invite(slug: str):
    """A leader creates a single-use invite link."""
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    form = InviteLinkForm()
    if not form.validate_on_submit():
        flash(" ".join(error for errors in form.errors.values() for error in errors), "error")
        return redirect(url_for("networks.members", slug=slug))
    invite = networks.create_invite(network, current_user, form.note.data or "")
    flash("En ny inbjudningslänk är skapad. Den kan användas en gång, i "
          f"{swedish.plural(networks.INVITE_VALID_DAYS, 'dag', 'dagar')}.", "success")
    return redirect(url_for("networks.members", slug=slug, invite=invite.token) + "#inbjudan")


@bp.post("/<slug>/members/invitations")
@login_required
def invite_by_email(slug: str):
    """A leader pastes addresses; each new one gets a mail with a link of its own. What
    is no address comes back in the field, as typed, to correct."""
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    form = EmailInvitationForm()
    if not form.validate_on_submit():
        return _members_page(network, form, status=422)
    try:
        outcome = invitations.invite_by_email(network, current_user, form.addresses.data)
    except Invalid as error:
        refuse(form, error, "addresses")
        return _members_page(network, form, status=422)
    if outcome.invalid:
        # The mails went; what could not be read is left in the field to correct.
        form = EmailInvitationForm(formdata=None, addresses="\n".join(outcome.invalid))
        form.addresses.errors = [invalid_message(outcome.invalid)]
        return _members_page(network, form, outcome)
    flash(outcome_message(outcome), "success" if outcome.sent else "info")
    return redirect(url_for("networks.members", slug=slug, _anchor="inbjudningar"))


def invalid_message(invalid: list[str]) -> str:
    listed = "; ".join(invalid)
    return (f"{swedish.plural(len(invalid), 'rad', 'rader')} kunde inte läsas som "
            f"e-postadress och fick ingen inbjudan: {listed}. Rätta och skicka igen.")


def outcome_message(outcome: invitations.Outcome) -> str:
    """What became of a pasted list, in Swedish, one sentence a kind."""
    parts = []
    if outcome.sent:
        parts.append(f"Inbjudan skickad till "
                     f"{swedish.plural(len(outcome.sent), 'adress', 'adresser')}: "
                     f"{', '.join(a.email for a in outcome.sent)}.")
    else:
        parts.append("Ingen ny inbjudan skickades.")
    if outcome.members:
        parts.append(f"Redan medlemmar: {', '.join(outcome.members)}.")
    if outcome.waiting:
        parts.append(f"Har redan en inbjudan som gäller (använd ”Skicka igen” i listan): "
                     f"{', '.join(outcome.waiting)}.")
    if outcome.too_often:
        parts.append(f"Har fått {invitations.MAILS_PER_ADDRESS_PER_DAY} inbjudningar det "
                     f"senaste dygnet, försök i morgon: {', '.join(outcome.too_often)}.")
    if outcome.repeated:
        parts.append(f"Stod flera gånger i listan (en inbjudan var): "
                     f"{', '.join(outcome.repeated)}.")
    return " ".join(parts)


@bp.post("/<slug>/members/invitations/<int:invite_id>/<any(resend, withdraw):action>")
@login_required
def manage_invitation(slug: str, invite_id: int, action: str):
    """"Skicka igen" (a new link; the old one stops working) or "Återkalla"."""
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    if not InviteLinkForm().validate_on_submit():
        flash("Formuläret hade gått ut. Försök igen.", "error")
    elif action == "resend":
        invite = invitations.resend(network, current_user, invite_id)
        flash(f"En ny inbjudan är skickad till {invite.email}. Den gamla länken fungerar "
              "inte längre.", "success")
    else:
        invite = invitations.withdraw(network, current_user, invite_id)
        flash(f"Inbjudan till {invite.email or 'länken'} är återkallad: länken fungerar "
              "inte längre.", "success")
    return redirect(url_for("networks.members", slug=slug, _anchor="inbjudningar"))


@bp.post("/<slug>/members/invites/<int:invite_id>/revoke")
@login_required
def revoke_invite(slug: str, invite_id: int):
    network = networks.by_slug(slug)
    access.require_leading(network, current_user)
    networks.revoke_invite(network, current_user, invite_id)
    flash("Inbjudningslänken gäller inte längre.", "success")
    return redirect(url_for("networks.members", slug=slug))


@bp.route("/<slug>/members/invite/<token>", methods=["GET", "POST"])
def accept_invite(slug: str, token: str):
    """The invite link: shows the network, and a button that uses the invite up. A
    visitor with an invitation by e-mail goes on to register with the invited address
    (or to log in with it, when it has an account); with a link to pass on, the page
    names the network and offers both."""
    network = networks.by_slug(slug)
    if not current_user.is_authenticated:
        invite = networks.usable_invite(network, token)
        if request.method == "GET" and invite.email is not None:
            has_account = accounts.find_by_email(invite.email) is not None
            return redirect(url_for("auth.login" if has_account else "auth.register",
                                    invitation=token))
        return render_template("networks/invite.html", **_context(network), invite=invite,
                               token=token, already=False, form=InviteLinkForm(),
                               visitor=True, problem=None,
                               inviter=invitations.inviter_name(invite))
    if request.method == "POST":
        form = InviteLinkForm()
        if form.validate_on_submit():
            networks.accept_invite(network, token, current_user)
            flash(f"Välkommen till {network.name}!", "success")
            return redirect(url_for("networks.detail", slug=slug))
    context = _context(network)
    invite = networks.usable_invite(network, token)
    return render_template("networks/invite.html", **context, invite=invite, token=token,
                           already=context["may"].member, form=InviteLinkForm(),
                           visitor=False,
                           problem=access.invitee_problem(invite, current_user),
                           inviter=invitations.inviter_name(invite))


# Helpers ------------------------------------------------------------------------------

@bp.app_context_processor
def network_helpers():
    return {
        "network_member_count": lambda network: networks.member_counts([network.id]).get(
            network.id, 0),
        "shared_with": lambda experience: access.shared_with(audience(), experience),
    }


def _context(network) -> dict:
    """What every page of a network shows: the network and what the viewer may see and
    do in it (`may`, kb.access.networks.NetworkView)."""
    return {
        "network": network,
        "may": access.network_view(audience(), network),
        "min_answers": stats.MIN_ANSWERS,
    }


def _overview_for_member(slug: str):
    network = networks.by_slug(slug)
    access.require_member(audience(), network)
    return network, network_overview.overview(network, audience())


def _contract_ends(network, overview) -> dict[int, str]:
    """When each row's organisation's contract ends, as the network page shows it."""
    return procurement.network_contract_ends(audience(), network,
                                             [row.experience for row in overview.rows])


def _meeting_url(meeting) -> str:
    return absolute_url("meetings.detail", slug=meeting.network.slug, meeting_id=meeting.id)


def _attachment(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}

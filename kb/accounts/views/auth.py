"""Register, confirm the address, log in and out, and choose a new password.

No answer here tells whether an address has an account: registering, "Glömt
lösenordet?" and logging in look and take the same either way.

Registration flows: the browser that registered keeps a marker in its session
(kb.accounts.members), so pressing the confirmation button there logs the new member
in; any other browser gets the login form with the address filled in. A network's
invitation by e-mail (`?invitation=<token>`) names the network and the inviter on the
register and login pages, fixes the address to the invited one, and is accepted when
the address is confirmed (registering) or at once (logging in).
"""

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from kb import networks
from kb.access import membership
from kb.accounts import invites, password_reset, privacy
from kb.accounts import members as accounts
from kb.accounts.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from kb.accounts.members import AccountError
from kb.accounts.views.throttle import throttled
from kb.core import swedish
from kb.core.errors import KbError
from kb.extensions import db, limiter, login_manager
from kb.models import User
from kb.web.common import refuse, safe_target
from kb.web.forms import ActionForm

bp = Blueprint("auth", __name__, url_prefix="/auth")

INVALID_LINK = "Länken är ogiltig, redan använd eller har gått ut."
INVITATION_GONE = ("Inbjudan gäller inte längre: den är redan använd, har gått ut eller "
                   "dragits tillbaka. Be nätverkets ledare om en ny.")

# Session keys: the registering browser's marker and when it was set; the address the
# login form shows; the network a registration through an invitation joins.
REGISTERED = "registered"
REGISTERED_AT = "registered_at"
LOGIN_EMAIL = "login_email"
JOINING = "joining"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    # The id carries the member's session token: a replayed cookie from before a
    # logout or a password change names an old token and loads nobody.
    return accounts.load_session(session_id)


def _setting(name: str):
    return lambda: current_app.config[name]


# Becoming a member ------------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
@throttled(per_address="REGISTER_LIMIT_PER_ADDRESS", per_account="REGISTER_LIMIT_PER_ACCOUNT")
def register():
    """Become a member: the same answer whether or not the address has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    invite_only = current_app.config["REGISTRATION"] == "invite"
    form = RegisterForm(invite_only=invite_only)
    token = request.args.get("invitation")
    invitation = networks.usable_invitation(token) if token else None
    if invitation is not None:
        # The invitation is for the address it was mailed to: the form shows it and
        # registers it, whatever else is sent.
        form.email.data = invitation.email
        form.email.render_kw = {**(form.email.render_kw or {}), "readonly": True}
    if form.validate_on_submit():
        try:
            invite = None
            if invite_only:
                # Used by someone else since the form was checked: refused, never an
                # account without a code.
                invite = invites.usable(form.invite_code.data)
                if invite is None:
                    raise AccountError(invites.UNUSABLE, field="invite_code")
            marker = accounts.register(
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
                professional_role=form.professional_role.data,
                organisation_name=form.organisation_name.data,
                sector=form.sector.data,
                size_band=form.size_band.data,
                invite=invite,
                invitation=invitation.token if invitation is not None else None,
            )
        except AccountError as error:
            refuse(form, error, "email")
        else:
            email = User.normalise_email(form.email.data)
            _remember_registration(marker, email)
            if invitation is not None:
                session[JOINING] = invitation.network.name
                return redirect(url_for("auth.registered"))
            flash(f"Tack! Vi har skickat ett mejl till {email}. "
                  "Följ länken i mejlet för att bekräfta din adress. Du kan logga in redan nu; "
                  "det du skriver publiceras när adressen är bekräftad.", "success")
            return redirect(url_for("auth.login", next=safe_target(request.args.get("next"))))
    return render_template("auth/register.html", form=form, invitation=invitation,
                           invitation_gone=bool(token) and invitation is None,
                           inviter=_inviter(invitation)), 422 if form.errors else 200


@bp.get("/registered")
def registered():
    """After registering through an invitation: what happens next."""
    return render_template("auth/registered.html", email=session.get(LOGIN_EMAIL),
                           network=session.get(JOINING))


def _remember_registration(marker: str, email: str) -> None:
    """This browser registered: confirming here logs the member in (while the marker
    is fresh), and the login form shows the address meanwhile."""
    session[REGISTERED] = marker
    session[REGISTERED_AT] = int(time.time())
    session[LOGIN_EMAIL] = email


def _registered_here(user: User) -> bool:
    """Whether this browser registered `user`'s account, within the marker's hours."""
    at = session.get(REGISTERED_AT)
    if not isinstance(at, int) or time.time() - at > accounts.registered_here_seconds():
        return False
    return accounts.registered_with(user, session.get(REGISTERED))


def _inviter(invitation) -> str | None:
    return networks.inviter_name(invitation) if invitation is not None else None


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The link in the confirmation mail: a button confirms (a link checker that opens
    the mail confirms nothing)."""
    found = accounts.confirmation(token)
    if found is None:
        return _invalid_link("Bekräfta e-postadressen")
    user, invitation_token = found
    invitation = networks.usable_invitation(invitation_token) if invitation_token else None
    form = ActionForm()
    if form.validate_on_submit():
        confirmed_now = accounts.confirm(user)
        logged_in = current_user.is_authenticated and current_user.id == user.id
        if not current_user.is_authenticated and _registered_here(user):
            _start_session(user)  # a fresh session: the messages come after it
            logged_in = True
        if confirmed_now:
            flash("Tack! Din e-postadress är bekräftad. Det du har skrivit publiceras nu "
                  "enligt de vanliga reglerna.", "success")
        else:
            flash("Din e-postadress var redan bekräftad.", "info")
        network = _join(invitation, user) if invitation_token else None
        target = url_for("networks.detail", slug=network.slug) if network else None
        if logged_in:
            return redirect(target or url_for("main.index"))
        # Another browser (or a marker gone stale): the login form shows the address.
        session[LOGIN_EMAIL] = user.email
        return redirect(url_for("auth.login", next=target))
    return render_template("auth/confirm.html", form=form, email=user.email,
                           already=user.is_confirmed, invitation=invitation,
                           inviter=_inviter(invitation), account=user, token=token,
                           waiting=accounts.unpublished_count(user))


@bp.post("/confirm/<token>/not-mine")
def disown(token: str):
    """The confirmation link's other button: "this is not my account". Whoever holds
    the mailbox removes an account someone else registered with the address, with
    what was written in it, before it is ever confirmed."""
    found = accounts.confirmation(token)
    if found is None:
        return _invalid_link("Bekräfta e-postadressen")
    user = found[0]
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("auth.confirm", token=token))
    signed_in_as_it = current_user.is_authenticated and current_user.id == user.id
    try:
        privacy.disown(user)
    except AccountError as error:
        return _invalid_link("Bekräfta e-postadressen", str(error))
    if signed_in_as_it:
        logout_user()
        session.clear()
    flash("Kontot är borttaget, med allt som skrivits i det. Ingenting publiceras med din "
          "adress. Vill du bli medlem kan du registrera dig med den.", "success")
    return redirect(url_for("main.index"))


def _join(invitation, user: User):
    """Accept the invitation the member registered through; the network, or None with
    a message saying why not."""
    if invitation is None:
        flash(INVITATION_GONE, "error")
        return None
    network = invitation.network
    try:
        networks.accept_invite(network, invitation.token, user)
    except KbError as error:
        db.session.rollback()
        if membership.is_active(networks.membership(network, user.id)):
            return network  # in already (the button pressed twice)
        flash(str(error), "error")
        return None
    flash(f"Välkommen till {network.name}!", "success")
    return network


def _resend_key() -> str:
    return f"confirm-resend:{getattr(current_user, 'id', request.remote_addr)}"


@bp.post("/confirm/resend")
@login_required
@limiter.limit(_setting("CONFIRM_RESEND_LIMIT"), key_func=_resend_key)
def resend_confirmation():
    """Send the confirmation link again to the logged-in member's address."""
    invitation = request.form.get("invitation") or None
    if ActionForm().validate_on_submit() and accounts.resend_confirmation(
            current_user, invitation=invitation):
        flash(f"Vi har skickat en ny länk till {current_user.email}.", "success")
    return redirect(safe_target(request.form.get("next")) or url_for("account.index"))


@bp.route("/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    """The link sent to a new address: a button makes it the member's address."""
    found = privacy.email_change_for(token)
    if found is None:
        return _invalid_link("Bekräfta den nya e-postadressen")
    user, new_email = found
    form = ActionForm()
    if form.validate_on_submit():
        try:
            privacy.change_email(user, new_email)
        except AccountError as error:
            return _invalid_link("Bekräfta den nya e-postadressen", str(error))
        flash(f"Klart! Din e-postadress är nu {new_email}.", "success")
        return redirect(url_for("account.index") if current_user.is_authenticated
                        else url_for("auth.login"))
    return render_template("auth/confirm_email_change.html", form=form, new_email=new_email)


# Logging in and out -----------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
@throttled(per_address="LOGIN_LIMIT_PER_ADDRESS", per_account="LOGIN_LIMIT_PER_ACCOUNT")
def login():
    """Log in, then return to the page that asked for it."""
    form = LoginForm()
    token = request.args.get("invitation")
    invitation = networks.usable_invitation(token) if token else None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=bool(form.remember.data))
            if user.is_confirmed:
                flash("Du är inloggad.", "success")
            else:
                flash("Du är inloggad. Bekräfta din e-postadress med länken vi mejlade: tills "
                      "dess väntar det du skriver med att publiceras.", "info")
            if invitation is not None:
                return _accept_after_login(invitation, user)
            return redirect(safe_target(request.args.get("next")) or url_for("main.index"))
        form.password.errors.append("Fel e-postadress eller lösenord.")
    elif not form.is_submitted():
        # Filled in: the invited address, or the one this browser registered or
        # confirmed last.
        form.email.data = invitation.email if invitation is not None else \
            session.get(LOGIN_EMAIL)
    return render_template("auth/login.html", form=form, invitation=invitation,
                           invitation_gone=bool(token) and invitation is None,
                           inviter=_inviter(invitation)), 422 if form.errors else 200


def _accept_after_login(invitation, user: User):
    """Logged in through an invitation's link: in the network at once, or the
    invitation's page saying why not (another address, not confirmed yet)."""
    network = invitation.network
    try:
        networks.accept_invite(network, invitation.token, user)
    except KbError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("networks.accept_invite", slug=network.slug,
                                token=invitation.token))
    flash(f"Välkommen till {network.name}!", "success")
    return redirect(url_for("networks.detail", slug=network.slug))


@bp.post("/logout")
@login_required
def logout():
    """Log out (a POST with a CSRF token, so no other site can log a member out). Every
    session of the member ends, here and on other devices, remember-me cookies too."""
    accounts.end_sessions(current_user)
    logout_user()
    session.clear()
    flash("Du är utloggad.", "info")
    return redirect(url_for("main.index"))


def _start_session(user: User, remember: bool = False) -> None:
    # A fresh session at login: nothing from before the login carries over.
    session.clear()
    login_user(user, remember=remember)


# A new password --------------------------------------------------------------------------

@bp.route("/forgot", methods=["GET", "POST"])
@throttled(per_address="RESET_LIMIT_PER_ADDRESS", per_account="RESET_LIMIT_PER_ACCOUNT")
def forgot_password():
    """"Glömt lösenordet?": a link by mail, and the same answer for every address."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data)
        flash(f"Om {User.normalise_email(form.email.data)} hör till ett konto har vi skickat "
              "en länk dit. Den gäller i "
              f"{swedish.plural(current_app.config['RESET_LINK_MINUTES'], 'minut', 'minuter')}. "
              "Hittar du inget mejl? "
              "Titta i skräpposten.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The link in the reset mail: choose a new password, once."""
    user = password_reset.member_for(token)
    if user is None:
        return _invalid_link("Välj ett nytt lösenord")
    form = ResetPasswordForm(personal=(user.email, user.display_name))
    if form.validate_on_submit():
        try:
            password_reset.reset(user, form.password.data)
        except AccountError as error:
            refuse(form, error, "password")
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Ditt lösenord är bytt och du är utloggad överallt. Logga in med det nya "
                  "lösenordet.", "success")
            return redirect(url_for("auth.login"))
    return (render_template("auth/reset.html", form=form, email=user.email),
            422 if form.errors else 200)


def _invalid_link(title: str, message: str = INVALID_LINK):
    return render_template("auth/invalid_link.html", title=title, message=message), 400

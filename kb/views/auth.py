"""Register, confirm the address, log in and out, and choose a new password.

No answer here tells whether an address has an account: registering, "Glömt
lösenordet?" and logging in look and take the same either way.
"""

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

from kb import accounts, invites, password_reset, privacy
from kb.accounts import AccountError
from kb.extensions import limiter, login_manager
from kb.forms import ActionForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from kb.models import User
from kb.views.common import safe_target
from kb.views.throttle import throttled

bp = Blueprint("auth", __name__, url_prefix="/auth")

INVALID_LINK = "Länken är ogiltig, redan använd eller har gått ut."


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
    if form.validate_on_submit():
        try:
            accounts.register(
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
                professional_role=form.professional_role.data,
                organisation_name=form.organisation_name.data,
                sector=form.sector.data,
                size_band=form.size_band.data,
                invite=invites.usable(form.invite_code.data) if invite_only else None,
            )
        except AccountError as error:
            form[error.field if error.field in form else "email"].errors.append(str(error))
        else:
            flash(f"Tack! Vi har skickat ett mejl till {User.normalise_email(form.email.data)}. "
                  "Följ länken i mejlet för att bekräfta din adress. Du kan logga in redan nu; "
                  "det du skriver publiceras när adressen är bekräftad.", "success")
            return redirect(url_for("auth.login", next=safe_target(request.args.get("next"))))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The link in the confirmation mail: a button confirms (a link checker that opens
    the mail confirms nothing)."""
    user = accounts.confirmation_for(token)
    if user is None:
        return _invalid_link("Bekräfta e-postadressen")
    form = ActionForm()
    if form.validate_on_submit():
        if accounts.confirm(user):
            flash("Tack! Din e-postadress är bekräftad. Det du har skrivit publiceras nu "
                  "enligt de vanliga reglerna.", "success")
        else:
            flash("Din e-postadress var redan bekräftad.", "info")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("main.index"))
        return redirect(url_for("auth.login"))
    return render_template("auth/confirm.html", form=form, email=user.email,
                           already=user.is_confirmed)


def _resend_key() -> str:
    return f"confirm-resend:{getattr(current_user, 'id', request.remote_addr)}"


@bp.post("/confirm/resend")
@login_required
@limiter.limit(_setting("CONFIRM_RESEND_LIMIT"), key_func=_resend_key)
def resend_confirmation():
    """Send the confirmation link again to the logged-in member's address."""
    if ActionForm().validate_on_submit() and accounts.resend_confirmation(current_user):
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
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=bool(form.remember.data))
            if user.is_confirmed:
                flash("Du är inloggad.", "success")
            else:
                flash("Du är inloggad. Bekräfta din e-postadress med länken vi mejlade: tills "
                      "dess väntar det du skriver med att publiceras.", "info")
            return redirect(safe_target(request.args.get("next")) or url_for("main.index"))
        form.password.errors.append("Fel e-postadress eller lösenord.")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


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
              f"{current_app.config['RESET_LINK_MINUTES']} minuter. Hittar du inget mejl? "
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
            form.password.errors.append(str(error))
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

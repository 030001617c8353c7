"""Register, log in and log out."""

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

from kb import invites, parsing
from kb.accounts import AccountError, authenticate, create_account, get_member
from kb.extensions import limiter, login_manager
from kb.forms import LoginForm, RegisterForm
from kb.models import User
from kb.views.common import safe_target

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    member_id = parsing.as_id(user_id)
    return get_member(member_id) if member_id is not None else None


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Become a member."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    invite_only = current_app.config["REGISTRATION"] == "invite"
    form = RegisterForm(min_password_length=current_app.config["MIN_PASSWORD_LENGTH"],
                        invite_only=invite_only)
    if form.validate_on_submit():
        try:
            user = create_account(
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
            _start_session(user)
            flash("Välkommen till kb! Du är nu inloggad.", "success")
            return redirect(safe_target(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


def _login_account_key() -> str:
    return "login:" + User.normalise_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
    key_func=_login_account_key,
)
def login():
    """Log in, then return to the page that asked for it."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            flash("Du är inloggad.", "success")
            return redirect(safe_target(request.args.get("next")) or url_for("main.index"))
        form.password.errors.append("Fel e-postadress eller lösenord.")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    """Log out (a POST with a CSRF token, so no other site can log a member out)."""
    logout_user()
    session.clear()
    flash("Du är utloggad.", "info")
    return redirect(url_for("main.index"))


def _start_session(user: User) -> None:
    # A fresh session at login: nothing from before the login carries over.
    session.clear()
    login_user(user)

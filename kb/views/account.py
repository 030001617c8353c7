"""The member's own page: profile, e-mail, password, own experiences, export, leaving."""

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from kb import privacy
from kb.accounts import AccountError
from kb.forms import DeleteAccountForm, EmailChangeForm, PasswordChangeForm, ProfileForm
from kb.listing import own_experiences

bp = Blueprint("account", __name__, url_prefix="/account")


def _forms(formdata=None, which: str | None = None):
    """The page's four forms; only the one that was sent reads the posted data."""
    user = current_user
    organisation = user.organisation

    def data_for(name):
        return formdata if which == name else None

    profile = ProfileForm(formdata=data_for("profile"), prefix="profile", data={
        "display_name": user.display_name,
        "professional_role": user.professional_role,
        "organisation_name": organisation.name if organisation else "",
        "sector": organisation.sector if organisation else "",
        "size_band": organisation.size_band if organisation else "",
    })
    return {
        "profile": profile,
        "email": EmailChangeForm(formdata=data_for("email"), prefix="email",
                                 data={"email": user.email}),
        "password": PasswordChangeForm(
            formdata=data_for("password"), prefix="password",
            min_password_length=current_app.config["MIN_PASSWORD_LENGTH"]),
        "delete": DeleteAccountForm(formdata=data_for("delete"), prefix="delete"),
    }


def _page(forms, status: int = 200):
    return render_template("account/index.html", forms=forms,
                           experiences=own_experiences(current_user.id)), status


@bp.get("")
@login_required
def index():
    """Profile, own experiences, export and account deletion."""
    return _page(_forms())


@bp.post("/<any(profile, email, password, delete):which>")
@login_required
def update(which: str):
    """Save one of the account forms; errors come back next to the fields."""
    forms = _forms(request.form, which)
    form = forms[which]
    if not form.validate_on_submit():
        return _page(forms, 422)
    try:
        if which == "profile":
            privacy.save_profile(current_user, display_name=form.display_name.data,
                                 professional_role=form.professional_role.data,
                                 organisation_name=form.organisation_name.data,
                                 sector=form.sector.data, size_band=form.size_band.data)
            flash("Din profil är sparad.", "success")
        elif which == "email":
            privacy.change_email(current_user, form.email.data, form.current_password.data)
            flash("Din e-postadress är ändrad.", "success")
        elif which == "password":
            privacy.change_password(current_user, form.current_password.data, form.password.data)
            flash("Ditt lösenord är ändrat.", "success")
        else:
            privacy.delete_account(current_user, form.current_password.data,
                                   keep_experiences=form.experiences.data == "keep")
            logout_user()
            session.clear()
            flash("Ditt konto är borttaget.", "info")
            return redirect(url_for("main.index"))
    except AccountError as error:
        form[error.field if error.field in form else "current_password"].errors.append(str(error))
        return _page(forms, 422)
    return redirect(url_for("account.index"))


@bp.get("/export.json")
@login_required
def export():
    """Everything kb holds about me, as a JSON download."""
    body = json.dumps(privacy.export(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=kb-mina-uppgifter.json",
        "Cache-Control": "no-store",
    })

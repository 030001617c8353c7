"""The member's own page: profile, e-mail, password, mail settings, sessions, own
experiences, export, leaving; and the one-click unsubscribe link from mail."""

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
from flask_login import current_user, login_required, login_user, logout_user

from kb import community, experiences
from kb.accounts import members as accounts
from kb.accounts import organisations, privacy
from kb.accounts.forms import (
    DeleteAccountForm,
    EmailChangeForm,
    PasswordChangeForm,
    ProfileForm,
    mail_settings_form,
)
from kb.accounts.members import AccountError
from kb.core.errors import Conflict, Invalid
from kb.extensions import csrf
from kb.web.common import refuse
from kb.web.forms import ActionForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _forms(formdata=None, which: str | None = None):
    """The page's forms; only the one that was sent reads the posted data."""
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
        "password": PasswordChangeForm(formdata=data_for("password"), prefix="password",
                                       personal=(user.email, user.display_name)),
        "mail": mail_settings_form(community.mail_kinds(), community.MAIL_FREQUENCIES,
                                   community.mail_frequencies(user.id),
                                   formdata=data_for("mail")),
        "sessions": ActionForm(formdata=data_for("sessions"), prefix="sessions"),
        "organisation": ActionForm(formdata=None, prefix="organisation"),
        "delete": DeleteAccountForm(formdata=data_for("delete"), prefix="delete"),
    }


def _page(forms, status: int = 200):
    return render_template("account/index.html", forms=forms,
                           organisation=organisations.status(current_user),
                           experiences=experiences.own_experiences(current_user.id)), status


@bp.get("")
@login_required
def index():
    """Profile, mail settings, own experiences, export and account deletion."""
    return _page(_forms())


@bp.post("/<any(profile, email, password, mail, sessions, delete):which>")
@login_required
def update(which: str):
    """Save one of the account forms; errors come back next to the fields."""
    forms = _forms(request.form, which)
    form = forms[which]
    if not form.validate_on_submit():
        return _page(forms, 422)
    try:
        if which == "profile":
            privacy.save_profile(current_user._get_current_object(),
                                 display_name=form.display_name.data,
                                 professional_role=form.professional_role.data,
                                 organisation_name=form.organisation_name.data,
                                 sector=form.sector.data, size_band=form.size_band.data)
            flash("Din profil är sparad.", "success")
        elif which == "email":
            privacy.request_email_change(current_user, form.email.data,
                                         form.current_password.data)
            flash(f"Vi har skickat en länk till {form.email.data.strip().lower()}. Din "
                  "e-postadress byts när du har följt länken; till dess gäller den du har nu.",
                  "success")
        elif which == "password":
            privacy.change_password(current_user, form.current_password.data, form.password.data)
            _continue_session()
            flash("Ditt lösenord är bytt. Du är utloggad på alla andra enheter.", "success")
        elif which == "mail":
            community.save_mail_settings(current_user, {kind: form[kind].data
                                              for kind in community.mail_kinds()})
            flash("Dina e-postinställningar är sparade.", "success")
            return redirect(url_for("account.index", _anchor="epost"))
        elif which == "sessions":
            accounts.end_sessions(current_user)
            _continue_session()
            flash("Du är utloggad på alla andra enheter och webbläsare.", "success")
        else:
            privacy.delete_account(current_user, form.current_password.data,
                                   keep_experiences=form.experiences.data == "keep")
            logout_user()
            session.clear()
            flash("Ditt konto är borttaget.", "info")
            return redirect(url_for("main.index"))
    except AccountError as error:
        refuse(form, error, "current_password")
        return _page(forms, 422)
    return redirect(url_for("account.index"))


@bp.post("/organisation")
@login_required
def join_organisation():
    """Join the organisation whose e-mail domain the member's confirmed address is at:
    the address verifies the link."""
    form = ActionForm(prefix="organisation")
    if not form.validate_on_submit():
        flash("Formuläret hade gått ut. Försök igen.", "error")
    else:
        try:
            joined = organisations.join_by_domain(current_user._get_current_object())
        except (Invalid, Conflict) as error:
            flash(str(error), "error")
        else:
            flash(f"Du är nu kopplad till {joined.name}, verifierad via din e-postadress.",
                  "success")
    return redirect(url_for("account.index", _anchor="organisation"))


def _continue_session() -> None:
    """This browser stays logged in under the member's new session token."""
    user = current_user._get_current_object()
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in (
        request.cookies)
    session.clear()
    login_user(user, remember=remembered)


@bp.get("/export.json")
@login_required
def export():
    """Everything kb holds about me, as a JSON download."""
    body = json.dumps(privacy.export(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=kb-mina-uppgifter.json",
        "Cache-Control": "no-store",
    })


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail programs post here without a form
def unsubscribe(token: str):
    """The link in a notification mail: GET asks, POST (the button, or a mail
    program's one-click List-Unsubscribe-Post) stops that kind of mail. No login."""
    found = community.read_unsubscribe(token)
    if found is None:
        return render_template("account/unsubscribe.html", invalid=True), 400
    user, kinds = found
    labels = [community.mail_kinds()[kind] for kind in kinds]
    if request.method == "POST":
        community.unsubscribe(user, kinds)
        return render_template("account/unsubscribe.html", done=True, labels=labels)
    return render_template("account/unsubscribe.html", labels=labels, email=user.email)

"""Becoming a member, logging in, and the member's own account page."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from kb import passwords, vocab
from kb.forms.base import CHOOSE, REQUIRED, SwedishForm, choices

EMAIL_EXAMPLE = "Ange en giltig e-postadress, till exempel namn@kommun.se."


def _new_password_field(label: str) -> PasswordField:
    """A field for choosing a password; its hint (the rules) is set when it is bound."""
    return PasswordField(label, validators=[DataRequired(REQUIRED)])


def _check_new_password(form, field, *personal) -> None:
    found = passwords.problems(field.data or "", user_inputs=personal)
    if found:
        raise ValidationError(" ".join(found))


def _describe_password(field) -> None:
    field.description = passwords.hint()


def _email_field(label: str) -> EmailField:
    return EmailField(label, validators=[
        DataRequired(REQUIRED),
        Email(EMAIL_EXAMPLE, check_deliverability=False),
        Length(max=254, message="Högst 254 tecken."),
    ])


class LoginForm(SwedishForm):
    email = EmailField("E-postadress", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Lösenord", validators=[DataRequired(REQUIRED)])
    remember = BooleanField("Håll mig inloggad på den här datorn i 30 dagar")


class ForgotPasswordForm(SwedishForm):
    email = _email_field("Din e-postadress")


class ResetPasswordForm(SwedishForm):
    password = _new_password_field("Nytt lösenord")
    password_again = PasswordField("Nytt lösenord igen", validators=[
        DataRequired(REQUIRED), EqualTo("password", "Lösenorden är inte likadana.")])

    def __init__(self, *args, personal: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.personal = personal
        _describe_password(self.password)

    def validate_password(self, field):
        _check_new_password(self, field, *self.personal)


class ProfileForm(SwedishForm):
    """Who the member is: shown with their experiences and used to pre-fill the form."""

    display_name = StringField(
        "Namn som visas för andra",
        validators=[DataRequired(REQUIRED), Length(max=100, message="Högst 100 tecken.")],
    )
    professional_role = SelectField(
        "Yrkesroll", choices=choices(vocab.PROFESSIONAL_ROLES, "Välj roll"),
        validators=[DataRequired(CHOOSE)],
    )
    organisation_name = StringField(
        "Organisation (valfritt)",
        validators=[Optional(), Length(max=200, message="Högst 200 tecken.")],
    )
    sector = SelectField(
        "Sektor", choices=choices(vocab.SECTORS, "Välj sektor"), validators=[DataRequired(CHOOSE)]
    )
    size_band = SelectField(
        "Organisationens storlek", choices=choices(vocab.SIZE_BANDS, "Välj storlek"),
        validators=[DataRequired(CHOOSE)],
    )


class RegisterForm(ProfileForm):
    email = _email_field("E-postadress")
    password = _new_password_field("Lösenord")
    password_again = PasswordField(
        "Lösenord igen",
        validators=[DataRequired(REQUIRED), EqualTo("password", "Lösenorden är inte likadana.")],
    )
    invite_code = StringField(
        "Inbjudningskod",
        description="Nätverket är slutet: du behöver en kod från en administratör.",
        validators=[DataRequired("Ange din inbjudningskod."),
                    Length(max=64, message="Högst 64 tecken.")],
    )

    accept_terms = BooleanField(
        "Jag har läst villkoren och integritetspolicyn",
        validators=[DataRequired("Du behöver godkänna villkoren för att bli medlem.")],
    )

    def __init__(self, *args, invite_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _describe_password(self.password)
        if not invite_only:
            del self.invite_code

    # The order of the register page (templates/auth/register.html), for the error summary.
    FIELD_ORDER = ("invite_code", "display_name", "email", "password", "password_again",
                   "professional_role", "organisation_name", "sector", "size_band",
                   "accept_terms")

    def validate_invite_code(self, field):
        from kb.invites import usable

        if usable(field.data) is None:
            raise ValidationError("Koden är ogiltig, redan använd eller har gått ut.")

    def validate_password(self, field):
        _check_new_password(self, field, self.email.data or "", self.display_name.data or "",
                            self.organisation_name.data or "")


class EmailChangeForm(SwedishForm):
    email = _email_field("Ny e-postadress")
    current_password = PasswordField("Ditt nuvarande lösenord", validators=[DataRequired(REQUIRED)])


class PasswordChangeForm(ResetPasswordForm):
    current_password = PasswordField("Ditt nuvarande lösenord", validators=[DataRequired(REQUIRED)])


def mail_settings_form(kinds: dict[str, str], frequencies: dict[str, str], current: dict,
                       formdata=None, prefix: str = "mail") -> SwedishForm:
    """One choice per notification kind (kinds come from kb.notifications, so a new kind
    gets its own field): at once, weekly or never."""

    class MailSettingsForm(SwedishForm):
        pass

    for kind, label in kinds.items():
        setattr(MailSettingsForm, kind, RadioField(
            label, choices=list(frequencies.items()), validators=[InputRequired(CHOOSE)]))
    return MailSettingsForm(formdata=formdata, prefix=prefix, data=current)


class ActionForm(SwedishForm):
    """A button and its CSRF token: confirming an address, logging out everywhere."""


class DeleteAccountForm(SwedishForm):
    experiences = RadioField(
        "Vad ska hända med dina erfarenheter?",
        choices=[
            ("keep", "Behåll dem anonymt – organisationens kunskap stannar, ditt namn försvinner"),
            ("delete", "Ta bort dem"),
        ],
        validators=[InputRequired(CHOOSE)],
    )
    current_password = PasswordField("Bekräfta med ditt lösenord",
                                     validators=[DataRequired(REQUIRED)])

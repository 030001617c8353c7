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
    StopValidation,
    ValidationError,
)

from kb.accounts import passwords
from kb.core import vocab
from kb.web.forms import CHOOSE, REQUIRED, SingleLine, SwedishForm, choices

EMAIL_EXAMPLE = "Ange en giltig e-postadress, till exempel namn@kommun.se."
# The longest address mail can carry (RFC 5321): longer ones are refused before any
# throttling counts them (kb.accounts.views.throttle).
EMAIL_MAX_LENGTH = 254
EMAIL_TOO_LONG = f"Högst {EMAIL_MAX_LENGTH} tecken."


# What browsers and password managers fill in (the HTML `autocomplete` attribute): the
# member's own address ("email") wherever they sign in with it or give it, a saved
# password where one is asked for, and a new one suggested where one is chosen. The
# address fields are type=email, on which HTML allows "email" but not "username";
# password managers take an address field before a password field as the user name.
OWN_ADDRESS = {"autocomplete": "email"}
CURRENT_PASSWORD = {"autocomplete": "current-password"}
NEW_PASSWORD = {"autocomplete": "new-password"}


def _new_password_field(label: str) -> PasswordField:
    """A field for choosing a password; its hint (the rules) is set when it is bound."""
    return PasswordField(label, validators=[DataRequired(REQUIRED)], render_kw=NEW_PASSWORD)


def _current_password_field(label: str) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(REQUIRED)], render_kw=CURRENT_PASSWORD)


def _check_new_password(form, field, *personal) -> None:
    found = passwords.problems(field.data or "", user_inputs=personal)
    if found:
        raise ValidationError(" ".join(found))


def _describe_password(field) -> None:
    field.description = passwords.hint()


class _ShortEnough(Length):
    """At most `max` characters (the input's maxlength too), checked first: nothing else
    looks at a longer value (the address syntax check takes most of a second on a
    megabyte)."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except ValidationError as error:
            raise StopValidation(str(error)) from None


def _short_enough_email() -> _ShortEnough:
    return _ShortEnough(max=EMAIL_MAX_LENGTH, message=EMAIL_TOO_LONG)


def _email_field(label: str, autocomplete: dict = OWN_ADDRESS) -> EmailField:
    return EmailField(label, render_kw=dict(autocomplete), validators=[
        DataRequired(REQUIRED),
        _short_enough_email(),
        Email(EMAIL_EXAMPLE, check_deliverability=False),
    ])


class LoginForm(SwedishForm):
    email = EmailField("E-postadress", render_kw=OWN_ADDRESS,
                       validators=[DataRequired(REQUIRED), _short_enough_email()])
    password = _current_password_field("Lösenord")
    remember = BooleanField("Håll mig inloggad på den här datorn i 30 dagar")


class ForgotPasswordForm(SwedishForm):
    email = _email_field("Din e-postadress")


class ResetPasswordForm(SwedishForm):
    password = _new_password_field("Nytt lösenord")
    password_again = PasswordField("Nytt lösenord igen", render_kw=NEW_PASSWORD, validators=[
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
        "Namn som visas för andra", render_kw={"autocomplete": "name"},
        validators=[DataRequired(REQUIRED), Length(max=100, message="Högst 100 tecken."),
                    SingleLine()],
    )
    professional_role = SelectField(
        "Yrkesroll", choices=choices(vocab.PROFESSIONAL_ROLES, "Välj roll"),
        validators=[DataRequired(CHOOSE)],
    )
    organisation_name = StringField(
        "Organisation (valfritt)", render_kw={"autocomplete": "organization"},
        validators=[Optional(), Length(max=200, message="Högst 200 tecken."), SingleLine()],
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
        "Lösenord igen", render_kw=NEW_PASSWORD,
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
        from kb.accounts.invites import UNUSABLE, usable

        if usable(field.data) is None:
            raise ValidationError(UNUSABLE)

    def validate_password(self, field):
        _check_new_password(self, field, self.email.data or "", self.display_name.data or "",
                            self.organisation_name.data or "")


class EmailChangeForm(SwedishForm):
    email = _email_field("Ny e-postadress")
    current_password = _current_password_field("Ditt nuvarande lösenord")


class PasswordChangeForm(ResetPasswordForm):
    current_password = _current_password_field("Ditt nuvarande lösenord")


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


class DeleteAccountForm(SwedishForm):
    experiences = RadioField(
        "Vad ska hända med dina erfarenheter?",
        choices=[
            ("keep", "Behåll dem anonymt – organisationens kunskap stannar, ditt namn försvinner"),
            ("delete", "Ta bort dem"),
        ],
        validators=[InputRequired(CHOOSE)],
    )
    current_password = _current_password_field("Bekräfta med ditt lösenord")

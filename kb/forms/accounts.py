"""Becoming a member, logging in, and the member's own account page."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from kb import vocab
from kb.forms.base import CHOOSE, REQUIRED, SwedishForm, choices

EMAIL_EXAMPLE = "Ange en giltig e-postadress, till exempel namn@kommun.se."


def _validate_password_length(form, field):
    if len(field.data or "") < form.min_password_length:
        raise ValidationError(f"Lösenordet måste ha minst {form.min_password_length} tecken.")


def _email_field(label: str) -> EmailField:
    return EmailField(label, validators=[
        DataRequired(REQUIRED),
        Email(EMAIL_EXAMPLE, check_deliverability=False),
        Length(max=254, message="Högst 254 tecken."),
    ])


class LoginForm(SwedishForm):
    email = EmailField("E-postadress", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Lösenord", validators=[DataRequired(REQUIRED)])


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
    password = PasswordField("Lösenord", validators=[DataRequired(REQUIRED)])
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

    def __init__(self, *args, min_password_length: int = 10, invite_only: bool = False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.min_password_length = min_password_length
        if not invite_only:
            del self.invite_code

    def validate_invite_code(self, field):
        from kb.invites import usable

        if usable(field.data) is None:
            raise ValidationError("Koden är ogiltig, redan använd eller har gått ut.")

    validate_password = _validate_password_length


class EmailChangeForm(SwedishForm):
    email = _email_field("Ny e-postadress")
    current_password = PasswordField("Ditt nuvarande lösenord", validators=[DataRequired(REQUIRED)])


class PasswordChangeForm(SwedishForm):
    current_password = PasswordField("Ditt nuvarande lösenord", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Nytt lösenord", validators=[DataRequired(REQUIRED)])
    password_again = PasswordField("Nytt lösenord igen", validators=[
        DataRequired(REQUIRED), EqualTo("password", "Lösenorden är inte likadana.")])

    def __init__(self, *args, min_password_length: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_password_length = min_password_length

    validate_password = _validate_password_length


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

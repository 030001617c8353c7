"""Forms, validated on the server with Swedish messages next to each field."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from kb import vocab

REQUIRED = "Fyll i det här fältet."
CHOOSE = "Välj ett alternativ."
TEXT_MAX = 5000


def _without_nul(value):
    # NUL cannot be stored in PostgreSQL text and is never meant: drop it, keep the rest.
    return value.replace("\x00", "") if isinstance(value, str) else value


class SwedishMeta:
    # WTForms' own Swedish translations for built-in messages ("Inte ett giltigt heltal").
    locales = ("sv_SE", "sv")

    def bind_field(self, form, unbound_field, options):
        filters = (*unbound_field.kwargs.get("filters", ()), _without_nul)
        return unbound_field.bind(form=form, **dict(options, filters=filters))


class SwedishForm(FlaskForm):
    class Meta(SwedishMeta):
        pass


def _choices(vocabulary: dict, blank: str | None = None):
    items = list(vocabulary.items())
    return ([("", blank)] if blank is not None else []) + items


def _validate_password_length(form, field):
    if len(field.data or "") < form.min_password_length:
        raise ValidationError(f"Lösenordet måste ha minst {form.min_password_length} tecken.")


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
        "Yrkesroll", choices=_choices(vocab.PROFESSIONAL_ROLES, "Välj roll"),
        validators=[DataRequired(CHOOSE)],
    )
    organisation_name = StringField(
        "Organisation (valfritt)",
        validators=[Optional(), Length(max=200, message="Högst 200 tecken.")],
    )
    sector = SelectField(
        "Sektor", choices=_choices(vocab.SECTORS, "Välj sektor"), validators=[DataRequired(CHOOSE)]
    )
    size_band = SelectField(
        "Organisationens storlek", choices=_choices(vocab.SIZE_BANDS, "Välj storlek"),
        validators=[DataRequired(CHOOSE)],
    )


class RegisterForm(ProfileForm):
    email = EmailField(
        "E-postadress",
        validators=[
            DataRequired(REQUIRED),
            Email("Ange en giltig e-postadress, till exempel namn@kommun.se.",
                  check_deliverability=False),
            Length(max=254, message="Högst 254 tecken."),
        ],
    )
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


def _rating_field(label: str, required: bool = False) -> RadioField:
    validators = [InputRequired("Välj ett betyg.")] if required else [Optional()]
    return RadioField(
        label,
        choices=[(str(n), f"{n} – {vocab.SATISFACTION[n]}") for n in range(1, 6)],
        coerce=lambda v: int(v) if v not in (None, "") else None,
        validators=validators,
    )


def _text_field(label: str, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        validators=[Optional(), Length(max=TEXT_MAX, message=f"Högst {TEXT_MAX} tecken.")],
    )


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class ExperienceForm(SwedishForm):
    """Every field of an experience, grouped in the template by FIELDSETS."""

    # System and context.
    system_id = SelectField("Lönesystem", coerce=_optional_int, validators=[InputRequired(CHOOSE)])
    sector = SelectField(
        "Sektor", choices=_choices(vocab.SECTORS, "Välj sektor"), validators=[DataRequired(CHOOSE)]
    )
    size_band = SelectField(
        "Organisationens storlek",
        choices=_choices(vocab.SIZE_BANDS, "Välj storlek"),
        validators=[DataRequired(CHOOSE)],
    )
    employees_paid = IntegerField(
        "Antal anställda som får lön per månad",
        validators=[Optional(), NumberRange(1, 500_000, "Ange ett antal mellan 1 och 500 000.")],
    )
    reviewer_role = SelectField(
        "Din roll", choices=_choices(vocab.PROFESSIONAL_ROLES, "Välj roll"),
        validators=[DataRequired(CHOOSE)],
    )
    deployment = SelectField(
        "Driftform", choices=_choices(vocab.DEPLOYMENTS, "Vet inte / vill inte ange"),
        validators=[Optional()],
    )
    in_use_since = IntegerField("I bruk sedan (år)", validators=[Optional()])
    usage_status = RadioField(
        "Användning", choices=list(vocab.USAGE_STATUSES.items()), validators=[InputRequired(CHOOSE)]
    )

    # Ratings.
    satisfaction = _rating_field("Hur nöjd är ni med systemet totalt sett?", required=True)
    recommend = RadioField(
        "Hur troligt är det att du skulle rekommendera systemet till en kollega? (0–10)",
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=_optional_int,
        validators=[Optional()],
    )

    # Switching.
    switched_from_id = SelectField("Bytte ni till systemet från ett annat? Från vilket?",
                                   coerce=_optional_int, validators=[Optional()])
    switch_reason = _text_field("Varför bytte ni?")
    go_live_months = IntegerField(
        "Hur många månader tog det från beslut till första skarpa lönekörning?",
        validators=[Optional(), NumberRange(0, 120, "Ange ett antal månader mellan 0 och 120.")],
    )
    considering_switch_to_id = SelectField("Funderar ni på att byta? Till vilket system?",
                                           coerce=_optional_int, validators=[Optional()])

    # Texts.
    title = StringField(
        "Rubrik",
        description="En mening som sammanfattar er erfarenhet.",
        validators=[
            DataRequired(REQUIRED),
            Length(min=5, max=150, message="Rubriken ska ha 5–150 tecken."),
        ],
    )
    pros = _text_field("Det som fungerar bra")
    cons = _text_field("Det som fungerar mindre bra")
    tips = _text_field("Tips till den som ska byta lönesystem")
    body = _text_field("Övrigt", "Allt annat en kollega borde veta.")

    # Publishing.
    visibility = RadioField(
        "Vem får läsa erfarenheten?", choices=list(vocab.VISIBILITIES.items()), default="public",
        validators=[InputRequired(CHOOSE)],
    )
    anonymous = BooleanField(
        "Visa mig anonymt (endast roll, sektor och storlek visas, inte mitt namn)"
    )

    FIELDSETS = (
        ("Lönesystem och organisation",
         ("system_id", "sector", "size_band", "employees_paid", "reviewer_role", "deployment",
          "in_use_since", "usage_status")),
        ("Betyg", ("satisfaction", *(f"rating_{k}" for k in vocab.SUB_RATINGS), "recommend")),
        ("Funktioner i svensk lönehantering", tuple(f"cap_{k}" for k in vocab.CAPABILITIES)),
        ("Byte av lönesystem",
         ("switched_from_id", "switch_reason", "go_live_months", "considering_switch_to_id")),
        ("Din erfarenhet", ("title", "pros", "cons", "tips", "body")),
        ("Publicering", ("visibility", "anonymous")),
    )

    def __init__(self, *args, systems=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = [(s.id, s.name) for s in systems]
        self.system_id.choices = [("", "Välj lönesystem")] + options
        self.switched_from_id.choices = [("", "Inget byte / vet inte")] + options
        self.considering_switch_to_id.choices = [("", "Nej / inte bestämt")] + options

    def validate_in_use_since(self, field):
        if field.data is not None and not 1970 <= field.data <= date.today().year:
            raise ValidationError(f"Ange ett år mellan 1970 och {date.today().year}.")

    def validate_switched_from_id(self, field):
        if field.data is not None and field.data == self.system_id.data:
            raise ValidationError("Välj ett annat system än det du bedömer.")

    def validate_considering_switch_to_id(self, field):
        if field.data is not None and field.data == self.system_id.data:
            raise ValidationError("Välj ett annat system än det ni använder.")

    def validate_switch_reason(self, field):
        if field.data and field.data.strip() and self.switched_from_id.data is None:
            raise ValidationError("Ange vilket system ni bytte från, eller lämna fältet tomt.")


# Sub-ratings and the capability checklist come from vocab, one field each.
for _key, _label in vocab.SUB_RATINGS.items():
    setattr(ExperienceForm, f"rating_{_key}", _rating_field(_label))
for _key, _label in vocab.CAPABILITIES.items():
    setattr(
        ExperienceForm,
        f"cap_{_key}",
        RadioField(
            _label,
            choices=list(vocab.CAPABILITY_LEVELS.items()),
            default="unknown",
            validators=[InputRequired(CHOOSE)],
        ),
    )


class ReasonForm(SwedishForm):
    """A moderator's decision, with a reason that the author sees."""

    reason = TextAreaField(
        "Motivering",
        validators=[Optional(), Length(max=1000, message="Högst 1000 tecken.")],
    )


class FlagForm(SwedishForm):
    reason = TextAreaField(
        "Varför anmäler du erfarenheten?",
        validators=[
            DataRequired("Beskriv varför du anmäler erfarenheten."),
            Length(max=1000, message="Högst 1000 tecken."),
        ],
    )


class MergeForm(ReasonForm):
    target_id = SelectField("Slå ihop med", coerce=_optional_int,
                            validators=[InputRequired(CHOOSE)])


class ProposeSystemForm(SwedishForm):
    name = StringField("Systemets namn", validators=[
        DataRequired(REQUIRED), Length(max=120, message="Högst 120 tecken.")])
    vendor = StringField("Leverantör", validators=[
        Optional(), Length(max=120, message="Högst 120 tecken.")])
    website = StringField("Webbplats (valfritt)", validators=[
        Optional(), Length(max=255, message="Högst 255 tecken.")])

    def validate_website(self, field):
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError("Ange en adress som börjar med https://.")


class RoleForm(ReasonForm):
    site_role = SelectField("Roll", choices=list(vocab.SITE_ROLES.items()),
                            validators=[InputRequired(CHOOSE)])


class InviteForm(SwedishForm):
    valid_days = IntegerField(
        "Giltig i antal dagar", default=14,
        validators=[InputRequired(REQUIRED), NumberRange(1, 365, "Ange 1–365 dagar.")],
    )
    note = StringField("Anteckning (t.ex. vem koden är till)", validators=[
        Optional(), Length(max=200, message="Högst 200 tecken.")])


class AuditFilterForm(FlaskForm):
    """Filters for the audit log, read from the query string."""

    class Meta(SwedishMeta):
        csrf = False

    action = SelectField("Åtgärd", validators=[Optional()])
    actor = StringField("Utförd av (e-post)", validators=[Optional(), Length(max=254)])
    object_type = SelectField("Typ", validators=[Optional()], choices=[
        ("", "Alla typer"), ("experience", "Erfarenhet"), ("payroll_system", "Lönesystem"),
        ("user_account", "Användare"), ("comment", "Kommentar"), ("invite_code", "Inbjudan"),
    ])


class EmailChangeForm(SwedishForm):
    email = EmailField("Ny e-postadress", validators=[
        DataRequired(REQUIRED),
        Email("Ange en giltig e-postadress, till exempel namn@kommun.se.",
              check_deliverability=False),
        Length(max=254, message="Högst 254 tecken."),
    ])
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

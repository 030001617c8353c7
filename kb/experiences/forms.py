"""The experience form: every field of an experience, with Swedish messages."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from kb import catalogue, procurement
from kb.core import swedish, vocab
from kb.experiences.records import EDITABLE_FIELDS, existing, shareable_networks
from kb.web.forms import (
    CHOOSE,
    REQUIRED,
    TEXT_MAX,
    CheckboxesField,
    SingleLine,
    SwedishForm,
    WholeNumberField,
    choices,
    optional_int,
    stripped,
)

# The optional, collapsible part about the contract (templates/experiences/form.html).
CONTRACT_LEGEND = "Avtal och upphandling"

# The choice that leaves an optional rating unset, and clears one given earlier.
NOT_RATED = "Ej bedömt"


class RatingField(RadioField):
    """A rating given as a number on a scale the form explains once, above the ratings
    (`words` names each step for screen readers); an optional rating also offers
    "Ej bedömt"."""

    def __init__(self, label=None, validators=None, words=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.words = words or {}


def _rating_field(label: str, required: bool = False, description: str = "") -> RatingField:
    validators = [InputRequired("Välj ett betyg.")] if required else [Optional()]
    steps = [(str(n), str(n)) for n in range(1, 6)]
    return RatingField(
        label,
        description=description,
        choices=steps if required else [*steps, ("", NOT_RATED)],
        coerce=optional_int,
        validators=validators,
        words={str(n): word for n, word in vocab.SATISFACTION.items()},
    )


def _text_field(label: str, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        validators=[Optional(), Length(max=TEXT_MAX, message=f"Högst {TEXT_MAX} tecken.")],
    )


class ExperienceForm(SwedishForm):
    """Every field of an experience, grouped in the template by FIELDSETS."""

    # System and context.
    system_id = SelectField("Lönesystem", coerce=optional_int, validators=[InputRequired(CHOOSE)])
    sector = SelectField(
        "Sektor", choices=choices(vocab.SECTORS, "Välj sektor"), validators=[DataRequired(CHOOSE)]
    )
    size_band = SelectField(
        "Organisationens storlek",
        choices=choices(vocab.SIZE_BANDS, "Välj storlek"),
        validators=[DataRequired(CHOOSE)],
    )
    employees_paid = WholeNumberField(
        "Antal anställda som får lön per månad",
        validators=[Optional(), NumberRange(1, 500_000, "Ange ett antal mellan 1 och 500 000.")],
    )
    reviewer_role = SelectField(
        "Din roll", choices=choices(vocab.PROFESSIONAL_ROLES, "Välj roll"),
        validators=[DataRequired(CHOOSE)],
    )
    deployment = SelectField(
        "Driftform", choices=choices(vocab.DEPLOYMENTS, "Vet inte / vill inte ange"),
        validators=[Optional()],
    )
    in_use_since = WholeNumberField("I bruk sedan (år)", validators=[Optional()])
    usage_status = RadioField(
        "Användning", choices=list(vocab.USAGE_STATUSES.items()), validators=[InputRequired(CHOOSE)]
    )

    # Ratings.
    satisfaction = _rating_field("Hur nöjd är ni med systemet totalt sett?", required=True)
    recommend = RatingField(
        "Hur troligt är det att du skulle rekommendera systemet till en kollega?",
        description="0 betyder inte alls troligt, 10 mycket troligt.",
        choices=[*((str(n), str(n)) for n in range(11)), ("", NOT_RATED)],
        coerce=optional_int,
        validators=[Optional()],
        words={"0": "inte alls troligt", "10": "mycket troligt"},
    )

    # Switching.
    switched_from_id = SelectField("Bytte ni till systemet från ett annat? Från vilket?",
                                   coerce=optional_int, validators=[Optional()])
    switch_reason = _text_field("Varför bytte ni?")
    go_live_months = WholeNumberField(
        "Hur många månader tog det från beslut till första skarpa lönekörning?",
        validators=[Optional(), NumberRange(0, 120, "Ange ett antal månader mellan 0 och 120.")],
    )
    previous_satisfaction = _rating_field(
        "Hur nöjda var ni med det tidigare systemet när ni lämnade det?",
        description="Bara om ni bytte från ett annat system: 1 mycket missnöjda, 5 mycket "
                    "nöjda.")
    considering_switch_to_id = SelectField("Funderar ni på att byta? Till vilket system?",
                                           coerce=optional_int, validators=[Optional()])

    # Texts.
    title = StringField(
        "Rubrik",
        description="En mening som sammanfattar er erfarenhet.",
        validators=[
            DataRequired(REQUIRED),
            Length(min=5, max=150, message="Rubriken ska ha 5–150 tecken."),
            SingleLine(),
        ],
    )
    pros = _text_field("Det som fungerar bra")
    cons = _text_field("Det som fungerar mindre bra")
    tips = _text_field("Tips till den som ska byta lönesystem")
    body = _text_field("Övrigt", "Allt annat en kollega borde veta.")

    # The contract (kb.procurement; all optional).
    contract_end_year = WholeNumberField("År då ert nuvarande avtal löper ut",
                                         validators=[Optional()])
    contract_end_month = SelectField(
        "Månad då avtalet löper ut", coerce=optional_int, validators=[Optional()],
        choices=[("", "Vet inte / vill inte ange"),
                 *((n, name.capitalize()) for n, name in enumerate(swedish.MONTHS, 1))])
    contract_extension = StringField(
        "Möjlighet till förlängning", description="Till exempel ”2+1 år”.",
        filters=[stripped],
        validators=[Optional(), Length(max=60, message="Högst 60 tecken."), SingleLine()])
    procurement_route = SelectField(
        "Hur upphandlades avtalet?",
        choices=choices(vocab.PROCUREMENT_ROUTES, "Vet inte / vill inte ange"),
        validators=[Optional()])
    procured_with = StringField(
        "Tillsammans med vilka organisationer?",
        description="Vid samordnad upphandling. På en anonym erfarenhet ser bara du och "
                    "moderatorerna namnen (och avtalets månad).",
        filters=[stripped],
        validators=[Optional(), Length(max=300, message="Högst 300 tecken."), SingleLine()])
    next_procurement_year = WholeNumberField("År för nästa planerade upphandling",
                                             validators=[Optional()])
    contract_audience = RadioField(
        "Vem får se uppgifterna om avtalet?", choices=list(vocab.CONTRACT_AUDIENCES.items()),
        default="same", validators=[Optional()],
        description="Aldrig fler än de som får läsa erfarenheten. Med ”Bara jag” räknas "
                    "uppgifterna inte heller i kb:s siffror om upphandling.")

    # Publishing.
    visibility = RadioField(
        "Vem får läsa erfarenheten?", choices=list(vocab.VISIBILITIES.items()), default="public",
        description=(
            "Med Mina nätverk läser bara medlemmarna i nätverken du kryssar i nedan – i sök, "
            "siffror och API:t likaså. Lämnar du ett nätverk blir det du delat där inte mer "
            "synligt. Moderatorer kan läsa allt, även det som delas i nätverk, eftersom de "
            "granskar innehållet."),
        validators=[InputRequired(CHOOSE)],
    )
    network_ids = CheckboxesField(
        "Dela med nätverken", coerce=int, validators=[Optional()],
        description="Gäller när du valt Mina nätverk.")
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
         ("switched_from_id", "switch_reason", "go_live_months", "previous_satisfaction",
          "considering_switch_to_id")),
        ("Din erfarenhet", ("title", "pros", "cons", "tips", "body")),
        (CONTRACT_LEGEND, procurement.CONTRACT_FIELDS),
        ("Publicering", ("visibility", "network_ids", "anonymous")),
    )

    # The order the fields are shown in, for the error summary.
    FIELD_ORDER = tuple(name for _legend, names in FIELDSETS for name in names)

    def __init__(self, *args, systems=(), networks=(), author_id=None, experience_id=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.network_ids.choices = [(n.id, n.name) for n in networks]
        self.author_id, self.experience_id = author_id, experience_id
        # The member's own earlier experience of the chosen system, when there is one:
        # the page offers to update it instead of writing a second.
        self.earlier = None
        options = [(s.id, s.name) for s in systems]
        self.system_id.choices = [("", "Välj lönesystem")] + options
        self.switched_from_id.choices = [("", "Inget byte / vet inte")] + options
        self.considering_switch_to_id.choices = [("", "Nej / inte bestämt")] + options

    def validate_system_id(self, field):
        self.earlier = existing(self.author_id, field.data, other_than=self.experience_id)
        if self.earlier is not None:
            raise ValidationError(
                "Du har redan delat en erfarenhet av det här lönesystemet. Uppdatera den "
                "i stället, så sparas ditt tidigare betyg i historiken.")

    def validate_in_use_since(self, field):
        first, last = vocab.in_use_years()
        if field.data is not None and not first <= field.data <= last:
            raise ValidationError(f"Ange ett år mellan {first} och {last}.")

    def validate_switched_from_id(self, field):
        if field.data is not None and field.data == self.system_id.data:
            raise ValidationError("Välj ett annat system än det du bedömer.")

    def validate_considering_switch_to_id(self, field):
        if field.data is not None and field.data == self.system_id.data:
            raise ValidationError("Välj ett annat system än det ni använder.")

    def validate_network_ids(self, field):
        if self.visibility.data == "networks" and not field.data:
            if not field.choices:
                raise ValidationError("Du är inte med i något nätverk ännu. Välj en annan "
                                      "synlighet, eller gå med i ett nätverk först.")
            raise ValidationError("Välj minst ett av dina nätverk.")

    def values(self) -> dict:
        """What the member filled in, by field name (kb.experiences.EDITABLE_FIELDS), and
        the networks chosen."""
        values = {name: self[name].data for name in EDITABLE_FIELDS}
        values["network_ids"] = list(self.network_ids.data or ())
        return values

    def validate_previous_satisfaction(self, field):
        if field.data is not None and self.switched_from_id.data is None:
            raise ValidationError("Ange vilket system ni bytte från, eller välj "
                                  f"”{NOT_RATED}”.")

    def validate_switch_reason(self, field):
        if field.data and field.data.strip() and self.switched_from_id.data is None:
            raise ValidationError("Ange vilket system ni bytte från, eller lämna fältet tomt.")


# The contract's facts are checked by kb.procurement, each message next to its field.
def _contract_check(name: str):
    def validate(form, field):
        errors = procurement.check_contract({key: form[key].data
                                             for key in procurement.CONTRACT_FIELDS})
        if name in errors:
            raise ValidationError(errors[name])
    return validate


for _name in procurement.CONTRACT_FIELDS:
    setattr(ExperienceForm, f"validate_{_name}", _contract_check(_name))

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


def experience_form(formdata=None, *, member=None, experience=None) -> ExperienceForm:
    """The experience form with the systems the author may choose; a new experience is
    pre-filled from the member's profile."""
    owner = member or (experience.author if experience else None)
    networks = shareable_networks(owner.id, experience) if owner else []
    form = ExperienceForm(formdata=formdata, obj=experience,
                          systems=catalogue.selectable_systems(owner.id if owner else None),
                          networks=networks,
                          author_id=owner.id if owner else None,
                          experience_id=experience.id if experience else None)
    if formdata is None and experience is not None:
        form.network_ids.data = sorted(experience.network_ids)
    if experience is None and formdata is None and member is not None:
        if member.organisation is not None:
            form.sector.data = member.organisation.sector
            form.size_band.data = member.organisation.size_band
        form.reviewer_role.data = member.professional_role
    return form

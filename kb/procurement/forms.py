"""Forms of procurement: being open to procuring together, a message and its answer, and
a shared requirement list. (The contract facts are fields of the experience form.)"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from kb.core import swedish, vocab
from kb.procurement import partners, requirements
from kb.procurement.contracts import end_years
from kb.web.forms import (
    CHOOSE,
    REQUIRED,
    PlainText,
    SingleLine,
    SwedishForm,
    WholeNumberField,
    choices,
    optional_int,
)


class OpeningForm(SwedishForm):
    """"Öppen för samordnad upphandling": which contract, which years, what others see."""

    experience_id = SelectField("Vilket avtal gäller det?", coerce=optional_int,
                                validators=[InputRequired(CHOOSE)])
    year_from = WholeNumberField("Från år", validators=[InputRequired(REQUIRED)])
    year_to = WholeNumberField("Till och med år", validators=[InputRequired(REQUIRED)])
    region = SelectField("Län", choices=choices(vocab.REGIONS, "Vill inte ange"),
                         validators=[Optional()])
    show_organisation = BooleanField(
        "Visa organisationens namn för andra som är öppna för samordnad upphandling",
        description="Gäller inte en anonym erfarenhet: då visas aldrig namnet.")

    def __init__(self, *args, answers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.experience_id.choices = [("", "Välj din erfarenhet")] + [
            (e.id, f"{e.system.name} – avtalet löper ut {e.contract_end_year}")
            for e in answers]

    def _year(self, field):
        first, last = partners.window_years()
        if field.data is not None and not first <= field.data <= last:
            raise ValidationError(f"Ange ett år mellan {first} och {last}.")

    validate_year_from = _year

    def validate_year_to(self, field):
        self._year(field)
        if field.data is not None and self.year_from.data is not None \
                and field.data < self.year_from.data:
            raise ValidationError("Slutåret kan inte vara före startåret.")


class MessageForm(SwedishForm):
    body = TextAreaField(
        "Meddelande",
        description="Mottagaren får meddelandet med e-post utan din adress. När hon svarar får "
                    "ni båda varandras namn och e-postadress.",
        validators=[DataRequired("Skriv ett meddelande."),
                    Length(max=partners.MESSAGE_MAX,
                           message=f"Högst {swedish.thousands(partners.MESSAGE_MAX)} tecken."),
                    PlainText()])


class ReplyForm(SwedishForm):
    body = TextAreaField(
        "Ditt svar (frivilligt)",
        description="När du svarar får ni båda varandras namn och e-postadress med e-post.",
        validators=[Optional(),
                    Length(max=partners.MESSAGE_MAX,
                           message=f"Högst {swedish.thousands(partners.MESSAGE_MAX)} tecken."),
                    PlainText()])


class RequirementForm(SwedishForm):
    title = StringField("Rubrik", description="Till exempel ”Kravlista lönesystem 2026”.",
                        validators=[DataRequired(REQUIRED),
                                    Length(max=requirements.TITLE_MAX,
                                           message=f"Högst {requirements.TITLE_MAX} tecken."),
                                    SingleLine()])
    year = WholeNumberField("Upphandlingens år", validators=[Optional()])
    visibility = RadioField("Vem får läsa kravlistan?",
                            choices=list(vocab.REQUIREMENT_VISIBILITIES.items()),
                            default="members", validators=[InputRequired(CHOOSE)])
    document = FileField(
        "Kravdokumentet (frivilligt)",
        description=f"PDF, Word (DOCX) eller Excel (XLSX), högst "
                    f"{requirements.MAX_BYTES // (1024 * 1024)} MB. Läsarna laddar ner det "
                    "som fil.")

    def validate_year(self, field):
        first, last = end_years()
        if field.data is not None and not first <= field.data <= last:
            raise ValidationError(f"Ange ett år mellan {first} och {last}.")

    def items(self) -> dict[str, str]:
        return {key: self[f"req_{key}"].data for key in vocab.CAPABILITIES
                if self[f"req_{key}"].data}

    @property
    def requirement_fields(self):
        return [self[f"req_{key}"] for key in vocab.CAPABILITIES]


class RemoveRequirementForm(SwedishForm):
    """Removing a list: its author just confirms; a moderator says why (the domain,
    kb.procurement.requirements.remove, requires it and the audit log keeps it)."""

    reason = TextAreaField("Varför tas kravlistan bort?", validators=[
        Optional(), Length(max=requirements.REASON_MAX,
                           message=f"Högst {requirements.REASON_MAX} tecken.")])


for _key, _label in vocab.CAPABILITIES.items():
    setattr(RequirementForm, f"req_{_key}", RadioField(
        _label, choices=[*vocab.REQUIREMENT_LEVELS.items(), ("", "Inget krav")], default="",
        validators=[Optional()]))


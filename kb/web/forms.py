"""What every kb form shares: Swedish messages, NUL-free text, single-line names and
titles, choices from the vocabulary."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from kb.core import parsing, text

REQUIRED = "Fyll i det här fältet."
CHOOSE = "Välj ett alternativ."
TEXT_MAX = 5000
SINGLE_LINE = "Får inte innehålla radbrytningar eller styrtecken."
PLAIN_TEXT = "Får inte innehålla styrtecken."


def _without_nul(value):
    # NUL cannot be stored in PostgreSQL text and is never meant: drop it, keep the rest.
    return value.replace("\x00", "") if isinstance(value, str) else value


def stripped(value):
    """A filter: surrounding whitespace removed (text kept as typed otherwise)."""
    return value.strip() if isinstance(value, str) else value


class SingleLine:
    """A name, title or place: no line break, tab or other control character
    (kb.core.text). A calendar or a mail that shows it gets one line, as typed."""

    line_breaks = False

    def __init__(self, message: str | None = None):
        self.message = message or (PLAIN_TEXT if self.line_breaks else SINGLE_LINE)

    def __call__(self, form, field):
        if isinstance(field.data, str) and text.control_characters(
                field.data, line_breaks=self.line_breaks):
            raise ValidationError(self.message)


class PlainText(SingleLine):
    """A text of several lines (an address): line breaks and tabs, but no other control
    character."""

    line_breaks = True


class SwedishMeta:
    # WTForms' own Swedish translations for built-in messages ("Inte ett giltigt heltal").
    locales = ("sv_SE", "sv")

    def bind_field(self, form, unbound_field, options):
        filters = (*unbound_field.kwargs.get("filters", ()), _without_nul)
        return unbound_field.bind(form=form, **dict(options, filters=filters))


class SwedishForm(FlaskForm):
    """A posted form: CSRF-protected, Swedish messages, no NUL characters."""

    class Meta(SwedishMeta):
        pass


class ActionForm(SwedishForm):
    """A button and its CSRF token: confirming an address, logging out everywhere."""


class SwedishQueryForm(FlaskForm):
    """A form read from the query string (filters): no CSRF token."""

    class Meta(SwedishMeta):
        csrf = False


class WholeNumberField(IntegerField):
    """A whole number typed as Swedes write it (`2 400` as well as `2400`), with one
    clear message when it is not a number."""

    message = "Skriv ett heltal med siffror, till exempel 250."

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        number = parsing.whole_number(valuelist[0])
        if number is None:
            self.data = None
            raise ValueError(self.message)
        self.data = number

    def pre_validate(self, form):
        # Not a number: that one message, not also the range validator's.
        if self.process_errors:
            raise StopValidation()


def choices(vocabulary: dict, blank: str | None = None) -> list[tuple[str, str]]:
    items = list(vocabulary.items())
    return ([("", blank)] if blank is not None else []) + items


def optional_int(value):
    return int(value) if value not in (None, "") else None


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (templates/macros/forms.html shows them as a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

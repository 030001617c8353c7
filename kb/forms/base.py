"""What every kb form shares: Swedish messages, NUL-free text, choices from the vocabulary."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from kb import parsing

REQUIRED = "Fyll i det här fältet."
CHOOSE = "Välj ett alternativ."
TEXT_MAX = 5000


def _without_nul(value):
    # NUL cannot be stored in PostgreSQL text and is never meant: drop it, keep the rest.
    return value.replace("\x00", "") if isinstance(value, str) else value


def stripped(value):
    """A filter: surrounding whitespace removed (text kept as typed otherwise)."""
    return value.strip() if isinstance(value, str) else value


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

"""kb's own errors. Domain code raises them with a Swedish message; the web layer
maps each kind to one HTTP status in one place (kb.views.errors)."""

from __future__ import annotations


class KbError(Exception):
    """Something a member asked for cannot be done; `message` is Swedish and may be shown."""

    default_message = "Det gick inte att genomföra."

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NotFound(KbError):
    """Missing, or not for this viewer's eyes (the two look the same from outside)."""

    default_message = "Sidan du söker finns inte eller har tagits bort."


class Forbidden(KbError):
    """The viewer may see it but not do this to it."""

    default_message = "Du har inte behörighet att göra det här."


class Conflict(KbError):
    """The request clashes with the current state (already done, already taken)."""

    default_message = "Det går inte just nu: något har ändrats sedan sidan visades."


class Invalid(KbError):
    """Input kb cannot accept; `field` names the form field it belongs to, if any."""

    default_message = "Uppgifterna kunde inte sparas."

    def __init__(self, message: str | None = None, field: str | None = None):
        super().__init__(message)
        self.field = field

"""Swedish number formats and plural forms: the one place pages, exports and mails
take them from."""

from __future__ import annotations

# Thousands are separated by a no-break space (so "11 880" never wraps apart);
# negative numbers take a real minus sign on pages and an ASCII one in data exports.
THOUSANDS = "\u00a0"
MINUS = "\u2212"


MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def date(value) -> str:
    """A date the Swedish way: 1 december 2026."""
    if value is None:
        return "–"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def thousands(value: int | float | None) -> str:
    """A whole number the Swedish way: 11 880."""
    if value is None:
        return "–"
    text = f"{round(value):,}".replace(",", THOUSANDS)
    return text.replace("-", MINUS)


def decimal(value: float | None, digits: int = 1) -> str:
    """A number with a decimal comma (3,7) and Swedish thousands (1 234,5)."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", THOUSANDS)
    return text.replace("-", MINUS)


def signed(value: float | None) -> str:
    """A whole number with its sign shown when negative (−12), for scores such as NPS."""
    if value is None:
        return "–"
    return thousands(round(value))


def percent(value: float | None) -> str:
    """A share as whole percent: 42 %."""
    if value is None:
        return "–"
    return f"{round(value)}{THOUSANDS}%"


def plural(n: int, one: str, many: str) -> str:
    """The count with the right form of the word: 1 erfarenhet, 2 erfarenheter."""
    return f"{thousands(n)} {one if n == 1 else many}"

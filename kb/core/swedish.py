"""Swedish number formats, plural forms, dates and times: the one place pages, exports
and mails take them from."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime as DateTime

from kb.core.dates import utcnow

# Thousands are separated by a no-break space (so "11 880" never wraps apart);
# negative numbers take a real minus sign on pages and an ASCII one in data exports.
THOUSANDS = "\u00a0"
MINUS = "\u2212"


MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def date(value: Date | DateTime | None) -> str:
    """A date the Swedish way: 1 december 2026."""
    if value is None:
        return "–"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def clock(value: DateTime | None) -> str:
    """A time of day the Swedish way: 09.30."""
    if value is None:
        return "–"
    return f"{value:%H.%M}"


def date_and_time(value: DateTime | None) -> str:
    """A date and time the Swedish way: torsdag 18 mars 2027 kl. 09.30 (give it local
    time: kb.core.dates.stockholm)."""
    if value is None:
        return "–"
    return f"{WEEKDAYS[value.weekday()]} {date(value)} kl. {clock(value)}"


def ago(value: DateTime | None, now: DateTime | None = None) -> str:
    """How long ago, in words: i dag, i går, för 5 dagar sedan, för en månad sedan,
    för 5 månader sedan, för ett år sedan, för 3 år sedan (whole calendar months)."""
    if value is None:
        return ""
    now = now or utcnow()
    months = (now.year - value.year) * 12 + now.month - value.month
    if now.day < value.day:
        months -= 1
    if months < 1:
        days = (now - value).days
        if days < 1:
            return "i dag"
        return "i går" if days == 1 else f"för {days} dagar sedan"
    if months < 12:
        return "för en månad sedan" if months == 1 else f"för {months} månader sedan"
    years = months // 12
    return "för ett år sedan" if years == 1 else f"för {years} år sedan"


def thousands(value: int | float | None, space: str = THOUSANDS) -> str:
    """A whole number the Swedish way: 11 880 (`space=" "` for text people type, where
    a no-break space would not be)."""
    if value is None:
        return "–"
    text = f"{round(value):,}".replace(",", space)
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


def amount(value: float, one: str, many: str) -> str:
    """A measured amount with its unit, decimals only when it has some: 1 månad,
    1,5 månader, 9 månader."""
    if value == int(value):
        return plural(int(value), one, many)
    return f"{decimal(value)} {many}"


def months(value: float) -> str:
    """A number of months: 1 månad, 2 månader, 1,5 månader."""
    return amount(value, "månad", "månader")


def spreadsheet(value: float | None, digits: int = 2) -> str:
    """A number as Swedish Excel reads it in a CSV file: 3,17 and -12,5 (decimal comma,
    ASCII minus, no thousands separator); empty for no value."""
    if value is None:
        return ""
    if digits == 0:
        return str(int(round(value)))
    return f"{value:.{digits}f}".replace(".", ",")


def enumeration(items, conjunction: str = "och") -> str:
    """Words as a Swedish list: Heroma, Primula och Personec P (`conjunction="eller"`:
    … eller Personec P); no comma before the last."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"

"""Reading booleans and numbers from what people and URLs send: the one place that
knows which spellings mean yes, and how large an id or a page may be."""

from __future__ import annotations

# Ids are 32-bit integers on PostgreSQL; a larger number names nothing.
MAX_ID = 2**31 - 1
# Deeper than this nobody pages by hand; it also bounds OFFSET.
MAX_PAGE = 1000

# The one vocabulary of yes and no: query flags (`recent=ja`), checkboxes and settings
# (`KB_PREMODERATION=nej`) all read it, in any case (`JA`, `True`), through boolean().
YES_NO = (("1", "0"), ("true", "false"), ("ja", "nej"), ("on", "off"), ("yes", "no"))
TRUE = frozenset(yes for yes, _no in YES_NO)
FALSE = frozenset(no for _yes, no in YES_NO)
# The spellings in words, for messages and documents: "1/0, true/false, ja/nej, ...".
BOOLEAN_SPELLINGS = ", ".join(f"{yes}/{no}" for yes, no in YES_NO)


def boolean(value) -> bool | None:
    """True or False for the spellings in YES_NO, in upper or lower case (a bool, or
    the number 1 or 0 a JSON setting becomes, too); None for anything else, including
    nothing and padded text."""
    if isinstance(value, bool):
        return value
    if value is None or isinstance(value, float):
        return None
    text = str(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return None


def not_boolean(name: str) -> str:
    """The Swedish message for a switch `name` given a value boolean() does not read."""
    others = ", ".join(f"{yes}/{no}" for yes, no in YES_NO[1:])
    return f"{name} ska vara 1 eller 0 (eller {others})."


def boolean_spellings() -> list[str]:
    """Every string boolean() reads, each case of each letter: the OpenAPI document's
    list of a flag's values."""
    spellings = set()
    for word in TRUE | FALSE:
        variants = [""]
        for char in word:
            cases = dict.fromkeys((char.lower(), char.upper()))
            variants = [start + case for start in variants for case in cases]
        spellings.update(variants)
    return sorted(spellings)


def flag(value) -> bool:
    """A checkbox or URL switch: only an explicit yes is on."""
    return boolean(value) is True


def integer_in(value, low: int, high: int) -> int | None:
    """A whole number within [low, high] written with plain ASCII digits and nothing
    else (not `²`, `٣`, ` 2` or `+2`), else None: every number a URL carries."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "")
        if not text or len(text) > 12 or not text.isascii() or not text.isdigit():
            return None
        number = int(text)
    return number if low <= number <= high else None


def whole_number(text) -> int | None:
    """A whole number as people write it: `2566`, `2 566` or `2\u00a0566` (Swedish
    thousands), with an optional minus; None when it is not one."""
    if text is None:
        return None
    cleaned = str(text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.replace("\u2212", "-")
    digits = cleaned[1:] if cleaned.startswith("-") else cleaned
    if not digits or len(digits) > 12 or not digits.isascii() or not digits.isdigit():
        return None
    return int(cleaned)


def decimal_number(text) -> float | None:
    """A number as people write it, with a decimal comma or point (`4,5`, `4.5`, `2 566`);
    None when it is not one."""
    if text is None:
        return None
    cleaned = str(text).strip().replace(",", ".")
    whole, point, fraction = cleaned.partition(".")
    number = whole_number(whole) if whole.strip() not in ("", "-") else 0
    if number is None or not whole.strip() and not fraction:
        return None
    if not point:
        return float(number)
    if not fraction or len(fraction) > 6 or not fraction.isascii() or not fraction.isdigit():
        return None
    magnitude = abs(number) + int(fraction) / 10 ** len(fraction)
    return -magnitude if whole.strip().startswith(("-", "\u2212")) else magnitude


def as_id(value) -> int | None:
    """A form or query value as a database id, or None when it cannot be one."""
    return integer_in(value, 1, MAX_ID)


def page(value) -> int:
    """A page number for a page: 1 when missing or nonsense, at most MAX_PAGE."""
    number = integer_in(value, 1, 10**12)
    return 1 if number is None else min(number, MAX_PAGE)


def page_or_none(value, last: int = MAX_PAGE) -> int | None:
    """A page number from 1 to `last` for the API, which refuses anything else; None
    when it is not one."""
    return integer_in(value, 1, last)

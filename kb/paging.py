"""Page numbers and database ids from URLs, bounded so no input reaches the database
as a number it cannot hold."""

from flask import request
from werkzeug.routing import IntegerConverter

# Ids are 32-bit integers on PostgreSQL; a larger number names nothing.
MAX_ID = 2**31 - 1
# Deeper than this nobody pages by hand; it also bounds OFFSET.
MAX_PAGE = 1000


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number beyond MAX_ID does not match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def as_id(value: str | None) -> int | None:
    """A form or query value as an id, or None when it cannot be one."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def page_number() -> int:
    """The `page` query parameter, 1 when missing or nonsense, at most MAX_PAGE."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)

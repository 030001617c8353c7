"""URL slugs from names: the one rule for systems and networks alike.

"Lönechefsnätverket Skåne" becomes "lonechefsnatverket-skane": Swedish letters lose
their dots and ring (å, ä -> a, ö -> o), other letters their accents (é -> e,
ç -> c) and a few are spelt out (æ -> ae, ø -> o, ß -> ss); everything else
separates words, which are joined by hyphens in lower case. A taken slug gets "-2",
"-3" ... (`free`); whether one is taken is for the feature that stores it to say.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

MAX_LENGTH = 70  # room for "-2", "-3" ... within the 80 characters a slug column holds

# Letters that do not come apart into a base letter and a mark.
_SPELT_OUT = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l",
                            "þ": "th", "ð": "d", "ı": "i"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str, max_length: int = MAX_LENGTH) -> str:
    """The slug of a name; empty when nothing of it can be written in a URL."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().translate(_SPELT_OUT)
    slug = _NOT_SLUG.sub("-", text).strip("-")
    return slug[:max_length].strip("-")


def free(name: str, fallback: str, taken: Callable[[str], bool]) -> str:
    """The slug of `name` (`fallback` when it has none) that `taken` says is free, with
    "-2", "-3" ... added as needed: "Hogia Lön" -> "hogia-lon", then "hogia-lon-2"."""
    base = slugify(name) or fallback
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug

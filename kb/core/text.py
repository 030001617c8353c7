"""Control characters in what people type: which ones a name or title may not hold, and
single- and multi-line text made safe for formats that give line breaks a meaning of
their own (a calendar's content lines, a mail's lines and headers, a spreadsheet's cells).

A single-line value – a name, a title, a place – holds no line break, no tab and no
other control or format character (Unicode categories Cc and Cf, and the line and
paragraph separators), except the zero-width joiner and non-joiner that emoji and some
scripts are written with. Forms refuse such values (kb.web.forms.SingleLine); values
stored before that rule pass through `single_line` on their way into a calendar or a
mail, so an old title with a line break can neither break a calendar nor forge a line.
"""

from __future__ import annotations

import re
import unicodedata

# Written inside words: emoji sequences (ZWJ) and some scripts (ZWNJ).
JOINERS = frozenset("\u200c\u200d")
# Everything that ends a line somewhere (str.splitlines), and the tab.
BREAKS = frozenset("\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# A run of white space with a line break or tab in it.
_BREAK_RUN = re.compile(r"\s*[" + re.escape("".join(sorted(BREAKS))) + r"]\s*")
_CRLF = re.compile(r"\r\n?|[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _refused(char: str) -> bool:
    return (unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")
            and char not in JOINERS)


def control_characters(value: str | None, *, line_breaks: bool = False) -> list[str]:
    """The characters of `value` a name or title may not hold, in order (each once);
    with `line_breaks`, a multi-line text's line breaks (\\n, \\r) and tabs are allowed."""
    if not value:
        return []
    allowed = frozenset("\n\r\t") if line_breaks else frozenset()
    return list(dict.fromkeys(c for c in value if _refused(c) and c not in allowed))


def single_line(value: str | None) -> str:
    """`value` on one line: every run of white space with line breaks or tabs in it one
    space, other control and format characters dropped, no space at either end."""
    if not value:
        return ""
    kept = "".join(c for c in value if c in BREAKS or not _refused(c))
    return _BREAK_RUN.sub(" ", kept).strip()


def multi_line(value: str | None) -> str:
    """`value` with its line breaks as \\n and its tabs kept, every other control and
    format character dropped."""
    if not value:
        return ""
    lines = _CRLF.sub("\n", value)
    return "".join(c for c in lines if c in "\n\t" or not _refused(c))

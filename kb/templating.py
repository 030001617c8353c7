"""Jinja filters and globals shared by every template."""

from datetime import datetime

from flask import Flask
from markupsafe import Markup, escape

from kb import vocab

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def swedish_date(value: datetime | None) -> str:
    if value is None:
        return "–"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def paragraphs(text: str | None) -> Markup:
    """User text escaped, with its line breaks kept: never rendered as HTML."""
    if not text:
        return Markup("")
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )


def decimal(value: float | None, digits: int = 1) -> str:
    """A number the Swedish way: decimal comma."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}".replace(".", ",")


def thousands(value: int) -> str:
    """A whole number the Swedish way: 11 880, with a no-break space."""
    return f"{value:,}".replace(",", "\u00a0")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        swedish_date=swedish_date,
        paragraphs=paragraphs,
        decimal=decimal,
        thousands=thousands,
    )
    app.jinja_env.globals.update(vocab=vocab, label=vocab.label)

"""Jinja filters and globals shared by every template."""

from datetime import datetime

from flask import Flask
from markupsafe import Markup, escape

from kb import static_files, swedish, urls, vocab
from kb.dates import stockholm


def swedish_date(value: datetime | None) -> str:
    return swedish.date(value)


WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def swedish_datetime(value: datetime | None) -> str:
    """A local date and time the Swedish way: "torsdag 18 mars 2027 kl. 09.30"."""
    if value is None:
        return "–"
    return f"{WEEKDAYS[value.weekday()]} {swedish_date(value)} kl. {value:%H.%M}"


def paragraphs(text: str | None) -> Markup:
    """User text escaped, with its line breaks kept: never rendered as HTML."""
    if not text:
        return Markup("")
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        swedish_date=swedish_date,
        swedish_datetime=swedish_datetime,
        stockholm=stockholm,
        paragraphs=paragraphs,
        decimal=swedish.decimal,
        thousands=swedish.thousands,
        plural=swedish.plural,
    )
    app.jinja_env.globals.update(vocab=vocab, label=vocab.label)
    static_files.register(app)
    urls.register(app)

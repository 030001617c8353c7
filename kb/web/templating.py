"""Jinja filters and globals shared by every template."""

import functools

from flask import Flask
from markupsafe import Markup, escape
from werkzeug.local import LocalProxy

from kb.access import policy
from kb.core import swedish, text, vocab
from kb.core.dates import stockholm
from kb.web import common, static_files, urls


def paragraphs(text: str | None) -> Markup:
    """User text escaped, with its line breaks kept: never rendered as HTML."""
    if not text:
        return Markup("")
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )


# Highlighted titles and snippets made HTML, by their text and spans: kb.search keeps
# the snippets of recent searches (kb.search.snippets), and a page of them seen
# before is not escaped again.
MARKED_KEPT = 8192


def marked(highlighted) -> Markup:
    """A highlighted text (kb.search.Highlighted: a title or snippet with the spans of
    the words a search matched) as HTML: escaped, each match in <mark>."""
    if not highlighted:
        return Markup("")
    return _marked(highlighted)


@functools.lru_cache(maxsize=MARKED_KEPT)  # by text and spans; thread-safe
def _marked(highlighted) -> Markup:
    text = highlighted.text
    html = []
    last = 0
    for start, end in highlighted.spans:
        html += (escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>")
        last = end
    html.append(escape(text[last:]))
    return Markup("".join(html))


def _viewer() -> policy.Viewer:
    return policy.Viewer(common.audience())


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        swedish_date=swedish.date,
        swedish_datetime=swedish.date_and_time,
        swedish_time=swedish.clock,
        stockholm=stockholm,
        paragraphs=paragraphs,
        marked=marked,
        decimal=swedish.decimal,
        thousands=swedish.thousands,
        plural=swedish.plural,
        # A name or title on one line, without control characters (kb.core.text): what
        # mail text puts on a line of its own.
        one_line=text.single_line,
    )
    app.jinja_env.globals.update(vocab=vocab, label=vocab.label)
    # What the one looking may do anywhere (kb.access.policy.Viewer), worked out when a
    # template first asks: templates test its flags, never roles or authors themselves.
    app.jinja_env.globals["viewer"] = LocalProxy(_viewer)
    static_files.register(app)
    urls.register(app)

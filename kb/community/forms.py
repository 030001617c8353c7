"""Members helping each other: questions and answers, reports, proposing a system."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from kb.community.comments import BODY_MAX
from kb.core.swedish import thousands
from kb.web.forms import REQUIRED, SingleLine, SwedishForm, stripped


class CommentForm(SwedishForm):
    body = TextAreaField(
        "Din fråga eller ditt svar",
        filters=[stripped],
        validators=[DataRequired("Skriv din fråga eller ditt svar innan du skickar."),
                    Length(max=BODY_MAX, message=f"Högst {thousands(BODY_MAX)} tecken.")],
    )


class HideCommentForm(SwedishForm):
    reason = TextAreaField(
        "Skäl (sparas i granskningsloggen)",
        filters=[stripped],
        validators=[
            DataRequired("Skriv varför kommentaren döljs. Skälet sparas i granskningsloggen."),
            Length(max=1000, message="Högst 1 000 tecken."),
        ],
    )


class FlagForm(SwedishForm):
    reason = TextAreaField(
        "Varför anmäler du erfarenheten?",
        validators=[
            DataRequired("Beskriv varför du anmäler erfarenheten."),
            Length(max=1000, message="Högst 1000 tecken."),
        ],
    )


class ProposeSystemForm(SwedishForm):
    name = StringField("Systemets namn", validators=[
        DataRequired(REQUIRED), Length(max=120, message="Högst 120 tecken."), SingleLine()])
    vendor = StringField("Leverantör", validators=[
        Optional(), Length(max=120, message="Högst 120 tecken."), SingleLine()])
    website = StringField("Webbplats (valfritt)", validators=[
        Optional(), Length(max=255, message="Högst 255 tecken."), SingleLine()])

    def validate_website(self, field):
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError("Ange en adress som börjar med https://.")

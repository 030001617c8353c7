"""Forms of networks: starting and changing one, invites, meetings, answers, questions."""

from __future__ import annotations

from datetime import datetime, time

from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from kb.core import vocab
from kb.networks.invitations import ADDRESSES_PER_FORM
from kb.web.forms import (
    CHOOSE,
    REQUIRED,
    TEXT_MAX,
    CheckboxesField,
    PlainText,
    SingleLine,
    SwedishForm,
    stripped,
)


class _Parsed:
    """A date or time field whose unreadable input says how to write it."""

    bad_input = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.bad_input) from error


class SwedishDateField(_Parsed, DateField):
    bad_input = "Ange ett datum som år-månad-dag, t.ex. 2027-03-18."


class SwedishTimeField(_Parsed, TimeField):
    bad_input = "Ange en tid som timmar:minuter, t.ex. 09:30."


class NetworkForm(SwedishForm):
    name = StringField("Nätverkets namn", filters=[stripped], validators=[
        DataRequired(REQUIRED), Length(min=3, max=120, message="Namnet ska ha 3–120 tecken."),
        SingleLine()])
    kind = RadioField("Vilka är nätverket för?", choices=list(vocab.NETWORK_KINDS.items()),
                      validators=[InputRequired(CHOOSE)])
    region = StringField("Region (valfritt)", filters=[stripped],
                         description="T.ex. Skåne, Västra Götaland eller Hela Sverige.",
                         validators=[Optional(), Length(max=60, message="Högst 60 tecken."),
                                     SingleLine()])
    description = TextAreaField(
        "Beskrivning", description="Vad ni gör tillsammans och hur ofta ni träffas.",
        validators=[Optional(), Length(max=TEXT_MAX, message=f"Högst {TEXT_MAX} tecken.")])
    access = RadioField("Hur blir man medlem?", choices=list(vocab.NETWORK_ACCESS.items()),
                        default="open", validators=[InputRequired(CHOOSE)])
    auto_approve = BooleanField("Släpp in den som ansöker direkt, utan att en ledare "
                                "godkänner (gäller öppna nätverk)")

    FIELDS = ("name", "kind", "region", "description", "access", "auto_approve")

    def values(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class InviteLinkForm(SwedishForm):
    note = StringField("Vem är länken till? (valfritt, syns bara för ledarna)",
                       filters=[stripped],
                       validators=[Optional(), Length(max=200, message="Högst 200 tecken."),
                                   SingleLine()])


class EmailInvitationForm(SwedishForm):
    """Addresses to invite, pasted as they come (kb.networks.addresses reads them)."""

    addresses = TextAreaField(
        "E-postadresser",
        description="En per rad, eller åtskilda med semikolon eller komma – som när du "
                    "kopierar mottagare i Outlook, t.ex. Anna Svensson <anna@boras.se>; "
                    f"erik@kungalv.se. Högst {ADDRESSES_PER_FORM} åt gången.",
        filters=[stripped],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
        validators=[DataRequired("Klistra in minst en e-postadress."),
                    Length(max=20000, message="Högst 20 000 tecken – dela upp listan.")])


class CloseNetworkForm(SwedishForm):
    reason = TextAreaField("Motivering", filters=[stripped], validators=[
        DataRequired("Skriv varför nätverket stängs; det sparas i loggen."),
        Length(max=1000, message="Högst 1000 tecken.")])


class MeetingForm(SwedishForm):
    """A meeting; date and times are Swedish local time (Europe/Stockholm)."""

    title = StringField("Rubrik", filters=[stripped], validators=[
        DataRequired(REQUIRED), Length(min=3, max=150, message="Rubriken ska ha 3–150 tecken."),
        SingleLine()])
    day = SwedishDateField("Datum", validators=[
        InputRequired("Ange ett datum, t.ex. 2027-03-18.")])
    start = SwedishTimeField("Börjar (svensk tid)",
                             validators=[InputRequired("Ange en tid, t.ex. 09:30.")])
    end = SwedishTimeField("Slutar (svensk tid)",
                           validators=[InputRequired("Ange en tid, t.ex. 11:00.")])
    mode = RadioField("Var ses ni?", choices=list(vocab.MEETING_MODES.items()),
                      validators=[InputRequired(CHOOSE)])
    address = TextAreaField("Adress (för fysiska möten)", filters=[stripped],
                            validators=[Optional(), Length(max=500, message="Högst 500 tecken."),
                                        PlainText()])
    meeting_url = StringField(
        "Möteslänk (för digitala möten)", filters=[stripped],
        description="Visas bara för nätverkets medlemmar.",
        validators=[Optional(), Length(max=500, message="Högst 500 tecken."), SingleLine(),
                    URL(require_tld=False, message="Ange en fullständig länk, t.ex. "
                        "https://teams.microsoft.com/…")])
    agenda = TextAreaField("Dagordning", filters=[stripped], validators=[
        Optional(), Length(max=TEXT_MAX, message=f"Högst {TEXT_MAX} tecken.")])
    topics = StringField("Ämnen (valfritt)", filters=[stripped],
                         description="T.ex. semesterberäkning, AGI, kollektivavtal.",
                         validators=[Optional(), Length(max=300, message="Högst 300 tecken."),
                                     SingleLine()])
    system_ids = CheckboxesField("Lönesystem mötet handlar om (valfritt)", coerce=int,
                                 validators=[Optional()])

    FIELDS = ("title", "mode", "address", "meeting_url", "agenda", "topics")

    def __init__(self, *args, systems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.system_ids.choices = [(s.id, s.name) for s in systems]

    def validate_end(self, field):
        if field.data and self.start.data and field.data <= self.start.data:
            raise ValidationError("Mötet måste sluta efter att det börjar.")

    def validate_meeting_url(self, field):
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Länken ska börja med https://.")

    def validate(self, extra_validators=None) -> bool:
        # An empty optional field stops its own validators, so where-to-meet is checked here.
        valid = super().validate(extra_validators)
        if self.mode.data in ("physical", "both") and not self.address.data:
            self.address.errors.append("Ange en adress för ett fysiskt möte.")
            valid = False
        if self.mode.data in ("digital", "both") and not self.meeting_url.data:
            self.meeting_url.errors.append("Ange en möteslänk för ett digitalt möte.")
            valid = False
        return valid

    def values(self) -> dict:
        values = {name: self[name].data for name in self.FIELDS}
        values.update(day=self.day.data, start=self.start.data, end=self.end.data,
                      system_ids=list(self.system_ids.data or ()))
        return values

    def fill(self, meeting, local_start: datetime, local_end: datetime) -> None:
        """Show a stored meeting (times already in Swedish local time)."""
        for name in self.FIELDS:
            self[name].data = getattr(meeting, name)
        self.day.data = local_start.date()
        self.start.data = time(local_start.hour, local_start.minute)
        self.end.data = time(local_end.hour, local_end.minute)
        self.system_ids.data = [system.id for system in meeting.systems]


class MeetingAnswerForm(SwedishForm):
    answer = RadioField("Kommer du?", choices=list(vocab.MEETING_ANSWERS.items()),
                        validators=[InputRequired(CHOOSE)])
    attendance = RadioField("Hur deltar du?", choices=list(vocab.MEETING_ATTENDANCE.items()),
                            validators=[Optional()])


class MeetingNotesForm(SwedishForm):
    notes = TextAreaField("Anteckningar från mötet", filters=[stripped], validators=[
        Optional(), Length(max=20000, message="Högst 20 000 tecken.")])
    experience_ids = CheckboxesField("Erfarenheter som diskuterades", coerce=int,
                                     validators=[Optional()])
    question_ids = CheckboxesField("Frågor som diskuterades", coerce=int,
                                   validators=[Optional()])

    def __init__(self, *args, experiences=(), questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.experience_ids.choices = [(e.id, f"{e.title} ({e.system.name})")
                                       for e in experiences]
        self.question_ids.choices = [(q.id, q.title) for q in questions]


class NetworkQuestionForm(SwedishForm):
    title = StringField("Din fråga", filters=[stripped],
                        description="T.ex. Hur har ni löst semesterberäkningen för "
                                    "timanställda i Heroma?",
                        validators=[DataRequired(REQUIRED), Length(
                            min=10, max=200, message="Frågan ska ha 10–200 tecken."),
                                    SingleLine()])
    body = TextAreaField("Mer om frågan (valfritt)", filters=[stripped], validators=[
        Optional(), Length(max=TEXT_MAX, message=f"Högst {TEXT_MAX} tecken.")])


class NetworkAnswerForm(SwedishForm):
    body = TextAreaField("Ditt svar", filters=[stripped], validators=[
        DataRequired(REQUIRED), Length(max=TEXT_MAX, message=f"Högst {TEXT_MAX} tecken.")])

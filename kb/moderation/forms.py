"""Moderators' and admins' forms: decisions with a reason, merges, roles, invites, audit filters."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from kb.core import vocab
from kb.web.forms import (
    CHOOSE,
    REQUIRED,
    SwedishForm,
    SwedishQueryForm,
    WholeNumberField,
    optional_int,
)


class ReasonForm(SwedishForm):
    """A moderator's decision, with a reason that the author sees."""

    reason = TextAreaField(
        "Motivering",
        validators=[Optional(), Length(max=1000, message="Högst 1 000 tecken.")],
    )


class MergeForm(ReasonForm):
    target_id = SelectField("Slå ihop med", coerce=optional_int,
                            validators=[InputRequired(CHOOSE)])


class RoleForm(ReasonForm):
    site_role = SelectField("Roll", choices=list(vocab.SITE_ROLES.items()),
                            validators=[InputRequired(CHOOSE)])


class DomainForm(ReasonForm):
    """An organisation's e-mail domain, set by a moderator (empty removes it)."""

    email_domain = StringField(
        "E-postdomän", description="Till exempel kungalv.se. Tomt tar bort domänen.",
        validators=[Optional(), Length(max=253, message="Högst 253 tecken.")])


class InviteForm(SwedishForm):
    valid_days = WholeNumberField(
        "Giltig i antal dagar", default=14,
        validators=[InputRequired(REQUIRED), NumberRange(1, 365, "Ange 1–365 dagar.")],
    )
    note = StringField("Anteckning (t.ex. vem koden är till)", validators=[
        Optional(), Length(max=200, message="Högst 200 tecken.")])


class AuditFilterForm(SwedishQueryForm):
    """Filters for the audit log, read from the query string."""

    action = SelectField("Åtgärd", validators=[Optional()])
    actor = StringField("Utförd av (e-post)", validators=[Optional(), Length(max=254)])
    object_type = SelectField("Typ", validators=[Optional()], choices=[
        ("", "Alla typer"), ("experience", "Erfarenhet"), ("payroll_system", "Lönesystem"),
        ("user_account", "Användare"), ("comment", "Kommentar"), ("invite_code", "Inbjudan"),
        ("network", "Nätverk"), ("network_membership", "Nätverksmedlemskap"),
        ("network_invite", "Inbjudningslänk till nätverk"),
        ("survey_import", "Importerad enkät"), ("organisation", "Organisation"),
    ])

"""Forms for bringing a network's survey into kb: the upload, the leader's mapping of
columns and unknown systems, and the confirmation."""

from __future__ import annotations

import hashlib

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField

from kb import vocab
from kb.forms.base import CHOOSE, SwedishForm, choices
from kb.survey import columns, values
from kb.survey.importing import VISIBILITIES
from kb.survey.mapping import PROPOSE, Mapping

NO_COLUMN = "Ingen kolumn"


class SurveyUploadForm(SwedishForm):
    file = FileField(
        "Enkätens fil", validators=[FileRequired("Välj en fil att ladda upp.")],
        description="CSV (semikolon, komma eller tabb; UTF-8 eller Windows-1252 som Excel "
                    "sparar) eller Excel (.xlsx), högst 5 MB och 5 000 rader. Första raden "
                    "med text ska vara rubriker.")


class SurveyConfirmForm(SwedishForm):
    visibility = RadioField("Vilka ska se svaren?", choices=list(VISIBILITIES.items()),
                            default="networks", validate_choice=True)
    token = HiddenField()


def unknown_field_name(system_key: str) -> str:
    """A stable field name for an unknown system name, whatever else the sheet holds."""
    return "system_" + hashlib.sha1(system_key.encode()).hexdigest()[:12]


class SurveyMappingForm(SwedishForm):
    """Fields added per sheet by mapping_form()."""

    scale = SelectField("Skala för nöjdhet", choices=list(values.SCALES.items()),
                        default=values.AUTO)
    sector = SelectField("Sektor för rader utan sektor",
                         choices=choices(vocab.SECTORS, "Ingen – sådana rader importeras inte"))
    size = SelectField("Storlek för rader utan storlek",
                       choices=choices(vocab.SIZE_BANDS, "Ingen – sådana rader importeras inte"))
    role = SelectField("De svarandes roll", choices=choices(vocab.PROFESSIONAL_ROLES, CHOOSE),
                       description="Vilken roll de som svarade på enkäten har (för jämförbara "
                                   "siffror).")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        used: dict[str, str] = {}
        for name in columns.FIELDS:
            field = self[f"column_{name}"]
            if field.data:
                if field.data in used:
                    field.errors.append(f"Samma kolumn som för {columns.FIELDS[used[field.data]]}.")
                    valid = False
                used[field.data] = name
            elif name in columns.REQUIRED:
                field.errors.append(f"Välj kolumnen för {columns.FIELDS[name].lower()}.")
                valid = False
        if not self.role.data:
            self.role.errors.append("Välj vilken roll de svarande har.")
            valid = False
        return valid

    def mapping(self, unknown_keys) -> Mapping:
        found = Mapping(scale=self.scale.data, sector=self.sector.data or "",
                        size=self.size.data or "", role=self.role.data or "")
        for name in columns.FIELDS:
            data = self[f"column_{name}"].data
            found.columns[name] = int(data) if data else None
        for system_key in unknown_keys:
            field = self._fields.get(unknown_field_name(system_key))
            if field is not None and field.data:
                found.systems[system_key] = field.data
        return found


def mapping_form(headers: list[str], unknown, systems, mapping: Mapping, formdata=None):
    """The mapping form for a sheet: a column choice per field, and a system choice per
    unknown system name, filled from `mapping` (the posted data wins when given)."""

    class Form(SurveyMappingForm):
        pass

    column_choices = [("", NO_COLUMN)] + [(str(i), header) for i, header in enumerate(headers)]
    for name, text in columns.FIELDS.items():
        setattr(Form, f"column_{name}", SelectField(
            text, choices=column_choices,
            default=str(mapping.column(name)) if mapping.column(name) is not None else ""))
    system_choices = [("", "Välj system"), (PROPOSE, "Föreslå som nytt system")] + [
        (str(system.id), system.name) for system in systems]
    for entry in unknown:
        rows = ", ".join(str(n) for n in entry.rows[:8]) + (" …" if len(entry.rows) > 8 else "")
        setattr(Form, unknown_field_name(entry.key), SelectField(
            f"”{values.shown(entry.written)}”", choices=system_choices,
            default=mapping.systems.get(entry.key, ""), description=f"Rad {rows}"))
    data = {"scale": mapping.scale, "sector": mapping.sector, "size": mapping.size,
            "role": mapping.role}
    return Form(formdata=formdata, data=None if formdata else data)

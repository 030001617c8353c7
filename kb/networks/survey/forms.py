"""Forms for bringing a network's survey into kb: the upload, the leader's mapping of
columns and unknown systems, and the confirmation."""

from __future__ import annotations

import hashlib

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField

from kb.core import vocab
from kb.networks.survey import columns, values
from kb.networks.survey.importing import NEEDS_CONFIRMED, VISIBILITIES
from kb.networks.survey.mapping import (
    FROM_COLUMN,
    FROM_ORGANISATIONS,
    KEEP_UNKNOWN,
    PROPOSE,
    Mapping,
)
from kb.web.forms import CHOOSE, SwedishForm, choices

NO_COLUMN = "Ingen kolumn"
FILL_HINT = ("En rad utan sektor eller storlek importeras med den okänd och räknas i alla "
             "siffror utom dem som gäller en viss sektor eller storlek. ”Samma för alla” "
             "passar bara när det stämmer för varje sådan organisation – annars blir kb:s "
             "siffror fel.")


def fill_choices(vocabulary: dict, headers: list[str], noun: str) -> list[tuple[str, str]]:
    """Where rows without their own sector (size) take it from: nowhere (the default:
    unknown), kb's organisations, a column of the sheet, or – explicitly – one value for
    all (kb.networks.survey.mapping)."""
    return ([(KEEP_UNKNOWN, f"Importera med okänd {noun} (förvalt)"),
             (FROM_ORGANISATIONS, f"Hämta {noun} från kb:s organisationer när kb känner "
                                  "organisationen")]
            + [(f"{FROM_COLUMN}{i}", f"Från kolumnen ”{values.shown(header)}”")
               for i, header in enumerate(headers)]
            + [(code, f"Samma för alla rader utan {noun}: {label} (kontrollera att det "
                      "stämmer)")
               for code, label in vocabulary.items()])


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

    def shown_to(self, leader) -> SurveyConfirmForm:
        """The choices this leader has: sharing beyond the network needs a confirmed
        address (kb.networks.survey.importing refuses it too)."""
        if not leader.is_confirmed:
            self.visibility.choices = [("networks", VISIBILITIES["networks"])]
            if NEEDS_CONFIRMED not in self.visibility.errors:
                self.visibility.description = NEEDS_CONFIRMED
        return self


def unknown_field_name(system_key: str) -> str:
    """A stable field name for an unknown system name, whatever else the sheet holds."""
    return "system_" + hashlib.sha1(system_key.encode()).hexdigest()[:12]


class SurveyMappingForm(SwedishForm):
    """Fields added per sheet by mapping_form()."""

    scale = SelectField("Skala för nöjdhet", choices=list(values.SCALES.items()),
                        default=values.AUTO)
    # sector and size (where rows without their own take them from): per sheet, in
    # mapping_form().
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

    Form.sector = SelectField("Rader utan egen sektor", description=FILL_HINT,
                              choices=fill_choices(vocab.SECTORS, headers, "sektor"))
    Form.size = SelectField("Rader utan egen storlek", description=FILL_HINT,
                            choices=fill_choices(vocab.SIZE_BANDS, headers, "storlek"))

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

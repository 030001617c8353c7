"""What every row of a sheet becomes under a mapping, and what is wrong with it.

Nothing is written here: the preview is computed again from the stored file each time,
and confirming (kb.survey.importing) writes exactly what the preview shows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb import vocab
from kb.extensions import db
from kb.models import Experience, Network, PayrollSystem, SurveyAnswer
from kb.survey import values
from kb.survey.mapping import PROPOSE, Mapping
from kb.survey.matching import Catalogue
from kb.survey.reading import Sheet

NEW, CHANGED, UNCHANGED, CLAIMED, BROKEN = "new", "changed", "unchanged", "claimed", "broken"
STATUSES = {
    NEW: "Ny",
    CHANGED: "Uppdateras",
    UNCHANGED: "Oförändrad",
    CLAIMED: "Övertagen av en medlem – ändras inte",
    BROKEN: "Importeras inte",
}
CONSIDERING_NOTE = "Funderar på att byta lönesystem."


@dataclass
class Row:
    """One data row of the sheet and what it becomes."""

    number: int
    organisation: str = ""
    system_written: str = ""
    system: PayrollSystem | None = None
    proposed: str = ""  # a new system the leader proposes under this name
    satisfaction: int | None = None
    recommend: int | None = None
    in_use_since: int | None = None
    sector: str | None = None
    size_band: str | None = None
    employees_paid: int | None = None
    considering: bool = False
    considering_system: PayrollSystem | None = None
    considering_proposed: str = ""
    comment: str = ""
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: str = NEW
    changes: list[str] = field(default_factory=list)
    answer: SurveyAnswer | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def system_name(self) -> str:
        if self.system is not None:
            return self.system.name
        return f"{self.proposed} (föreslås som nytt system)" if self.proposed else ""

    @property
    def body(self) -> str:
        parts = [self.comment] if self.comment else []
        if self.considering and self.considering_system is None and not self.considering_proposed:
            parts.append(CONSIDERING_NOTE)
        return "\n\n".join(parts)


@dataclass
class Unknown:
    """A system name the catalogue does not know, with the rows that write it."""

    written: str
    key: str
    rows: list[int] = field(default_factory=list)
    choice: str = ""


@dataclass
class Preview:
    rows: list[Row]
    unknown: list[Unknown]
    scale: str  # the satisfaction scale used (values.FIVE or values.TEN)
    token: str  # names the file and mapping the preview was made from

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def broken(self) -> list[Row]:
        return [row for row in self.rows if row.status == BROKEN]

    @property
    def to_write(self) -> int:
        return self.count(NEW) + self.count(CHANGED)


def token(content_sha256: str, mapping: Mapping) -> str:
    return hashlib.sha256(f"{content_sha256}\n{mapping.to_json()}".encode()).hexdigest()[:32]


def answers_of(network: Network) -> dict[str, SurveyAnswer]:
    found = db.session.scalars(
        select(SurveyAnswer).options(joinedload(SurveyAnswer.experience))
        .where(SurveyAnswer.network_id == network.id))
    return {answer.organisation_key: answer for answer in found}


def build(sheet: Sheet, mapping: Mapping, network: Network, sha256: str,
          systems: Catalogue | None = None) -> Preview:
    systems = systems or Catalogue()
    scale_column = mapping.column("satisfaction")
    scale = values.scale_of((cells[scale_column] for _n, cells in sheet.rows)
                            if scale_column is not None else (), mapping.scale)
    unknown: dict[str, Unknown] = {}
    existing = answers_of(network)
    seen: dict[str, int] = {}
    rows = []
    for number, cells in sheet.rows:
        row = _row(number, cells, mapping, scale, systems, unknown)
        organisation_key = values.key(row.organisation)
        if organisation_key and organisation_key in seen:
            row.errors.append(f"Samma organisation som på rad {seen[organisation_key]}.")
        elif organisation_key:
            seen[organisation_key] = number
        _status(row, existing.get(organisation_key), mapping)
        rows.append(row)
    return Preview(rows, sorted(unknown.values(), key=lambda u: u.written.lower()), scale,
                   token(sha256, mapping))


def _cell(cells: list[str], mapping: Mapping, name: str) -> str:
    position = mapping.column(name)
    return cells[position] if position is not None else ""


def _system(written: str, mapping: Mapping, systems: Catalogue, unknown: dict, number: int):
    """(system, proposed name) for a written name; unknown names are collected."""
    found = systems.find(written)
    if found is not None:
        return found, ""
    folded = values.key(written)
    entry = unknown.setdefault(folded, Unknown(written, folded, choice=mapping.systems.get(
        folded, "")))
    entry.rows.append(number)
    if entry.choice == PROPOSE:
        return None, written.strip()
    chosen = systems.by_id.get(int(entry.choice)) if entry.choice.isdigit() else None
    return chosen, ""


def _row(number: int, cells: list[str], mapping: Mapping, scale: str, systems: Catalogue,
         unknown: dict) -> Row:
    row = Row(number)
    row.organisation = _cell(cells, mapping, "organisation")[:200]
    if not row.organisation:
        row.errors.append("Organisation saknas.")
    row.system_written = _cell(cells, mapping, "system")
    if not row.system_written:
        row.errors.append("Lönesystem saknas.")
    else:
        row.system, row.proposed = _system(row.system_written, mapping, systems, unknown,
                                           number)
        if row.system is None and not row.proposed:
            row.errors.append(f"Okänt lönesystem ”{values.shown(row.system_written)}” – välj "
                              "vilket system det är under Okända system.")
    written = _cell(cells, mapping, "satisfaction")
    try:
        if not written:
            raise values.CellError("Nöjdhet saknas.")
        row.satisfaction, rule = values.satisfaction(written, scale)
        if rule:
            row.notes.append(f"Nöjdhet {rule}")
        row.recommend = values.recommend(_cell(cells, mapping, "recommend"))
    except values.CellError as error:
        row.errors.append(str(error))
    for reader in (_year, _sector, _size, _considering):
        try:
            reader(row, cells, mapping, systems, unknown)
        except values.CellError as error:
            row.errors.append(str(error))
    row.comment = _cell(cells, mapping, "comment")
    return row


def _year(row, cells, mapping, _systems, _unknown) -> None:
    row.in_use_since = values.year(_cell(cells, mapping, "in_use_since"))


def _sector(row, cells, mapping, _systems, _unknown) -> None:
    row.sector = values.sector(_cell(cells, mapping, "sector")) or mapping.sector or None
    if row.sector is None:
        raise values.CellError("Sektor saknas – välj en sektor för rader utan sektor.")


def _size(row, cells, mapping, _systems, _unknown) -> None:
    row.size_band, row.employees_paid = values.size(_cell(cells, mapping, "size"))
    row.size_band = row.size_band or mapping.size or None
    if row.size_band is None:
        raise values.CellError("Storlek saknas – välj en storlek för rader utan storlek.")


def _considering(row, cells, mapping, systems, unknown) -> None:
    row.considering, named = values.considering(_cell(cells, mapping, "considering"))
    if named:
        row.considering_system, row.considering_proposed = _system(
            named, mapping, systems, unknown, row.number)
        if row.considering_system is None and not row.considering_proposed:
            row.notes.append(f"Byte till ”{values.shown(named)}”: okänt system, sparas som "
                             "att de funderar på att byta.")


def written_values(row: Row, mapping: Mapping) -> dict:
    """The experience columns a row writes (and compares to tell an unchanged answer);
    a system still to be proposed has no id yet."""
    return {
        "system_id": row.system.id if row.system is not None else None,
        "sector": row.sector, "size_band": row.size_band, "employees_paid": row.employees_paid,
        "reviewer_role": mapping.role, "in_use_since": row.in_use_since,
        "satisfaction": row.satisfaction, "recommend": row.recommend,
        "considering_switch_to_id": row.considering_system.id
        if row.considering_system is not None else None,
        "body": row.body, "usage_status": "current",
    }


def _status(row: Row, answer: SurveyAnswer | None, mapping: Mapping) -> None:
    if not mapping.role:
        row.errors.append("Välj vilken roll de svarande har.")
    if row.errors:
        row.status = BROKEN
        return
    row.answer = answer
    experience = answer.experience if answer is not None else None
    if answer is not None and answer.is_claimed:
        row.status = CLAIMED
        return
    if experience is None:
        row.status = NEW
        return
    row.changes = describe_changes(experience, written_values(row, mapping), row)
    row.status = CHANGED if row.changes else UNCHANGED


LABELS = {"sector": "Sektor", "size_band": "Storlek", "employees_paid": "Anställda",
          "reviewer_role": "Roll", "in_use_since": "I bruk sedan",
          "satisfaction": "Nöjdhet", "recommend": "Rekommendation",
          "considering_switch_to_id": "Funderar på att byta till", "body": "Kommentar",
          "usage_status": "Användning"}
VOCABULARIES = {"sector": vocab.SECTORS, "size_band": vocab.SIZE_BANDS,
                "reviewer_role": vocab.PROFESSIONAL_ROLES, "usage_status": vocab.USAGE_STATUSES}


def describe_changes(experience: Experience, written: dict, row: Row) -> list[str]:
    """What a row changes in the organisation's current answer, in Swedish."""
    if row.proposed or written["system_id"] != experience.system_id:
        return [f"Byter system: {experience.system.name} → {row.system_name} (det tidigare "
                "svaret sparas som tidigare system)"]
    found = []
    for name, value in written.items():
        before = getattr(experience, name)
        if name == "system_id" or before == value:
            continue
        if name == "considering_switch_to_id":
            before = experience.considering_switch_to.name \
                if experience.considering_switch_to else "–"
            value = row.considering_system.name if row.considering_system else "–"
        elif name == "body":
            found.append("Kommentar ändras")
            continue
        elif name in VOCABULARIES:
            before, value = (vocab.label(VOCABULARIES[name], before),
                             vocab.label(VOCABULARIES[name], value))
        found.append(f"{LABELS[name]}: {'–' if before is None else before} → "
                     f"{'–' if value is None else value}")
    return found

"""What every row of a sheet becomes under a mapping, and what is wrong with it.

Nothing is written here: the preview is computed again from the rows kept of the file
each time, and confirming (kb.survey.importing) writes exactly what the preview shows.

Sector and size are optional: a row whose own cell gives none takes it from where the
leader chose (kb.networks.survey.mapping: kb's organisations, another column, or one
value for all), from the organisation's earlier answer in the network, or imports
with it unknown ("okänd"). The preview counts the rows without their own sector and
size, and how many of them kb's organisations could fill.

Each optional column is read by one of READERS (a reader sets the row's values or
raises values.CellError); a new column is a field in kb.networks.survey.columns and a
reader here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb.core import parsing, vocab
from kb.extensions import db
from kb.models import Experience, Network, PayrollSystem, SurveyAnswer
from kb.networks.survey import organisations as known_organisations
from kb.networks.survey import values
from kb.networks.survey.mapping import FROM_ORGANISATIONS, PROPOSE, Mapping, fill_column
from kb.networks.survey.matching import Catalogue
from kb.networks.survey.organisations import Known
from kb.networks.survey.reading import Sheet

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
    contract_end_year: int | None = None  # kb.procurement: when the contract ends
    sector: str | None = None  # None: unknown ("okänd")
    size_band: str | None = None
    employees_paid: int | None = None
    # The row's own cell gave no sector (size); what kb's organisations know of the
    # organisation it names (offered to the leader as a fill).
    sector_missing: bool = False
    size_missing: bool = False
    known_sector: str | None = None
    known_size: str | None = None
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

    @property
    def missing_sector(self) -> int:
        """Rows whose own cell gives no sector."""
        return sum(1 for row in self.rows if row.sector_missing)

    @property
    def missing_size(self) -> int:
        return sum(1 for row in self.rows if row.size_missing)

    @property
    def sector_from_organisations(self) -> int:
        """Rows without their own sector that kb's organisations know one for."""
        return sum(1 for row in self.rows if row.sector_missing and row.known_sector)

    @property
    def size_from_organisations(self) -> int:
        return sum(1 for row in self.rows if row.size_missing and row.known_size)

    @property
    def unknown_sector(self) -> int:
        """Rows that import with their sector unknown ("okänd")."""
        return sum(1 for row in self.rows if row.status != BROKEN and row.sector is None)

    @property
    def unknown_size(self) -> int:
        return sum(1 for row in self.rows if row.status != BROKEN and row.size_band is None)


def token(content_sha256: str, mapping: Mapping) -> str:
    return hashlib.sha256(f"{content_sha256}\n{mapping.to_json()}".encode()).hexdigest()[:32]


def answers_of(network: Network) -> dict[str, SurveyAnswer]:
    found = db.session.scalars(
        select(SurveyAnswer).options(joinedload(SurveyAnswer.experience))
        .where(SurveyAnswer.network_id == network.id))
    return {answer.organisation_key: answer for answer in found}


def build(sheet: Sheet, mapping: Mapping, network: Network, sha256: str,
          systems: Catalogue | None = None,
          organisations: dict[str, Known] | None = None) -> Preview:
    systems = systems or Catalogue(network_id=network.id)
    known = organisations if organisations is not None else known_organisations.known()
    scale_column = mapping.column("satisfaction")
    scale = values.scale_of((cells[scale_column] for _n, cells in sheet.rows)
                            if scale_column is not None else (), mapping.scale)
    unknown: dict[str, Unknown] = {}
    existing = answers_of(network)
    seen: dict[str, int] = {}
    rows = []
    for number, cells in sheet.rows:
        row = _row(number, cells, mapping, scale, systems, unknown)
        _segment(row, cells, mapping, sheet.headers, known)
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
    chosen = systems.by_id.get(parsing.as_id(entry.choice))
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
    for reader in READERS:
        try:
            reader(row, cells, mapping, systems, unknown)
        except values.CellError as error:
            row.errors.append(str(error))
    row.comment = _cell(cells, mapping, "comment")
    return row


def _year(row, cells, mapping, _systems, _unknown) -> None:
    row.in_use_since = values.year(_cell(cells, mapping, "in_use_since"))


def _contract_end(row, cells, mapping, _systems, _unknown) -> None:
    row.contract_end_year = values.contract_end(_cell(cells, mapping, "contract_end"))


def _sector(row, cells, mapping, _systems, _unknown) -> None:
    written = _cell(cells, mapping, "sector")
    row.sector_missing = not written
    row.sector = values.sector(written)


def _size(row, cells, mapping, _systems, _unknown) -> None:
    written = _cell(cells, mapping, "size")
    row.size_missing = not written
    row.size_band, row.employees_paid = values.size(written)


def _considering(row, cells, mapping, systems, unknown) -> None:
    row.considering, named = values.considering(_cell(cells, mapping, "considering"))
    if named:
        row.considering_system, row.considering_proposed = _system(
            named, mapping, systems, unknown, row.number)
        if row.considering_system is None and not row.considering_proposed:
            row.notes.append(f"Byte till ”{values.shown(named)}”: okänt system, sparas som "
                             "att de funderar på att byta.")


# (field, the Row's attribute, how a cell is read, its label, the vocabulary)
SEGMENT = (("sector", "sector", values.sector, "Sektor", vocab.SECTORS),
           ("size", "size_band", lambda text: values.size(text)[0], "Storlek",
            vocab.SIZE_BANDS))


def _segment(row: Row, cells: list[str], mapping: Mapping, headers: list[str],
             known: dict[str, Known]) -> None:
    """A row without its own sector (size): what kb's organisations know of it, and the
    value from where the leader chose to fill it; else it stays unknown."""
    found = known.get(values.key(row.organisation)) if row.organisation else None
    row.known_sector = found.known_sector if found else None
    row.known_size = found.known_size if found else None
    for name, attribute, read, label, vocabulary in SEGMENT:
        if not getattr(row, f"{name}_missing") or getattr(row, attribute) is not None:
            continue
        choice = getattr(mapping, name)
        position = fill_column(choice)
        if choice == FROM_ORGANISATIONS:
            value = getattr(row, f"known_{name}")
            if value:
                setattr(row, attribute, value)
                row.notes.append(f"{label} från kb:s organisationer: "
                                 f"{vocab.label(vocabulary, value)}")
        elif position is not None and position < len(cells) and cells[position]:
            try:
                value = read(cells[position])
            except values.CellError as error:
                row.notes.append(f"{error} {label} blir {values.UNKNOWN_LABEL}.")
            else:
                setattr(row, attribute, value)
                row.notes.append(f"{label} från kolumnen ”{values.shown(headers[position])}”: "
                                 f"{vocab.label(vocabulary, value)}")
        elif choice in vocabulary:
            setattr(row, attribute, choice)
            row.notes.append(f"{label} satt för alla rader utan {label.lower()}: "
                             f"{vocab.label(vocabulary, choice)}")


def _earlier_segment(row: Row, experience: Experience) -> None:
    """A sector or size the row does not give keeps what the organisation's earlier
    answer in the network says: an unknown never overwrites a known one."""
    for _name, attribute, _read, label, vocabulary in SEGMENT:
        before = getattr(experience, attribute)
        if getattr(row, attribute) is None and before in vocabulary:
            setattr(row, attribute, before)
            row.notes.append(f"{label} från organisationens tidigare svar: "
                             f"{vocab.label(vocabulary, before)}")


READERS = (_year, _sector, _size, _considering, _contract_end)


def written_values(row: Row, mapping: Mapping) -> dict:
    """The experience columns a row writes (and compares to tell an unchanged answer);
    a system still to be proposed has no id yet."""
    return {
        "system_id": row.system.id if row.system is not None else None,
        "sector": row.sector or values.UNKNOWN, "size_band": row.size_band or values.UNKNOWN,
        "employees_paid": row.employees_paid,
        "reviewer_role": mapping.role, "in_use_since": row.in_use_since,
        "satisfaction": row.satisfaction, "recommend": row.recommend,
        "considering_switch_to_id": row.considering_system.id
        if row.considering_system is not None else None,
        "body": row.body, "usage_status": "current",
        # A sheet without the contract's end (or a blank cell) leaves it as it was.
        **({"contract_end_year": row.contract_end_year}
           if row.contract_end_year is not None else {}),
    }


def _status(row: Row, answer: SurveyAnswer | None, mapping: Mapping) -> None:
    if not mapping.role:
        row.errors.append("Välj vilken roll de svarande har.")
    if row.errors:
        row.status = BROKEN
        return
    row.answer = answer
    experience = answer.experience if answer is not None else None
    if answer is not None and (answer.is_claimed or (
            experience is not None and experience.author_id is not None)):
        row.status = CLAIMED  # a member's own experience: no sheet writes it
        return
    if experience is None:
        row.status = NEW
        return
    _earlier_segment(row, experience)
    row.changes = describe_changes(experience, written_values(row, mapping), row)
    row.status = CHANGED if row.changes else UNCHANGED


LABELS = {"sector": "Sektor", "size_band": "Storlek", "employees_paid": "Anställda",
          "reviewer_role": "Roll", "in_use_since": "I bruk sedan",
          "satisfaction": "Nöjdhet", "recommend": "Rekommendation",
          "considering_switch_to_id": "Funderar på att byta till", "body": "Kommentar",
          "usage_status": "Användning", "contract_end_year": "Avtalet löper ut"}
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
            missing = values.UNKNOWN_LABEL if name in ("sector", "size_band") else "–"
            before, value = (vocab.label(VOCABULARIES[name], before, missing),
                             vocab.label(VOCABULARIES[name], value, missing))
        found.append(f"{LABELS[name]}: {'–' if before is None else before} → "
                     f"{'–' if value is None else value}")
    return found

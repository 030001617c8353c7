"""The leader's mapping of a sheet: which column is which field, the satisfaction scale,
where rows without a sector or size take them from, the role of those who answered,
and what each unknown system name means. Kept as JSON on the upload
(SurveyImport.mapping), so it survives between requests.

A row whose own cell gives no sector (or size) imports with it unknown ("okänd"),
unless the leader chose to fill it (`sector`, `size`): from kb's organisations (the
known sector of the organisation the row names, FROM_ORGANISATIONS), from another
column of the sheet ("column:<position>"), or – an explicit choice the form warns
about, never the default – one value for every such row (a code of kb's vocabulary).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kb.core import vocab
from kb.networks.survey import columns, values
from kb.networks.survey.reading import Sheet

PROPOSE = "propose"  # an unknown system name the leader proposes as a new system
# Where a row without its own sector or size takes it from ("": nowhere, it is unknown).
KEEP_UNKNOWN = ""
FROM_ORGANISATIONS = "organisations"
FROM_COLUMN = "column:"


def fill_column(choice: str) -> int | None:
    """The column position a fill choice names ("column:3" -> 3), else None."""
    if not choice.startswith(FROM_COLUMN):
        return None
    position = choice[len(FROM_COLUMN):]
    return int(position) if position.isascii() and position.isdigit() \
        and len(position) <= 4 else None


def _fill(choice, vocabulary: dict, width: int) -> str:
    """A stored fill choice if it still means something for this sheet, else unknown."""
    if not isinstance(choice, str):
        return KEEP_UNKNOWN
    if choice == FROM_ORGANISATIONS or choice in vocabulary:
        return choice
    position = fill_column(choice)
    return choice if position is not None and position < width else KEEP_UNKNOWN


@dataclass
class Mapping:
    columns: dict[str, int | None] = field(default_factory=dict)
    scale: str = values.AUTO
    # Where rows whose own cell is empty take a sector or size from (the module's
    # docstring; KEEP_UNKNOWN: they import with it unknown).
    sector: str = KEEP_UNKNOWN
    size: str = KEEP_UNKNOWN
    role: str = ""
    # key(written name) -> a system id as text, PROPOSE, or "" (not mapped yet).
    systems: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> int | None:
        return self.columns.get(name)

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "scale": self.scale, "sector": self.sector,
                           "size": self.size, "role": self.role, "systems": self.systems},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, sheet: Sheet, network_kind: str = "") -> Mapping:
        """The stored mapping, or (none stored yet) kb's guess from the headers."""
        try:
            stored = json.loads(text) if text else None
        except ValueError:
            stored = None
        if not isinstance(stored, dict):
            return cls.guessed(sheet, network_kind)
        width = len(sheet.headers)
        found = cls()
        for name in columns.FIELDS:
            position = (stored.get("columns") or {}).get(name)
            found.columns[name] = position if isinstance(position, int) \
                and 0 <= position < width else None
        found.scale = stored.get("scale") if stored.get("scale") in values.SCALES else values.AUTO
        found.sector = _fill(stored.get("sector"), vocab.SECTORS, width)
        found.size = _fill(stored.get("size"), vocab.SIZE_BANDS, width)
        found.role = stored.get("role") if stored.get("role") in vocab.PROFESSIONAL_ROLES else ""
        systems = stored.get("systems") or {}
        found.systems = {str(k): str(v) for k, v in systems.items()} \
            if isinstance(systems, dict) else {}
        return found

    @classmethod
    def guessed(cls, sheet: Sheet, network_kind: str = "") -> Mapping:
        # A network for one role answers in that role; others start with none chosen.
        role = network_kind if network_kind in vocab.PROFESSIONAL_ROLES else ""
        return cls(columns=columns.guess(sheet.headers), role=role)

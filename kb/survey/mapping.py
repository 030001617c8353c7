"""The leader's mapping of a sheet: which column is which field, the satisfaction scale,
what rows without a sector, size or role are, and what each unknown system name means.
Kept as JSON on the upload (SurveyImport.mapping), so it survives between requests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kb import vocab
from kb.survey import columns, values
from kb.survey.reading import Sheet

PROPOSE = "propose"  # an unknown system name the leader proposes as a new system


@dataclass
class Mapping:
    columns: dict[str, int | None] = field(default_factory=dict)
    scale: str = values.AUTO
    # Used for rows whose own cell is empty ("" : such a row is an error).
    sector: str = ""
    size: str = ""
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
        found.sector = stored.get("sector") if stored.get("sector") in vocab.SECTORS else ""
        found.size = stored.get("size") if stored.get("size") in vocab.SIZE_BANDS else ""
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

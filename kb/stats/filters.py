"""Who the figures are about: sector, size band, reviewer role and the 24-month window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement

from kb import parsing, vocab
from kb.dates import months_before, utcnow
from kb.models import Experience
from kb.stats.figures import RECENT_MONTHS

# The parts of the context figures are filtered by (kb.vocab.CONTEXT_FIELDS).
FILTERED_CONTEXT = ("sector", "size", "role")


class FilterError(ValueError):
    """A filter parameter with a value kb does not know; the message is Swedish."""


@dataclass(frozen=True)
class Filters:
    sector: str | None = None
    size: str | None = None
    role: str | None = None
    recent: bool = False

    @classmethod
    def from_args(cls, args, *, strict: bool = False) -> Filters:
        """Read `sector`, `size`, `role` and `recent` from query parameters.

        Unknown codes are ignored (the page shows every organisation) unless
        `strict`, when they raise FilterError (the API answers 400)."""
        values = {}
        for name in FILTERED_CONTEXT:
            context = vocab.CONTEXT_BY_PARAM[name]
            value = (args.get(name) or "").strip()
            if value and value not in context.vocabulary:
                if strict:
                    raise FilterError(f"Okänd {context.noun}: {value[:40]}")
                value = ""
            values[name] = value or None
        recent = args.get("recent")
        if strict and (recent or "").strip() and parsing.boolean(recent) is None:
            raise FilterError("recent ska vara 1 eller 0")
        return cls(**values, recent=parsing.flag(recent))

    @property
    def active(self) -> bool:
        return bool(self.sector or self.size or self.role or self.recent)

    def clauses(self, today: datetime | None = None) -> list[ColumnElement[bool]]:
        clauses = [getattr(Experience, vocab.CONTEXT_BY_PARAM[name].column) == getattr(self, name)
                   for name in FILTERED_CONTEXT if getattr(self, name)]
        if self.recent:
            clauses.append(Experience.created_at >= recent_cutoff(today))
        return clauses

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links and the shareable URL."""
        args = {"sector": self.sector, "size": self.size, "role": self.role}
        args = {key: value for key, value in args.items() if value}
        if self.recent:
            args["recent"] = "1"
        return args

    def describe(self) -> str:
        """In Swedish: 'kommun · 1 000–4 999 anställda · senaste 24 månaderna'."""
        parts = [vocab.label(vocab.CONTEXT_BY_PARAM[name].vocabulary, getattr(self, name))
                 for name in FILTERED_CONTEXT if getattr(self, name)]
        if self.recent:
            parts.append(f"senaste {RECENT_MONTHS} månaderna")
        return " · ".join(parts) if parts else "Alla organisationer"


def recent_cutoff(today: datetime | None = None) -> datetime:
    """Midnight (UTC) RECENT_MONTHS months before today; the same all day, so it caches."""
    midnight = (today or utcnow()).replace(hour=0, minute=0, second=0, microsecond=0)
    return months_before(midnight, RECENT_MONTHS)

"""Who the figures are about: sector, size band, reviewer role, the 24-month window, and
whether networks' survey answers count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement

from kb.core import parsing, vocab
from kb.core.dates import months_before, utcnow
from kb.models import Experience
from kb.stats.figures import RECENT_MONTHS

# The parts of the context figures are filtered by (kb.vocab.CONTEXT_FIELDS).
FILTERED_CONTEXT = ("sector", "size", "role")


class FilterError(ValueError):
    """A filter parameter with a value kb does not know; the message is Swedish."""


# The query parameters of the filters, and the value of `urval` that asks for every
# organisation even where the member's own segment would be the default.
PARAMETERS = ("sector", "size", "role", "recent", "nosurvey")
ALL = "alla"


@dataclass(frozen=True)
class Filters:
    sector: str | None = None
    size: str | None = None
    role: str | None = None
    recent: bool = False
    # Leave out the answers networks imported from their own surveys (kb.survey).
    no_survey: bool = False

    @classmethod
    def from_args(cls, args, *, strict: bool = False) -> Filters:
        """Read `sector`, `size`, `role`, `recent` and `nosurvey` from query parameters
        (the two switches through kb.core.parsing.boolean: 1/0, ja/nej, ...).

        Unknown codes and switches are ignored (the page shows every organisation)
        unless `strict`, when any value given that is not exactly a code or a switch
        (empty or padded ones too) raises FilterError (the API answers 400)."""
        values = {}
        for name in FILTERED_CONTEXT:
            context = vocab.CONTEXT_BY_PARAM[name]
            given = args.get(name)
            value = given if strict else (given or "").strip()
            if value and value in context.vocabulary:
                values[name] = value
                continue
            if strict and given is not None:
                raise FilterError(f"Okänd {context.noun}: {given[:40]}")
            values[name] = None
        switches = {}
        for name in ("recent", "nosurvey"):
            given = args.get(name)
            if strict and given is not None and parsing.boolean(given) is None:
                raise FilterError(parsing.not_boolean(name))
            switches[name] = parsing.flag(given)
        return cls(**values, recent=switches["recent"], no_survey=switches["nosurvey"])

    @classmethod
    def of_organisation(cls, organisation) -> Filters | None:
        """An organisation's own segment (its sector and size band), if it has one."""
        if organisation is None or organisation.sector not in vocab.SECTORS \
                or organisation.size_band not in vocab.SIZE_BANDS:
            return None
        return cls(sector=organisation.sector, size=organisation.size_band)

    def search_args(self, system: str | None = None, today: datetime | None = None) -> dict:
        """The experiences behind a figure as /search parameters: the system and the
        segment, newest first (the 24-month window from the year it starts in)."""
        args = {"system": system, "sector": self.sector, "size": self.size,
                "role": self.role, "sort": "newest"}
        if self.recent:
            args["since"] = recent_cutoff(today).year
        return {key: value for key, value in args.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.sector or self.size or self.role or self.recent or self.no_survey)

    def clauses(self, today: datetime | None = None) -> list[ColumnElement[bool]]:
        clauses = [getattr(Experience, vocab.CONTEXT_BY_PARAM[name].column) == getattr(self, name)
                   for name in FILTERED_CONTEXT if getattr(self, name)]
        if self.recent:
            clauses.append(Experience.created_at >= recent_cutoff(today))
        if self.no_survey:
            clauses.append(Experience.survey_network_id.is_(None))
        return clauses

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links and the shareable URL."""
        args = {"sector": self.sector, "size": self.size, "role": self.role}
        args = {key: value for key, value in args.items() if value}
        if self.recent:
            args["recent"] = "1"
        if self.no_survey:
            args["nosurvey"] = "1"
        return args

    def describe(self) -> str:
        """In Swedish: 'kommun · 1 000–4 999 anställda · senaste 24 månaderna'."""
        parts = [vocab.label(vocab.CONTEXT_BY_PARAM[name].vocabulary, getattr(self, name))
                 for name in FILTERED_CONTEXT if getattr(self, name)]
        if self.recent:
            parts.append(f"senaste {RECENT_MONTHS} månaderna")
        if self.no_survey:
            parts.append("utan nätverkens enkätsvar")
        return " · ".join(parts) if parts else "Alla organisationer"


@dataclass(frozen=True)
class Scope:
    """The filters a page shows, and the viewer's own segment: a member's figures start
    at the sector and size of their organisation, one click from every organisation."""

    filters: Filters
    own: Filters | None = None  # the member's organisation's segment, when known
    defaulted: bool = False  # the filters are `own` because the URL asked for none

    @classmethod
    def from_args(cls, args, own: Filters | None = None) -> Scope:
        """The URL's filters; with none given (and no urval=alla), `own`."""
        if own is not None and not any(name in args for name in PARAMETERS) \
                and args.get("urval") != ALL:
            return cls(own, own, defaulted=True)
        return cls(Filters.from_args(args), own)

    @property
    def is_own(self) -> bool:
        return self.own is not None and self.filters == self.own

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters; every organisation is urval=alla for a member
        whose default would otherwise be their own segment."""
        args = self.filters.query_args()
        if not args and self.own is not None:
            args = {"urval": ALL}
        return args

    def all_args(self) -> dict[str, str]:
        """Query parameters for every organisation."""
        return {"urval": ALL} if self.own is not None else {}


def recent_cutoff(today: datetime | None = None) -> datetime:
    """Midnight (UTC) RECENT_MONTHS months before today; the same all day, so it caches."""
    midnight = (today or utcnow()).replace(hour=0, minute=0, second=0, microsecond=0)
    return months_before(midnight, RECENT_MONTHS)

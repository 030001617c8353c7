"""The search's URL parameters (the /search page and GET /api/v1/experiences) and
what the page tells about them and about the search.

`SearchParams.from_mapping` reads q, system, switched_from, switched_to, sector,
size, role, status, contract_ends, min_rating, since, fresh, literal, sort and page from a query
string, dropping whatever is unusable (never an error), with a Swedish notice when the
words had to be cut; `criteria` hands kb.search the same as plain values, with a
direction understood in the words (kb.experiences.direction) as switch filters.
`notices` words what the search did (kb.search's notes) the way the page and the
API say it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from kb import procurement, search
from kb.core import parsing, vocab
from kb.experiences import direction

MAX_PAGE = 500
MAX_SYSTEMS_CHOSEN = 20  # more slugs than a person would tick; the rest are dropped
_SLUG = re.compile(r"[a-z0-9-]{1,80}")

SHORTENED = f"Sökfrågan var för lång och har kortats till {search.MAX_QUERY_CHARS} tecken."
ONLY_STOP_WORDS = ("Sökningen innehöll bara vanliga småord (som ”och”, ”är”, ”från”), så det "
                   "fanns inget att söka efter. Lägg till ett mer specifikt ord.")
CORRECTED = "Inga erfarenheter innehåller ”{typed}” – visar träffar för ”{corrected}”."
PARTS_ALONE = ("Inga erfarenheter innehåller de sammansatta orden – visar dem som innehåller "
               "delar av dem")
NONE_HAS_ALL = "Inga erfarenheter innehåller alla orden – visar dem som innehåller flest"
FEW_HAVE_ALL = ("Få erfarenheter innehåller alla orden – de visas först, sedan de som "
                "innehåller flest")
PHRASE_LOOSENED = ("Få erfarenheter innehåller frasen ordagrant – de visas först, sedan de "
                   "som innehåller orden")
# Years of contract end (contract_ends) a search may choose, at most.
MAX_YEARS_CHOSEN = 30
# The switch filters as the page names them (chips, notices).
SWITCH_LEGENDS = {"switched_from": "Bytte från", "switched_to": "Bytte till"}
UNKNOWN_SYSTEM = "Det finns inget lönesystem ”{value}” – filtret ”{legend}” används inte för det."
# What the page says for each of kb.search's notes.
NOTICES = {
    search.ONLY_STOP_WORDS: ONLY_STOP_WORDS,
    search.CORRECTED: CORRECTED,
    search.PARTS_ALONE: PARTS_ALONE,
    search.NONE_HAS_ALL: NONE_HAS_ALL,
    search.FEW_HAVE_ALL: FEW_HAVE_ALL,
    search.PHRASE_LOOSENED: PHRASE_LOOSENED,
}


def _values(args: Mapping, name: str) -> list[str]:
    """Every value of a URL parameter: a MultiDict's list, a list, or one string."""
    if hasattr(args, "getlist"):
        values = args.getlist(name)
    else:
        values = args.get(name)
        if values is None:
            values = []
        elif not isinstance(values, (list, tuple)):
            values = [values]
    return [str(value).strip() for value in values if value is not None]


@dataclass
class SearchParams:
    """Validated search parameters; anything unusable is dropped, never an error.

    `system`, `switched_from`, `switched_to`, `sector`, `size`, `role` and `status`
    hold every value chosen, in the order of their vocabulary (systems as given): an
    experience matches a filter when it has one of its values, and every filter
    chosen. `literal` searches the words as they are, without reading a direction
    into them.
    """

    q: str = ""
    system: tuple[str, ...] = ()
    # Systems by slug: switched from (the system left), and switched to (the system
    # written about, when it replaced another).
    switched_from: tuple[str, ...] = ()
    switched_to: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    size: tuple[str, ...] = ()
    role: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    # Years the contract ends (as text, ascending): only experiences whose contract
    # facts whoever reads them may read carry one (kb.indexing.documents).
    contract_ends: tuple[str, ...] = ()
    min_rating: int | None = None
    since: int | None = None
    sort: str = "relevance"
    # Leave out experiences not confirmed for 24 months (kb.experiences.freshness).
    fresh: bool = False
    # Search the words as typed: no direction read into them (kb.experiences.direction).
    literal: bool = False
    page: int = 1
    notices: list[str] = field(default_factory=list)

    @classmethod
    def from_mapping(cls, args: Mapping) -> SearchParams:
        def one(name: str) -> str:
            values = _values(args, name)
            return values[0] if values else ""

        params = cls()
        typed = one("q")
        if len(search.nfc(typed)) > search.MAX_QUERY_CHARS:
            params.notices.append(SHORTENED)
        params.q = search.query_text(typed)
        systems = [slug for slug in _values(args, "system") if _SLUG.fullmatch(slug)]
        params.system = tuple(dict.fromkeys(systems))[:MAX_SYSTEMS_CHOSEN]
        for name in search.SWITCH_FILTERS:
            # Checked against the catalogue when searching (kb.experiences.searching):
            # a value that names no system is left out with a notice.
            chosen = [value[:80] for value in _values(args, name) if value]
            setattr(params, name, tuple(dict.fromkeys(chosen))[:MAX_SYSTEMS_CHOSEN])
        for context in vocab.CONTEXT_FIELDS:
            chosen = set(_values(args, context.param))
            setattr(params, context.param,
                    tuple(code for code in context.vocabulary if code in chosen))
        first, last = procurement.end_years()
        years = {parsing.integer_in(value, first, last)
                 for value in _values(args, search.CONTRACT_FILTER)} - {None}
        params.contract_ends = tuple(str(year) for year in sorted(years))[:MAX_YEARS_CHOSEN]
        params.min_rating = parsing.integer_in(one("min_rating"), 1, 5)
        params.since = parsing.integer_in(one("since"), 1900, 2100)
        sort = one("sort")
        params.sort = sort if sort in search.SORTS else ("relevance" if params.q else "newest")
        params.fresh = parsing.flag(one("fresh"))
        params.literal = parsing.flag(one("literal"))
        params.page = min(parsing.page(one("page")), MAX_PAGE)
        return params

    def criteria(self, confirmed_since: datetime | None = None,
                 understood: direction.Understood | None = None) -> search.Criteria:
        """What kb.search looks for; with `fresh`, only experiences confirmed since
        `confirmed_since`; with a direction `understood` in the words, the rest of
        the words and its systems added to the switch filters."""
        filters = {name: tuple(getattr(self, name)) for name in search.FILTERS}
        text = self.q
        if understood is not None:
            text = understood.text
            for name, slugs in (("switched_from", understood.from_slugs),
                                ("switched_to", understood.to_slugs)):
                filters[name] = tuple(dict.fromkeys((*filters[name], *slugs)))
        return search.Criteria(
            text=text,
            filters={name: values for name, values in filters.items() if values},
            min_rating=self.min_rating,
            created_since=datetime(self.since, 1, 1) if self.since else None,
            confirmed_since=confirmed_since if self.fresh else None,
            sort=self.sort,
            page=self.page,
        )

    def as_args(self, **changes) -> dict:
        """The parameters as URL arguments (for links), with some changed; a filter's
        values become a repeated parameter."""
        values = {
            "q": self.q, **{name: list(getattr(self, name)) for name in search.FILTERS},
            "min_rating": self.min_rating, "since": self.since, "sort": self.sort,
            "fresh": 1 if self.fresh else None, "literal": 1 if self.literal else None,
            "page": None,
        }
        values.update(changes)
        if values["sort"] == ("relevance" if values["q"] else "newest"):
            values["sort"] = None  # the default order needs no parameter
        return {k: v for k, v in values.items() if v not in (None, "", [], ())
                and not (k == "page" and v == 1)}

    def toggled(self, name: str, code: str) -> dict:
        """URL arguments with one value of a filter added, or removed if it was chosen."""
        chosen = list(getattr(self, name))
        chosen = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
        return self.as_args(**{name: chosen})

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the results besides the words."""
        return bool(any(getattr(self, name) for name in search.FILTERS) or self.min_rating
                    or self.since or self.fresh)


def unknown_system(name: str, value: str) -> str:
    """The notice for a value of a switch filter (`name`) that names no system."""
    return UNKNOWN_SYSTEM.format(value=value, legend=SWITCH_LEGENDS[name])


def notices(found: search.Found, typed: str) -> list[str]:
    """What the page says about what the search did (`typed`: the words searched)."""
    return [NOTICES[note].format(typed=typed, corrected=found.corrected)
            if note == search.CORRECTED else NOTICES[note] for note in found.notes]

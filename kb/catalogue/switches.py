"""The experiences behind a switch count (the /switches list) and a system's switch
journey as pages show it.

Which switches count is kb.stats (journeys.switch_rows over the one counting rule,
aggregate.current_answers); this module reads what a URL asks for, loads the
experiences behind a count for one reader and says in Swedish what they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb import stats
from kb.access import catalogue as catalogue_access
from kb.access import policy
from kb.access.policy import Audience
from kb.catalogue import decision
from kb.core import parsing, swedish
from kb.core.errors import Invalid
from kb.extensions import db
from kb.models import Experience, PayrollSystem
from kb.stats import table
from kb.stats.filters import FilterError, Filters

# Experiences a page of the list shows.
PER_PAGE = 50
# The years a `since` or `year` may name.
FIRST_YEAR, LAST_YEAR = 1900, 2100
# The query parameters naming the systems (kept stable: other pages link here).
SOURCE, TARGET = "from", "to"
# Tips a journey quotes per direction, and experiences loaded at a time to find them.
TIPS_PER_JOURNEY = 3
LOAD_CHUNK = 20


# What a list narrowed to one figure's answers (`has`, kb.stats.HAS) says in its heading:
# "8 organisationer bytte från Personec P och angav hur lång tid bytet tog".
HAS_CLAUSES = {
    "go_live": "angav hur lång tid bytet tog",
    "before": "har berättat hur nöjda de var med {old} innan bytet",
    "reason": "angav varför",
}


@dataclass(frozen=True)
class SwitchQuery:
    """What a /switches URL asks for: the systems (None: any), the segment and the
    years, (optionally) one reason theme (kb.stats.journeys.THEMES), and (optionally)
    only the answers that told what a journey's figure is made of (`has`,
    kb.stats.HAS: go_live, before, reason)."""

    source: PayrollSystem | None = None
    target: PayrollSystem | None = None
    filters: Filters = field(default_factory=Filters)
    since: int | None = None
    year: int | None = None
    theme: str | None = None
    has: str | None = None

    @property
    def which(self) -> stats.Switches:
        return stats.Switches(
            source=self.source.id if self.source else None,
            target=self.target.id if self.target else None,
            since=self.since, year=self.year, theme=self.theme, filters=self.filters,
            has=self.has)

    @property
    def narrowed(self) -> bool:
        """Only some of the pair's switches: a year, a reason theme or one figure's
        answers."""
        return any(value is not None for value in (self.since, self.year, self.theme,
                                                   self.has))

    def heading(self, n: int) -> str:
        """What the list is, with its count: "12 organisationer bytte från Personec P
        till Heroma", "3 organisationer bytte från Personec P under 2021 och angav skäl
        som gäller support", "8 organisationer bytte till Heroma och angav hur lång tid
        bytet tog"."""
        words = [swedish.plural(n, "organisation", "organisationer"), "bytte"]
        if self.source is None and self.target is None:
            words.append("lönesystem")
        if self.source is not None:
            words.append(f"från {self.source.name}")
        if self.target is not None:
            words.append(f"till {self.target.name}")
        if self.year is not None:
            words.append(f"under {self.year}")
        elif self.since is not None:
            words.append(f"{self.since} eller senare")
        clauses = []
        if self.theme is not None:
            clauses.append(f"angav skäl som gäller {stats.theme_label(self.theme).lower()}")
        if self.has is not None and not (self.has == "reason" and self.theme is not None):
            old = self.source.name if self.source is not None else "det tidigare systemet"
            clauses.append(HAS_CLAUSES[self.has].format(old=old))
        if clauses:
            words.append("och " + swedish.enumeration(clauses))
        return " ".join(words)

    def describe(self) -> str:
        """The segment: "Kommun · 1 000–4 999 anställda" ("" for every organisation)."""
        return self.filters.describe() if self.filters.active else ""

    def query_args(self) -> dict[str, str]:
        return switch_args(self.source.slug if self.source else None,
                           self.target.slug if self.target else None, self.filters,
                           since=self.since, year=self.year, theme=self.theme, has=self.has)

    def broader_args(self) -> dict[str, str]:
        """The list of every switch between the same systems in the same segment."""
        return switch_args(self.source.slug if self.source else None,
                           self.target.slug if self.target else None, self.filters)


def switch_args(source: str | None = None, target: str | None = None,
                filters: Filters | None = None, *, since: int | None = None,
                year: int | None = None, theme: str | None = None,
                has: str | None = None) -> dict[str, str]:
    """The /switches query parameters of a count: `from` and `to` (slugs), the segment
    (Filters.query_args), `since`, `year`, `theme` and `has` when given."""
    args: dict[str, str] = {}
    if source:
        args[SOURCE] = source
    if target:
        args[TARGET] = target
    if filters is not None:
        args.update(filters.query_args())
    for name, value in (("since", since), ("year", year), ("theme", theme), ("has", has)):
        if value is not None:
            args[name] = str(value)
    return args


class UnknownSystem(Invalid):
    """A /switches URL names a system nobody has, or this reader may not see (the page
    answers 400 like any bad parameter; the API, 404 like its other unknown systems)."""


def _system(args: Mapping, name: str, audience: Audience) -> PayrollSystem | None:
    given = args.get(name)
    if given is None:
        return None
    slug = given.strip()
    if not slug:
        return None
    system = db.session.scalar(select(PayrollSystem).where(PayrollSystem.slug == slug[:200]))
    if system is None or not catalogue_access.may_see_system(audience, system):
        side = "bytte från" if name == SOURCE else "bytte till"
        raise UnknownSystem(f"Lönesystemet ”{slug[:80]}” ({side}) finns inte. "
                            "Ange ett lönesystem med dess kortnamn, till exempel "
                            "personec-p.", name)
    return system


def _year(args: Mapping, name: str) -> int | None:
    given = args.get(name)
    if given is None or not given.strip():
        return None
    year = parsing.integer_in(given.strip(), FIRST_YEAR, LAST_YEAR)
    if year is None:
        raise Invalid(f"”{given[:20]}” är inget årtal ({name}): ange ett år som 2021.", name)
    return year


def _exact(args: Mapping) -> None:
    """The API's reading: a parameter given is not empty and not padded (a page's form
    may send an empty field for "any")."""
    for name in (SOURCE, TARGET, "since", "year", "theme", "has"):
        given = args.get(name)
        if given is not None and (not given or given != given.strip()):
            raise Invalid(f"{name} ska ha ett värde utan mellanslag före eller efter; "
                          "utelämna parametern för att inte välja.", name)


def read_query(args: Mapping, audience: Audience, strict: bool = False) -> SwitchQuery:
    """The switches a URL asks for; Invalid (a Swedish message) for a system nobody has
    (UnknownSystem; or this reader may not see), a segment value kb does not know, a
    year that is not one, an unknown theme or `has`. `strict` (the API): a value given
    must not be empty or padded."""
    if strict:
        _exact(args)
    source, target = _system(args, SOURCE, audience), _system(args, TARGET, audience)
    if source is not None and target is not None and source.id == target.id:
        raise Invalid("Ett byte går från ett lönesystem till ett annat: välj två olika "
                      "system.", TARGET)
    try:
        filters = Filters.from_args(args, strict=True)
    except FilterError as error:
        raise Invalid(str(error)) from None
    theme = args.get("theme")
    if theme is not None and theme.strip() and theme.strip() not in stats.THEMES:
        raise Invalid(f"Okänd grupp av skäl: {theme[:40]}. Välj en av "
                      + ", ".join(stats.THEMES) + ".", "theme")
    has = (args.get("has") or "").strip() or None
    if has is not None and has not in stats.HAS:
        raise Invalid(f"Okänt värde för has: ”{has[:40]}”. Ange go_live (de som angav hur "
                      "lång tid bytet tog), before (de som har berättat hur nöjda de var "
                      "med det tidigare systemet) eller reason (de som angav varför).", "has")
    return SwitchQuery(source, target, filters, _year(args, "since"), _year(args, "year"),
                       (theme or "").strip() or None, has)


@dataclass(frozen=True)
class Listed:
    """One organisation's switch as the list shows it."""

    experience: Experience
    author: object  # the AuthorContext this reader sees (kb.access.policy.author_context)
    before: stats.Before | None  # satisfaction with the old system when they left
    # The organisation's earlier experience the satisfaction before comes from, when the
    # list may show it: never where either of the two is anonymous to this reader (the
    # link, or the rating beside it, would tie an anonymous answer to its organisation's
    # named one).
    before_link: int | None = None

    @property
    def before_withheld(self) -> bool:
        """The satisfaction before is known from the organisation's earlier experience,
        which may not be tied to this one here (`before_link`): the entry says it is
        known, not what it is (the figures count it all the same)."""
        return (self.before is not None and self.before.earlier is not None
                and self.before_link is None)


@dataclass(frozen=True)
class SwitchPage:
    query: SwitchQuery
    n: int  # organisations behind the count: every page of the list together
    entries: list[Listed]
    page: int
    pages: int

    @property
    def heading(self) -> str:
        return self.query.heading(self.n)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def switch_page(query: SwitchQuery, audience: Audience, page: int = 1) -> SwitchPage:
    """The experiences behind the count `query` describes, for this reader: exactly the
    answers the switch figures count (kb.stats.switch_ids), each organisation once,
    most recently confirmed first, PER_PAGE a page."""
    reach = policy.counted(audience)
    ids = stats.switch_ids(reach, query.which)
    pages = max(1, -(-len(ids) // PER_PAGE))
    page = min(max(page, 1), pages)
    shown = ids[(page - 1) * PER_PAGE:page * PER_PAGE]
    befores = stats.befores(reach, query.filters, shown)
    loaded = {experience.id: experience for experience in db.session.scalars(
        select(Experience).options(selectinload(Experience.author),
                                   selectinload(Experience.organisation),
                                   selectinload(Experience.system),
                                   selectinload(Experience.switched_from),
                                   selectinload(Experience.networks))
        .where(Experience.id.in_(shown)))} if shown else {}
    earlier = {before.earlier for before in befores.values() if before.earlier}
    earlier_loaded = {experience.id: experience for experience in db.session.scalars(
        select(Experience).where(Experience.id.in_(earlier)))} if earlier else {}
    entries = []
    for experience_id in shown:
        experience = loaded.get(experience_id)
        # Figures count only what the reader may read; checked once more all the same.
        if experience is None or not policy.may_read(audience, experience):
            continue
        before = befores.get(experience_id)
        entries.append(Listed(experience, policy.author_context(audience, experience),
                              before, _before_link(audience, experience, before,
                                                   earlier_loaded)))
    return SwitchPage(query, len(ids), entries, page, pages)


def _before_link(audience: Audience, experience: Experience, before: stats.Before | None,
                 earlier: dict[int, Experience]) -> int | None:
    """The earlier experience a switch's satisfaction before comes from, if the reader
    may be shown that the two are the same organisation's: both readable and neither
    anonymous to this reader (kb.access.policy.may_see_author)."""
    if before is None or before.earlier is None:
        return None
    other = earlier.get(before.earlier)
    if other is None or not policy.may_read(audience, other):
        return None
    if not (policy.may_see_author(audience, experience)
            and policy.may_see_author(audience, other)):
        return None
    return other.id


# A system's journey, as pages and the API show it ----------------------------------------


@dataclass(frozen=True)
class JourneyView:
    """A system's switch journey (kb.stats.Journey) for one reader, with the tips of
    those who left it and of those who came, quoted from the experiences behind it."""

    journey: stats.Journey
    left_tips: list[decision.Quote]
    came_tips: list[decision.Quote]

    @property
    def system(self):
        return self.journey.system


def journeys_of(systems, audience: Audience, filters: Filters) -> list[JourneyView]:
    """Each system's journey among the answers this reader's figures count under these
    filters, in the given order."""
    found = stats.journeys_of(systems, policy.counted(audience), filters)
    return [JourneyView(journey, tips(journey.system.id, journey.left.ids, audience),
                        tips(journey.system.id, journey.came.ids, audience))
            for journey in found]


def journey_of(system, audience: Audience, filters: Filters) -> JourneyView:
    return journeys_of([system], audience, filters)[0]


def tips(system_id: int, ids, audience: Audience,
         limit: int = TIPS_PER_JOURNEY) -> list[decision.Quote]:
    """The first `limit` tips among these experiences of a system's journey (in their
    order) the reader may read. Which ones is decided once per reader and kept as long
    as the journey is (finding them reads the experiences behind it in chunks; a
    changed tip changes the journey's systems' answers); the quotes are made at each
    view."""
    ids = tuple(ids)
    # The ids by a digest: a journey may stand on thousands of them, and the figure
    # cache keeps up to 2,048 keys.
    digest = hashlib.blake2b(repr(ids).encode(), digest_size=16).digest()
    chosen = stats.per_data_version(
        (stats.JOURNEY, system_id, "tips", audience, limit, len(ids), digest),
        lambda _figures: _tip_ids(ids, audience, limit))
    if not chosen:
        return []
    # Only a quote shared with networks reads its networks (lazily).
    loaded = {experience.id: experience for experience in db.session.scalars(
        select(Experience).where(Experience.id.in_(chosen)))}
    return [decision.Quote.of(loaded[experience_id], loaded[experience_id].tips, audience)
            for experience_id in chosen if experience_id in loaded]


def _tip_ids(ids: tuple[int, ...], audience: Audience, limit: int) -> tuple[int, ...]:
    chosen: list[int] = []
    for start in range(0, len(ids), LOAD_CHUNK):
        chunk = ids[start:start + LOAD_CHUNK]
        with_tips = set(db.session.scalars(
            select(Experience.id).where(Experience.id.in_(chunk), Experience.tips != "")))
        wanted = [experience_id for experience_id in chunk if experience_id in with_tips]
        if not wanted:
            continue
        loaded = {experience.id: experience for experience in db.session.scalars(
            select(Experience).options(selectinload(Experience.networks))
            .where(Experience.id.in_(wanted)))}
        for experience_id in wanted:
            experience = loaded.get(experience_id)
            if experience is None or not (experience.tips or "").strip() \
                    or not policy.may_read(audience, experience):
                continue
            chosen.append(experience_id)
            if len(chosen) == limit:
                return tuple(chosen)
    return tuple(chosen)


def satisfaction_text(satisfaction) -> str:
    """A journey's satisfaction (kb.stats.journeys.Satisfaction) in words: the mean with
    n from MIN_ANSWERS answers ("3,4 (n=12)"); below it n and each answer's rating
    ("för få svar för ett medelvärde (n=3; betygen 4, 2 och 2)"); "–" for none."""
    if not satisfaction.n:
        return "–"
    if satisfaction.enough:
        return f"{swedish.decimal(satisfaction.mean.value)} (n={satisfaction.n})"
    ratings = [str(score) for score, n in
               sorted(satisfaction.distribution.counts.items(), reverse=True)
               for _ in range(n)]
    word = "betyget" if len(ratings) == 1 else "betygen"
    return (f"{table.TOO_FEW} för ett medelvärde (n={satisfaction.n}; {word} "
            f"{swedish.enumeration(ratings)})")


def go_live_text(go_live) -> str:
    """'8 månader i median (kortast 3, längst 14 månader; n=9)', "för få svar (n=2)"
    under MIN_ANSWERS, "–" for none."""
    if not go_live.n:
        return "–"
    if not go_live.enough:
        return f"{table.TOO_FEW} (n={go_live.n})"
    if go_live.low == go_live.high:
        return (f"{swedish.months(go_live.median)} i median (alla angav "
                f"{swedish.months(go_live.low)}; n={go_live.n})")
    return (f"{swedish.months(go_live.median)} i median (kortast {go_live.low}, längst "
            f"{swedish.months(go_live.high)}; n={go_live.n})")

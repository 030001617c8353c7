"""A decision report ("beslutsunderlag"): the comparison of a few systems among
organisations like the reader's, with what their users say for and against them.

Quotes are taken only from experiences the figures count for the reader
(kb.policy.counted: published, and for visitors public only) – text the reader
may read – and checked once more with kb.policy.may_read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kb import policy, vocab
from kb.extensions import db
from kb.models import Experience
from kb.policy import Audience
from kb.stats.figures import CAPABILITY_SHARE_LEVELS, Profile

QUOTES_PER_SIDE = 3
QUOTE_CHARS = 320
# Candidates read per side before keeping one per organisation.
CANDIDATES = 40
# A capability is a gap for a system when at least this share (percent) of those
# who answered say it is missing.
GAP_SHARE = 25


@dataclass(frozen=True)
class Quote:
    experience_id: int
    text: str
    satisfaction: int
    context: str  # role, sector, size band, year: never the author's name

    @classmethod
    def of(cls, experience: Experience, text: str) -> Quote:
        context = ", ".join((
            vocab.label(vocab.PROFESSIONAL_ROLES, experience.reviewer_role),
            vocab.label(vocab.SECTORS, experience.sector).lower(),
            vocab.label(vocab.SIZE_BANDS, experience.size_band),
            str(experience.confirmed_at.year),
        ))
        return cls(experience.id, shorten(text), experience.satisfaction, context)


@dataclass(frozen=True)
class Voices:
    """The strongest pros (from the most satisfied) and cons (from the least)."""

    pros: list[Quote]
    cons: list[Quote]


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """The first paragraph, cut at a word before `limit` characters."""
    first = " ".join(text.strip().split("\n\n")[0].split())
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:–-")
    return cut + " …"


def voices(system_id: int, audience: Audience, filters) -> Voices:
    """What the system's users in the segment say for and against it, one quote per
    organisation, the most satisfied's pros and the least satisfied's cons first."""
    counted = policy.counted(audience)
    base = (select(Experience).options(joinedload(Experience.author))
            .where(Experience.system_id == system_id, counted.clause(), *filters.clauses()))

    def side(column, order) -> list[Quote]:
        rows = db.session.scalars(
            base.where(column != "").order_by(*order, Experience.helpful_count.desc(),
                                              Experience.confirmed_at.desc(),
                                              Experience.id.desc()).limit(CANDIDATES))
        quotes, seen = [], set()
        for experience in rows:
            speaker = (("organisation", experience.organisation_id)
                       if experience.organisation_id else ("author", experience.author_id)
                       if experience.author_id else ("experience", experience.id))
            if speaker in seen or not policy.may_read(audience, experience):
                continue
            seen.add(speaker)
            quotes.append(Quote.of(experience, getattr(experience, column.key)))
            if len(quotes) == QUOTES_PER_SIDE:
                break
        return quotes

    return Voices(
        pros=side(Experience.pros, (Experience.satisfaction.desc(),)),
        cons=side(Experience.cons, (Experience.satisfaction.asc(),)),
    )


@dataclass(frozen=True)
class Level:
    good: float | None  # percent, None with too few answers
    missing: float | None
    n: int

    @property
    def gap(self) -> bool:
        return self.missing is not None and self.missing >= GAP_SHARE


@dataclass(frozen=True)
class Capability:
    key: str
    label: str
    levels: list[Level]  # one per profile

    @property
    def any_gap(self) -> bool:
        return any(level.gap for level in self.levels)


def capabilities(profiles: list[Profile]) -> list[Capability]:
    """Each capability per system: works well, missing, and whether it is a gap; the
    capabilities with a gap first."""
    found = []
    for key, label in vocab.CAPABILITIES.items():
        levels = []
        for profile in profiles:
            shares = profile.capabilities[key]
            good, _workaround, missing = (shares.percent(level) if shares.enough else None
                                          for level in CAPABILITY_SHARE_LEVELS)
            levels.append(Level(good, missing, shares.n))
        found.append(Capability(key, label, levels))
    found.sort(key=lambda capability: not capability.any_gap)
    return found

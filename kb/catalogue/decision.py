"""A decision report ("beslutsunderlag"): the comparison of a few systems among
organisations like the reader's, with what their users say for and against them.

Quotes are taken only from the answers the figures count (kb.stats.counted_answers:
each organisation's current answer for the system, in the same segment and filters,
over what the audience's figures count), checked once more with kb.policy.may_read.
Each quote carries its dates and, when it is not public, who may read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb import stats
from kb.access import networks as network_access
from kb.access import policy
from kb.access.policy import Audience
from kb.core import vocab
from kb.extensions import db
from kb.models import Experience
from kb.stats.figures import CAPABILITY_SHARE_LEVELS, Profile

QUOTES_PER_SIDE = 3
QUOTE_CHARS = 320
# Experiences loaded at a time when taking the quotes.
LOAD_CHUNK = 10
# A capability is a gap for a system when at least this share (percent) of those
# who answered say it is missing.
GAP_SHARE = 25

MEMBERS_ONLY = "Endast för medlemmar"
# What a report counts beyond public experiences, as the notice names it.
BEYOND_PUBLIC = {
    "members": "erfarenheter som bara inloggade medlemmar kan läsa",
    "networks": "erfarenheter som bara delas med nätverk du är med i",
}


@dataclass(frozen=True)
class Quote:
    experience_id: int
    text: str
    satisfaction: int
    # Role, sector, size band (and how it is used, unless in use today): never a name.
    context: str
    written: date
    confirmed: date | None  # when last confirmed, if on a later day than written
    visibility: str
    networks: tuple[str, ...] = ()  # the networks shared with that the reader knows

    @classmethod
    def of(cls, experience: Experience, text: str, audience: Audience) -> Quote:
        # What everybody may see of the author (role, sector, size band), as elsewhere.
        parts = [experience.public_context.description]
        if experience.usage_status != "current":
            parts.append(vocab.label(vocab.USAGE_STATUSES, experience.usage_status).lower())
        written = experience.created_at.date()
        confirmed = experience.confirmed_at.date()
        shared = (tuple(network.name for network in
                        network_access.shared_with(audience, experience))
                  if experience.visibility == "networks" else ())
        return cls(experience.id, shorten(text), experience.satisfaction, ", ".join(parts),
                   written, confirmed if confirmed > written else None,
                   experience.visibility, shared)

    @property
    def public(self) -> bool:
        return self.visibility == "public"

    @property
    def audience_label(self) -> str | None:
        """Who may read it, when not everyone: "Endast för medlemmar", "Delad med
        nätverket X"."""
        if self.visibility == "members":
            return MEMBERS_ONLY
        if self.visibility == "networks":
            if not self.networks:
                return "Delad med nätverk"
            if len(self.networks) == 1:
                return f"Delad med nätverket {self.networks[0]}"
            return ("Delad med nätverken " + ", ".join(self.networks[:-1])
                    + " och " + self.networks[-1])
        return None


@dataclass(frozen=True)
class Voices:
    """The strongest pros (from the most satisfied) and cons (from the least), among the
    answers the figures count."""

    pros: list[Quote]
    cons: list[Quote]


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """The first paragraph, cut at a word before `limit` characters."""
    first = " ".join(text.strip().split("\n\n")[0].split())
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:–-")
    return cut + " …"


def beyond_public(visibilities) -> list[str]:
    """What figures with these visibilities count that a visitor's do not, in words
    (empty: public material only)."""
    return [words for visibility, words in BEYOND_PUBLIC.items() if visibility in visibilities]


def voices_of(system_ids: Sequence[int], audience: Audience, filters) -> list[Voices]:
    """For each system, what its users in the segment say for and against it: quotes
    only from the answers its figures count for this audience under these filters
    (one per organisation, its current answer), the pros of the most satisfied and the
    cons of the least satisfied first, so that a quote's rating agrees with its side."""
    counted = stats.counted_answers(system_ids, policy.counted(audience), filters)
    return [_voices(system_id, counted[system_id], audience) for system_id in system_ids]


def voices(system_id: int, audience: Audience, filters) -> Voices:
    """What one system's users in the segment say (`voices_of`)."""
    return voices_of([system_id], audience, filters)[0]


def _voices(system_id: int, ids: list[int], audience: Audience) -> Voices:
    counted = set(ids)
    ranked = []
    if counted:
        # The system's rows, a few columns each, kept when counted: one query however
        # many organisations answered (a list of ids would run into drivers' limits).
        rows = db.session.execute(
            select(Experience.id, Experience.satisfaction, Experience.helpful_count,
                   Experience.confirmed_at, (Experience.pros != "").label("has_pros"),
                   (Experience.cons != "").label("has_cons"))
            .where(Experience.system_id == system_id))
        ranked = [row for row in rows if row.id in counted]
        # The most helpful first, then the most recently confirmed, then the newest...
        ranked.sort(key=lambda row: (row.helpful_count, row.confirmed_at, row.id),
                    reverse=True)

    def side(name: str, most_satisfied_first: bool) -> list[Quote]:
        # ...within each rating, the highest ratings first for pros, the lowest for cons.
        order = sorted((row for row in ranked if getattr(row, f"has_{name}")),
                       key=lambda row: row.satisfaction, reverse=most_satisfied_first)
        quotes: list[Quote] = []
        for start in range(0, len(order), LOAD_CHUNK):
            chunk = [row.id for row in order[start:start + LOAD_CHUNK]]
            loaded = {experience.id: experience for experience in db.session.scalars(
                select(Experience).options(selectinload(Experience.networks),
                                           selectinload(Experience.author),
                                           selectinload(Experience.organisation))
                .where(Experience.id.in_(chunk)))}
            for experience_id in chunk:
                experience = loaded.get(experience_id)
                text = getattr(experience, name, "") if experience is not None else ""
                if not shorten(text or "") or not policy.may_read(audience, experience):
                    continue
                quotes.append(Quote.of(experience, text, audience))
                if len(quotes) == QUOTES_PER_SIDE:
                    return quotes
        return quotes

    return Voices(pros=side("pros", True), cons=side("cons", False))


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

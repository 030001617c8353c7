"""Deterministic synthetic experiences: one plain dict per row, no database access.

The same seed, system ids and authors always give exactly the same rows
(tests/unit/tools/test_demo.py holds digests of rows generated before the sentences moved
to data/, and of the same rows with their organisation). Every draw from the
random generator happens in a fixed order, so changing the order of anything
here, in profiles.py or a list in data/ changes the rows of every seed. A row's
organisation (kb.tools.demo.organisations) is drawn from a generator of its own,
after everything else, and then its contract (kb.tools.demo.contracts) from another.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from kb.core import swedish, vocab
from kb.tools.demo.contracts import Contracts
from kb.tools.demo.datafiles import catalogue, texts
from kb.tools.demo.organisations import Pools
from kb.tools.demo.pools import row_flags
from kb.tools.demo.profiles import (
    BAND_RANGES,
    CAP_COLUMNS,
    CAP_LEVELS,
    END,
    PROFILES,
    RATING_COLUMNS,
    RATING_GAPS,
    ROLES_LARGE,
    ROLES_SMALL,
    SECTOR_SIZES,
    SPAN_SECONDS,
    START,
)
from kb.tools.demo.sampling import FastRandom, Weighted, clamp, log_uniform
from kb.tools.demo.switches import SwitchReasons, system_facts
from kb.tools.demo.writer import Writer

# Which stored value decides a topic's tone for a row (every topic in data/topics.json),
# in the order the topics are weighed.
TOPIC_SOURCE = {
    "agi": "cap_agi", "semester": "cap_semester", "avtal": "cap_kollektivavtal",
    "pension": "cap_pension", "paxml": "cap_paxml", "sie": "cap_sie", "bankid": "cap_bankid",
    "payslips": "cap_payslips", "selfservice": "cap_selfservice",
    "support": "rating_support", "stability": "rating_stability",
    "reporting": "rating_reporting", "integrations": "rating_integrations",
    "usability": "rating_usability", "value": "rating_value",
    "implementation": "rating_implementation", "upgrades": "rating_stability",
    "retro": "rating_compliance", "absence": "rating_compliance",
    "consultants": "rating_implementation",
}
# Months from signing to the first real payroll run, by size band: (low, typical, high).
GO_LIVE_MONTHS = {"1-49": (1, 2, 6), "50-249": (2, 4, 9), "250-999": (3, 7, 14),
                  "1000-4999": (5, 11, 22), "5000+": (8, 15, 30)}
# How long choosing a new system takes, by size band (months, low and high).
PROCUREMENT_MONTHS = {"1-49": (1, 3), "50-249": (2, 5), "250-999": (3, 8),
                      "1000-4999": (4, 12), "5000+": (6, 18)}
# Counts as words, through kb.core.swedish ("1 månad", "en parallellkörning").
MONTHS = {n: swedish.months(n) for n in range(1, 37)}
PARALLEL_RUNS = {1: "en parallellkörning",
                 **{n: swedish.plural(n, "parallellkörning", "parallellkörningar")
                    for n in range(2, 4)}}


class Generator:
    """Deterministic rows for a given seed, system ids and demo authors."""

    def __init__(self, seed: int, system_ids: dict[str, int], authors: dict[str, list[int]]):
        self.rng = FastRandom(seed)
        # Organisations draw from a generator of their own (kb.tools.demo.organisations).
        self.organisations = Pools(seed)
        # And contracts from one more (kb.tools.demo.contracts).
        self.contracts = Contracts(seed, self.organisations)
        self.texts = texts()
        self.places = self.texts.placeholders
        self.writer = Writer(self.rng, self.texts)
        entries = catalogue()
        self.names = {entry["slug"]: entry["name"] for entry in entries}
        self.vendors = {entry["slug"]: entry["vendor"].split(" (")[0] for entry in entries}
        deployment_kinds = {entry["slug"]: entry["deployment_kinds"].split() for entry in entries}
        self.system_ids = system_ids
        self.authors = authors
        self.slugs = [slug for slug in PROFILES if slug in system_ids]
        if not self.slugs:
            raise ValueError("No demo catalogue systems in the database.")
        self.systems = Weighted({slug: PROFILES[slug].weight for slug in self.slugs})
        self.sectors = {slug: Weighted(PROFILES[slug].sectors) for slug in self.slugs}
        self.sizes: dict[tuple[str, str], Weighted] = {}
        # Systems an organisation of a sector (and size band) plausibly leaves or moves to.
        self.by_sector = {
            sector: Weighted(
                {s: PROFILES[s].weight * PROFILES[s].sectors.get(sector, 0) for s in self.slugs}
            )
            for sector in vocab.SECTORS
        }
        self.by_segment: dict[tuple[str, str], Weighted] = {}
        for sector in vocab.SECTORS:
            for band in vocab.SIZE_BANDS:
                weights = {s: PROFILES[s].weight * PROFILES[s].sectors.get(sector, 0)
                           * PROFILES[s].sizes.get(band, 0) for s in self.slugs}
                fitting = Weighted(weights)
                self.by_segment[(sector, band)] = (
                    fitting if len(fitting.items) > 1 else self.by_sector[sector])
        self.reasons = SwitchReasons(self.texts.switch_reasons, system_facts(entries))
        self.phrases = self._sector_phrases()
        self.roles_small = Weighted(ROLES_SMALL)
        self.roles_large = Weighted(ROLES_LARGE)
        self.deployments = {
            slug: Weighted(
                list(zip(deployment_kinds[slug], (6, 3, 1), strict=False))
            )
            for slug in self.slugs
        }

    def _size(self, slug: str, sector: str) -> Weighted:
        key = (slug, sector)
        if key not in self.sizes:
            sizes = PROFILES[slug].sizes
            combined = {b: w * SECTOR_SIZES[sector].get(b, 0) for b, w in sizes.items()}
            self.sizes[key] = Weighted(combined if any(combined.values()) else sizes)
        return self.sizes[key]

    def _sector_phrases(self) -> dict[tuple[str, str], list[tuple[str, list[str]]]]:
        """Per sector and size band: the phrases that may describe such an organisation
        ("ett åkeri"), each with the collective agreements it may have."""
        found: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}
        for sector, phrases in self.places["sector_phrases"].items():
            agreements = self.places["agreements"][sector]
            for band in vocab.SIZE_BANDS:
                fitting = []
                for phrase in phrases:
                    if isinstance(phrase, str):
                        fitting.append((phrase, agreements))
                    elif band in phrase.get("sizes", vocab.SIZE_BANDS):
                        fitting.append((phrase["text"], phrase.get("agreements", agreements)))
                found[(sector, band)] = fitting or [(p if isinstance(p, str) else p["text"],
                                                     agreements) for p in phrases]
        return found

    def _other(self, slug: str, sector: str, size_band: str,
               before: int | None = None) -> str | None:
        """Another system an organisation of the segment plausibly runs; with `before`,
        one that existed before that year (a system switched from)."""
        choice = self.by_segment[(sector, size_band)]
        if len(choice.items) < 2 and slug in choice.items:
            choice = self.systems
        for _ in range(8):
            other = choice.pick(self.rng)
            if other != slug and (before is None or PROFILES[other].since < before):
                return other
        return None

    def row(self) -> dict:
        rng = self.rng
        slug = self.systems.pick(rng)
        profile = PROFILES[slug]
        sector = self.sectors[slug].pick(rng)
        size_band = self._size(slug, sector).pick(rng)
        employees = log_uniform(rng, *BAND_RANGES[size_band])
        small = size_band == "1-49"
        role = (self.roles_small if small else self.roles_large).pick(rng)
        deployment = self.deployments[slug].pick(rng) if rng.random() > 0.05 else None

        created = START + timedelta(seconds=int(rng.random() ** 0.75 * SPAN_SECONDS))
        if created.year < profile.since:
            earliest = datetime(profile.since, 1, 1)
            span = int((END - earliest).total_seconds())
            created = earliest + timedelta(seconds=int(rng.random() * span))
        created = created.replace(microsecond=0)
        if rng.random() < 0.85:
            updated = confirmed = created
        else:
            updated = min(END, created + timedelta(days=rng.randint(1, 400)))
            confirmed = updated if rng.random() < 0.7 else min(
                END, updated + timedelta(days=rng.randint(30, 200))
            )

        u = rng.random()
        status = "current" if u < 0.75 else "former" if u < 0.9 else "evaluating"
        since_low = min(profile.since, created.year)
        if status == "evaluating":
            in_use_since = None if rng.random() < 0.7 else created.year
        elif status == "former":
            in_use_since = rng.randint(since_low, max(since_low, created.year - 1))
        else:
            in_use_since = rng.randint(since_low, created.year)
        if status == "former":
            until = rng.randint(min(in_use_since + 1, created.year), created.year)
        else:
            until = created.year

        mood = profile.mood - (0.6 if status == "former" else 0.0)
        satisfaction = clamp(rng.gauss(mood, 0.95), 1, 5)
        row: dict = {
            "author_id": rng.choice(self.authors[role]) if self.authors.get(role) else None,
            "system_id": self.system_ids[slug],
            "sector": sector,
            "size_band": size_band,
            "employees_paid": employees if rng.random() > 0.04 else None,
            "reviewer_role": role,
            "deployment": deployment,
            "in_use_since": in_use_since,
            "usage_status": status,
            "satisfaction": satisfaction,
        }
        gauss = rng.gauss
        for column, offset, gap in zip(
            RATING_COLUMNS, profile.aspects, RATING_GAPS[status], strict=True
        ):
            if rng.random() < gap:
                row[column] = None
            else:
                row[column] = clamp(satisfaction + offset + gauss(0, 0.75), 1, 5)
        if rng.random() < 0.05:
            row["recommend"] = None
        else:
            row["recommend"] = clamp((satisfaction - 1) * 2.4 + 0.6 + rng.gauss(0, 1.3), 0, 10)

        unknown = 0.06 + (0.12 if role in ("hr", "ekonomi") else 0) + (
            0.15 if status == "evaluating" else 0
        )
        shift = (satisfaction - 3) * 0.07
        for column, letter in zip(CAP_COLUMNS, profile.caps, strict=True):
            if rng.random() < unknown:
                row[column] = "unknown"
                continue
            p_good, p_work, p_miss = CAP_LEVELS[letter]
            p_good = min(0.97, max(0.02, p_good + shift))
            v = rng.random()
            if v < p_good:
                level = "good"
            elif v < p_good + (1 - p_good) * p_work / (p_work + p_miss):
                level = "workaround"
            else:
                level = "missing"
            row[column] = level

        # A switch to this system: from one that existed before the year it came in.
        switched_from = None
        go_live = None
        low, typical, high = GO_LIVE_MONTHS[size_band]
        if rng.random() < 0.22 and status != "evaluating":
            switched_from = self._other(slug, sector, size_band, before=in_use_since)
            if switched_from is not None:
                go_live = max(low, min(high, int(rng.gauss(typical, typical / 3))))
        considering = None
        if status == "current" and rng.random() < (0.0, 0.55, 0.4, 0.14, 0.04, 0.015)[satisfaction]:
            considering = self._other(slug, sector, size_band)
        row["switched_from_id"] = self.system_ids[switched_from] if switched_from else None
        row["go_live_months"] = go_live
        row["considering_switch_to_id"] = self.system_ids[considering] if considering else None
        row["visibility"] = "members" if rng.random() < 0.15 else "public"
        row["anonymous"] = rng.random() < 0.25
        row["moderation_state"] = vocab.ModerationState.PUBLISHED.value
        row["is_demo"] = True
        row["created_at"] = created
        row["updated_at"] = updated
        row["confirmed_at"] = confirmed

        # Which topics read as strengths and weaknesses for this row.
        goods: list[str] = []
        bads: list[tuple[str, str]] = []
        for topic, source in TOPIC_SOURCE.items():
            value = row[source]
            if value is None:
                value = satisfaction
            if value in ("good", 4, 5):
                goods.append(topic)
            elif value == "workaround" or value in (1, 2):
                bads.append((topic, "bad"))
            elif value == "missing":
                bads.append((topic, "missing"))
            elif value == 3 and rng.random() < 0.5:
                bads.append((topic, "bad"))

        years = max(1, until - (in_use_since or created.year))
        places = self.places
        sector_phrase, agreements = rng.choice(self.phrases[(sector, size_band)])
        agreement = rng.choice(agreements)
        admins = max(1, employees // 450 + (rng.randint(0, 2) if employees >= 250 else 0))
        # What only a switch's texts tell: how it went, why, and the old satisfaction.
        switch = previous = None
        parallel_runs = procurement = 1
        if switched_from is not None:
            parallel_runs = min(rng.randint(1, 3), go_live)
            procurement = rng.randint(*PROCUREMENT_MONTHS[size_band])
            switch = self.reasons.pick(rng, switched_from, slug, sector, satisfaction)
            previous = self._previous_satisfaction(*switch)
        row["previous_satisfaction"] = previous
        names = self.names
        name = names[slug]
        slots = {
            "system": name,
            "System": name,
            "vendor": self.vendors[slug],
            "from": names[switched_from] if switched_from else places["no_previous_system"],
            "considering": names[considering] if considering else places["no_considered_system"],
            "agreement": agreement,
            "semester_pct": 13 if agreement in ("Handels", "Detaljhandelsavtalet") else 12,
            "pension_co": rng.choice(places["pension_companies"][sector]),
            "time_system": rng.choice(places["time_systems"]),
            "ledger": rng.choice(places["ledgers"]),
            "employees": swedish.thousands(employees, space=" "),
            "since": in_use_since or created.year,
            "until": until,
            "years": "ett" if years == 1 else years,
            "go_live": MONTHS[go_live or rng.randint(low, high)],
            "parallel_runs": PARALLEL_RUNS[parallel_runs],
            "procurement": MONTHS[procurement],
            "delay": rng.randint(2, 9),
            # Counts of people or cases, never more than half the organisation.
            "n": rng.randint(3, max(3, min(60, employees // 2))),
            "n_small": rng.randint(2, 6),
            "pct": rng.choice((5, 10, 15, 20, 25, 30, 40)),
            "month": rng.choice(places["months"]),
            "payday": rng.choice(places["paydays"]),
            "sector_phrase": sector_phrase,
            "statistics_body": places["statistics_bodies"][sector],
            "org_plural": places["org_plural"][sector],
            "role_phrase": places["role_phrases"][role],
            "admins": "en löneadministratör" if admins == 1 else f"{admins} löneadministratörer",
        }
        flags = row_flags(status, switched_from is not None, considering is not None)
        self.writer.write(row, goods, bads, slots, flags, switch)
        # The organisation's name; seeding turns it into organisation_id.
        row["organisation"] = self.organisations.pick(slug, sector, size_band)
        row.update(self.contracts.facts(row, slug))
        return row

    def _previous_satisfaction(self, reason, extra) -> int:
        """How satisfied they were with the old system when they left (1–5), in the
        range the reason gives: no more than 3 when they complain of it."""
        low, high = reason.previous
        if extra is not None and "worse_before" in extra.needs:
            high = min(high, 3)
        return self.rng.randint(low, max(low, high))

    def rows(self, count: int) -> Iterator[dict]:
        for _ in range(count):
            yield self.row()


def generate_experiences(
    count: int,
    seed: int = 1,
    system_ids: dict[str, int] | None = None,
    authors: dict[str, list[int]] | None = None,
) -> Iterator[dict]:
    """Yield `count` experience rows as plain dicts (no database access).

    Without system ids, slugs are numbered by catalogue position; without authors,
    author_id is None. The same arguments always give the same rows.
    """
    if system_ids is None:
        system_ids = {entry["slug"]: i for i, entry in enumerate(catalogue(), start=1)}
    return Generator(seed, system_ids, authors or {}).rows(count)


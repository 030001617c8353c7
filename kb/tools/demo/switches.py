"""Which switch reasons fit a move from one system to another (data/switch_reasons.json).

A reason names what it needs of the pair (`needs`), judged from what profiles.py and
the catalogue say each system is known for, so that no reason praises the old system
or credits the new one with something it is weak at:

- `worse_before`: the old system is not known for this (capability or sub-rating key),
  and the new one does it better: a complaint about the old system;
- `known_for`: as `worse_before`, and the new system is known for it;
- `not_worse`: the new system does this at least as well as the old one;
- `from_kind` / `to_kind`: deployment kinds the old / new system offers (one of them);
- `from_legacy`: the old system is an installed system of long standing (LEGACY_SINCE);
- `same_vendor`: both systems come from one vendor;
- `sectors`: the organisation's sector is one of these.

`previous` is the range the old system's satisfaction (when they left) is drawn from,
and `tone` (kb.tools.demo.pools.TONES) which ratings of the new system a reason may go
with. Every pair the generator makes has a fitting reason: those needing nothing but a
sector cover every sector.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kb.core import vocab
from kb.tools.demo.pools import TONES, fits
from kb.tools.demo.profiles import PROFILES, RATING_KEYS

# An installed system in use since this year or earlier is one a vendor may retire.
LEGACY_SINCE = 2008
# How well a system is known to do a capability, by its profile letter.
CAPABILITY_LEVEL = {"G": 2, "g": 1, "W": 0, "w": -1, "M": -2}
STRONG_CAPABILITY = 2
# A sub-rating offset this far from a system's mood is what it is known for (or not).
ASPECT_STEP = 0.2
NEEDS = frozenset({"worse_before", "known_for", "not_worse", "from_kind", "to_kind",
                   "from_legacy", "same_vendor", "sectors"})


@dataclass(frozen=True)
class SystemFacts:
    slug: str
    vendor: str
    kinds: frozenset[str]
    since: int
    levels: dict[str, float]  # capability and sub-rating key -> how well it is known to do it
    strong: frozenset[str]  # what it is known for


def system_facts(catalogue: list[dict]) -> dict[str, SystemFacts]:
    facts = {}
    capability_keys = list(vocab.CAPABILITIES)
    for entry in catalogue:
        profile = PROFILES.get(entry["slug"])
        if profile is None:
            continue
        levels: dict[str, float] = {}
        strong = set()
        for key, letter in zip(capability_keys, profile.caps, strict=True):
            levels[key] = CAPABILITY_LEVEL[letter]
            if levels[key] >= STRONG_CAPABILITY:
                strong.add(key)
        for key, offset in zip(RATING_KEYS, profile.aspects, strict=True):
            levels[key] = offset / ASPECT_STEP  # one step per ASPECT_STEP
            if offset >= ASPECT_STEP:
                strong.add(key)
        facts[entry["slug"]] = SystemFacts(
            entry["slug"], entry["vendor"].split(" (")[0],
            frozenset(entry["deployment_kinds"].split()), profile.since, levels,
            frozenset(strong))
    return facts


def _better(key: str, old: SystemFacts, new: SystemFacts) -> bool:
    """The new system does `key` clearly better, and the old one is not known for it."""
    return key not in old.strong and new.levels[key] >= old.levels[key] + 1


def pair_fits(needs: dict, old: SystemFacts, new: SystemFacts, sector: str) -> bool:
    """Whether a reason needing `needs` may explain a move from `old` to `new`."""
    if "sectors" in needs and sector not in needs["sectors"]:
        return False
    return _systems_fit(needs, old, new)


def _systems_fit(needs: dict, old: SystemFacts, new: SystemFacts) -> bool:
    """`pair_fits` but for the sector."""
    if any(not _better(key, old, new) for key in needs.get("worse_before", ())):
        return False
    if any(key not in new.strong or not _better(key, old, new)
           for key in needs.get("known_for", ())):
        return False
    if any(new.levels[key] < old.levels[key] or new.levels[key] < 0
           for key in needs.get("not_worse", ())):
        return False
    if "from_kind" in needs and not old.kinds & set(needs["from_kind"]):
        return False
    if "to_kind" in needs and not new.kinds & set(needs["to_kind"]):
        return False
    if needs.get("from_legacy") and not (
            "on_premises" in old.kinds and old.since <= LEGACY_SINCE):
        return False
    return not (needs.get("same_vendor") and old.vendor != new.vendor)


@dataclass(frozen=True)
class Reason:
    text: str
    about: str
    tone: str
    previous: tuple[int, int]
    needs: dict


def _reasons(items: list[dict], default_about: str = "") -> list[Reason]:
    found = []
    for item in items:
        unknown = set(item.get("needs", {})) - NEEDS
        if unknown:
            raise ValueError(f"switch_reasons.json: unknown needs {sorted(unknown)}")
        tone = item.get("tone", "neutral")
        if tone not in TONES:
            raise ValueError(f"switch_reasons.json: unknown tone {tone!r}")
        found.append(Reason(item["text"], item.get("about", default_about), tone,
                            tuple(item.get("previous", (1, 5))), item.get("needs", {})))
    return found


class SwitchReasons:
    """The reasons and extra sentences that fit each pair, sector and rating, worked
    out once per combination."""

    def __init__(self, data: dict, facts: dict[str, SystemFacts]):
        self.reasons = _reasons(data["reasons"])
        self.extra = _reasons(data["extra"], "extra")
        self.facts = facts
        self._cache: dict[tuple, tuple[list[Reason], list[Reason]]] = {}
        self._pairs: dict[tuple[str, str], tuple[list[Reason], list[Reason]]] = {}

    def fitting(self, old: str, new: str, sector: str,
                satisfaction: int) -> tuple[list[Reason], list[Reason]]:
        key = (old, new, sector, satisfaction)
        found = self._cache.get(key)
        if found is None:
            pair = self._pairs.get((old, new))
            if pair is None:
                a, b = self.facts[old], self.facts[new]
                pair = self._pairs[(old, new)] = tuple(
                    [reason for reason in pool if _systems_fit(reason.needs, a, b)]
                    for pool in (self.reasons, self.extra))
            found = self._cache[key] = tuple(
                [reason for reason in pool if fits(reason.tone, satisfaction)
                 and sector in reason.needs.get("sectors", (sector,))]
                for pool in pair)
        return found

    def pick(self, rng: random.Random, old: str, new: str, sector: str,
             satisfaction: int) -> tuple[Reason, Reason | None]:
        reasons, extra = self.fitting(old, new, sector, satisfaction)
        reason = reasons[int(rng.random() * len(reasons))]
        more = None
        if extra and rng.random() < 0.6:
            more = extra[int(rng.random() * len(extra))]
        return reason, more

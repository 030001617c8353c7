"""Sentences in pools tagged with a tone, and the rule that keeps a text's tone in step
with the rating it goes with.

A pool in data/ is a list of sentences of one tone, or an object of tone -> list. An
entry is a string or {"text": ..., "when": [conditions]}: a condition is something the
row must be (`switched`, `considering`, `current`, ...; `not_` before one: must not be).
A writer draws from the entries whose tone fits the row's satisfaction and whose
conditions the row meets, so a ★1 never gets a satisfied customer's verdict and a ★5
never a complaint (tests/unit/tools/test_demo_coherence.py checks every row).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Tone -> the overall satisfactions (1–5) a text of that tone may go with.
TONES: dict[str, tuple[int, int]] = {
    "praise": (4, 5),  # a satisfied customer's verdict
    "favourable": (3, 5),  # leans positive, more than a fact
    "positive": (1, 5),  # one thing that works (a pro: even a ★1 may name one)
    "neutral": (1, 5),  # context, facts, advice
    "mixed": (2, 4),  # good and bad in one breath
    "negative": (1, 5),  # one thing that does not work (a con: even a ★5 may name one)
    "critical": (1, 3),  # leans negative, more than a fact
    "complaint": (1, 2),  # a dissatisfied customer's verdict
}
# What a row may be (or, with not_ before it, must not be) for an entry to fit it.
CONDITIONS = frozenset({"switched", "considering", "current", "former", "evaluating"})


def fits(tone: str, satisfaction: int) -> bool:
    low, high = TONES[tone]
    return low <= satisfaction <= high


def row_flags(usage_status: str, switched: bool, considering: bool) -> frozenset[str]:
    """The conditions a row meets, as entries' `when` lists name them."""
    key = (usage_status, switched, considering)
    found = _FLAGS.get(key)
    if found is None:
        found = _FLAGS[key] = frozenset(
            [usage_status]
            + (["switched"] if switched else ["not_switched"])
            + (["considering"] if considering else ["not_considering"])
            + [f"not_{status}" for status in ("current", "former", "evaluating")
               if status != usage_status]
        )
    return found


_FLAGS: dict[tuple[str, bool, bool], frozenset[str]] = {}


@dataclass(frozen=True)
class Entry:
    text: str
    tone: str
    when: frozenset[str] = frozenset()


class Pool:
    """The entries of one list in data/, with what each satisfaction and row may use
    worked out once (a draw costs one random number, as rng.choice did)."""

    __slots__ = ("name", "entries", "_candidates")

    def __init__(self, name: str, data, tone: str | None = None):
        self.name = name
        self.entries: list[Entry] = []
        groups = data.items() if isinstance(data, dict) else [(tone, data)]
        for group_tone, items in groups:
            if group_tone not in TONES:
                raise ValueError(f"{name}: unknown tone {group_tone!r}")
            for item in items:
                if isinstance(item, str):
                    self.entries.append(Entry(item, group_tone))
                    continue
                when = frozenset(item.get("when", ()))
                unknown = {c.removeprefix("not_") for c in when} - CONDITIONS
                if unknown:
                    raise ValueError(f"{name}: unknown conditions {sorted(unknown)}")
                self.entries.append(Entry(item["text"], group_tone, when))
        self._candidates: dict[tuple[int, frozenset[str]], list[Entry]] = {}

    def candidates(self, satisfaction: int, flags: frozenset[str]) -> list[Entry]:
        key = (satisfaction, flags)
        found = self._candidates.get(key)
        if found is None:
            found = [entry for entry in self.entries
                     if fits(entry.tone, satisfaction) and entry.when <= flags]
            self._candidates[key] = found
        return found

    def pick(self, rng: random.Random, satisfaction: int, flags: frozenset[str]) -> Entry:
        found = self._candidates.get((satisfaction, flags))
        if found is None:
            found = self.candidates(satisfaction, flags)
        if not found:
            raise LookupError(f"{self.name}: nothing for satisfaction {satisfaction}, "
                              f"{sorted(flags)}")
        return found[int(rng.random() * len(found))]

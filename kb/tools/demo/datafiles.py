"""The demo data files in data/: the catalogue and the Swedish sentences, read on use."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any


def _load(name: str) -> Any:
    return json.loads(files(__package__).joinpath("data", f"{name}.json").read_text("utf-8"))


@cache
def _catalogue() -> tuple[dict, ...]:
    entries = _load("catalogue")
    for entry in entries:
        entry.setdefault("status", "active")
    return tuple(entries)


def catalogue() -> list[dict]:
    """The real payroll systems of the demo, in file order (their ids when generated
    without a database); a fresh copy on every call."""
    return [dict(entry) for entry in _catalogue()]


@dataclass(frozen=True)
class Texts:
    """Everything the generator writes with; data/README.md says how each is used."""

    topics: dict[str, dict]  # topics.json
    adverbials: dict[str, list[str]]  # adverbials.json: neutral, good, bad
    placeholders: dict[str, Any]  # placeholders.json: what {agreement}, {pension_co}, ... become
    pros: list[str]  # pros_cons.json
    cons: list[str]
    tips: list[str]  # tips.json
    body: dict[str, Any]  # body.json: intros, middle, closings, ...
    switch_reasons: list[str]  # switch_reasons.json
    switch_extra: list[str]
    titles: dict[str, list[str]]  # titles.json, by kind
    title_fallbacks: dict[str, str]


@cache
def texts() -> Texts:
    pros_cons = _load("pros_cons")
    switch = _load("switch_reasons")
    titles = _load("titles")
    fallbacks = titles.pop("fallbacks")
    return Texts(
        topics=_load("topics"),
        adverbials=_load("adverbials"),
        placeholders=_load("placeholders"),
        pros=pros_cons["pros"],
        cons=pros_cons["cons"],
        tips=_load("tips"),
        body=_load("body"),
        switch_reasons=switch["reasons"],
        switch_extra=switch["extra"],
        titles=titles,
        title_fallbacks=fallbacks,
    )

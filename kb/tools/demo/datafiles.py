"""The demo data files in data/: the catalogue and the Swedish sentences, read on use."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from kb.tools.demo.pools import Pool


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
    """Everything the generator writes with; data/README.md says how each is used.
    Lists of whole sentences are Pools (kb.tools.demo.pools): tagged with a tone."""

    topics: dict[str, dict]  # topics.json (good/bad predicates: positive/negative tone)
    adverbials: dict[str, list]  # adverbials.json: by tone
    adverbials_good: Pool  # what may open a sentence about something that works
    adverbials_bad: Pool  # ... about something that does not
    placeholders: dict[str, Any]  # placeholders.json: what {agreement}, {pension_co}, ... become
    pros: Pool  # pros_cons.json
    cons: Pool
    tips: Pool  # tips.json
    body: dict[str, Any]  # body.json as read: intros, middle, closings, ...
    pools: dict[str, Pool]  # body.json's sentence lists as pools, by name
    switch_reasons: dict[str, list]  # switch_reasons.json: reasons, extra
    titles: dict[str, Pool]  # titles.json, by kind
    title_fallbacks: dict[str, str]


@cache
def texts() -> Texts:
    pros_cons = _load("pros_cons")
    titles = _load("titles")
    fallbacks = titles.pop("fallbacks")
    adverbials = _load("adverbials")
    body = _load("body")
    pools = {f"intros.{usage}": Pool(f"body.json intros.{usage}", items, "neutral")
             for usage, items in body["intros"].items()}
    pools["considering"] = Pool("body.json considering", body["considering"], "neutral")
    for name in ("switch_story", "middle", "closings", "closings_evaluating", "closings_former"):
        pools[name] = Pool(f"body.json {name}", body[name])
    return Texts(
        topics=_load("topics"),
        adverbials=adverbials,
        adverbials_good=Pool("adverbials.json (good news)", {
            tone: adverbials[tone] for tone in ("neutral", "favourable")}),
        adverbials_bad=Pool("adverbials.json (bad news)", {
            tone: adverbials[tone] for tone in ("neutral", "negative", "critical")}),
        placeholders=_load("placeholders"),
        pros=Pool("pros_cons.json pros", pros_cons["pros"]),
        cons=Pool("pros_cons.json cons", pros_cons["cons"]),
        tips=Pool("tips.json", _load("tips"), "neutral"),
        body=body,
        pools=pools,
        switch_reasons=_load("switch_reasons"),
        titles={kind: Pool(f"titles.json {kind}", items) for kind, items in titles.items()},
        title_fallbacks=fallbacks,
    )

"""Choosing the systems to put side by side."""

from __future__ import annotations

from kb.models import PayrollSystem

MIN_SYSTEMS = 2
MAX_SYSTEMS = 4


def chosen_systems(slugs: list[str], systems: list[PayrollSystem]):
    """The systems named by `s` (in order, without repeats) and what was wrong, in Swedish."""
    by_slug = {system.slug: system for system in systems}
    chosen, problems = [], []
    for slug in dict.fromkeys(slug.strip() for slug in slugs if slug.strip()):
        if slug not in by_slug:
            problems.append(f"Lönesystemet ”{slug[:80]}” finns inte.")
        else:
            chosen.append(by_slug[slug])
    if len(chosen) > MAX_SYSTEMS:
        problems.append(
            f"Du kan jämföra högst {MAX_SYSTEMS} system; de {MAX_SYSTEMS} första visas."
        )
        chosen = chosen[:MAX_SYSTEMS]
    return chosen, problems


def alternatives(market, chosen: list[PayrollSystem], systems: list[PayrollSystem],
                 limit: int) -> list[PayrollSystem]:
    """The segment's most common systems (kb.stats.Market, most run today first) that
    are not chosen yet."""
    by_id = {system.id: system for system in systems}
    taken = {system.id for system in chosen}
    found = [by_id[s.system.id] for s in market.systems
             if s.system.id in by_id and s.system.id not in taken]
    return found[:limit]

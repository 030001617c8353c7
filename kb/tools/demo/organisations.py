"""Demo organisations: whom each synthetic experience speaks for.

Roughly how many Swedish organisations there are of each sector and size band
(ORGANISATIONS) is shared out among the systems in proportion to how often the
generator gives a system that sector and size; an experience's organisation is
drawn among its own system's. So an organisation runs one system, and when the
demo has more experiences of a system in a segment than the segment has such
organisations, several experiences come from one organisation and count once
(kb.stats) – as in a network where several members of one kommun write.

The draws come from a random generator of their own: every other value of a row
is what it was before experiences had organisations. Names say plainly that they
are examples, and are the same for every seed (a name's number follows from its
sector, size band, system and place in the pool).
"""

from __future__ import annotations

from kb.core import vocab
from kb.tools.demo.profiles import PROFILES, SECTOR_SIZES
from kb.tools.demo.sampling import FastRandom

# About how many organisations of each sector and size band there are in Sweden.
ORGANISATIONS = {
    "kommun": {"250-999": 110, "1000-4999": 140, "5000+": 40},
    "region": {"1000-4999": 2, "5000+": 19},
    "statlig": {"1-49": 60, "50-249": 70, "250-999": 60, "1000-4999": 35, "5000+": 10},
    "kommunalt_bolag": {"1-49": 600, "50-249": 400, "250-999": 100, "1000-4999": 20,
                        "5000+": 2},
    "privat": {"1-49": 300_000, "50-249": 9_000, "250-999": 2_000, "1000-4999": 600,
               "5000+": 120},
    "ideell": {"1-49": 20_000, "50-249": 800, "250-999": 100, "1000-4999": 15, "5000+": 2},
}
# Where the table has no figure (a combination the generator rarely makes).
FEW = 5
NAMES = {
    "kommun": "Exempelkommun",
    "region": "Exempelregionen",
    "statlig": "Exempelmyndigheten",
    "kommunalt_bolag": "Exempelbolaget (kommunalt)",
    "privat": "Exempelföretaget",
    "ideell": "Exempelföreningen",
}


def _likelihoods(sector: str, size_band: str) -> dict[str, float]:
    """How likely the generator makes an experience of each system in this segment."""
    total_weight = sum(profile.weight for profile in PROFILES.values())
    found = {}
    for slug, profile in PROFILES.items():
        sectors = sum(profile.sectors.values())
        sizes = {band: weight * SECTOR_SIZES[sector].get(band, 0)
                 for band, weight in profile.sizes.items()}
        if not any(sizes.values()):
            sizes = dict(profile.sizes)
        found[slug] = (profile.weight / total_weight * profile.sectors.get(sector, 0) / sectors
                       * sizes.get(size_band, 0) / sum(sizes.values()))
    return found


def _shares(likelihoods: dict[str, float], count: int) -> dict[str, int]:
    """`count` organisations shared out in proportion to the likelihoods (largest
    remainders), so a segment has no more organisations than the country has (21
    regions); a system the segment may run gets one at least, one it never runs one all
    the same (never drawn)."""
    total = sum(likelihoods.values())
    if not total:
        return {slug: 1 for slug in likelihoods}
    running = [slug for slug, likelihood in likelihoods.items() if likelihood > 0]
    exact = {slug: count * likelihoods[slug] / total for slug in running}
    shares = {slug: max(1, int(exact[slug])) for slug in running}
    left = count - sum(shares.values())
    for slug in sorted(running, key=lambda s: (-(exact[s] - int(exact[s])), s))[:max(0, left)]:
        shares[slug] += 1
    return {slug: shares.get(slug, 1) for slug in likelihoods}


class Pools:
    """Each segment's organisations, shared out among the systems; numbered per sector."""

    def __init__(self, seed: int):
        self.rng = FastRandom(f"organisations-{seed}")
        self._pools: dict[tuple[str, str, str], tuple[int, int]] = {}
        for sector in vocab.SECTORS:
            number = 1
            for size_band in vocab.SIZE_BANDS:
                likelihoods = _likelihoods(sector, size_band)
                count = ORGANISATIONS[sector].get(size_band, FEW)
                for slug, pool in _shares(likelihoods, count).items():
                    self._pools[(sector, size_band, slug)] = (number, pool)
                    number += pool

    def pick(self, slug: str, sector: str, size_band: str) -> str:
        """The name of one of the organisations running `slug` in the segment."""
        first, pool = self._pools[(sector, size_band, slug)]
        return f"{NAMES[sector]} {first + int(self.rng.random() * pool)}"

    def numbers(self, slug: str, sector: str) -> list[int]:
        """The numbers of the sector's organisations running `slug`, of every size band
        (draws nothing)."""
        return [number for size_band in vocab.SIZE_BANDS
                if (found := self._pools.get((sector, size_band, slug)))
                for number in range(found[0], found[0] + found[1])]

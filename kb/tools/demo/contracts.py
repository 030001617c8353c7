"""The contract behind a demo answer (kb.procurement): when it ends, its options, how it
was procured and with whom, the next planned procurement, and who reads the facts.

Public organisations procure under LOU and most of their answers say so; private firms
and associations rarely give a contract. Kommuner and regioner call off from Adda's
framework agreements, procure on their own or together with neighbours; statliga
myndigheter called off from Kammarkollegiet's framework (2013–2018, call-offs running
through 2026 at the latest) or have their payroll run as a service; a kommunalt bolag
often has its payroll run by its kommun. The next procurement comes a year or two
before the contract ends. The years are counted from the demo's last day (profiles.END),
not from today, so a seed gives the same rows every year.

The draws come from a random generator of their own, after everything else of a row
(its organisation included), so every other value is what it was before answers had
contracts. A public organisation keeps the facts it drew first for all its current
answers (several members of one region write about one contract); the organisations
it procured together with are demo organisations of its sector running the same
system, numbered near it, and are named only on answers that are not anonymous.
"""

from __future__ import annotations

from kb.tools.demo.organisations import NAMES, Pools
from kb.tools.demo.profiles import END
from kb.tools.demo.sampling import FastRandom, Weighted

REFERENCE_YEAR = END.year
# The first year a next procurement may be planned for (kb.procurement.contracts).
NEXT_FIRST = REFERENCE_YEAR - 1
# The last year a Kammarkollegiet call-off from the 2013–2018 framework may run.
KAMMARKOLLEGIET_LAST = 2026
# Chance that a current answer of the sector gives its contract.
SHARES = {"kommun": 0.72, "region": 0.8, "statlig": 0.7, "kommunalt_bolag": 0.5,
          "privat": 0.05, "ideell": 0.06}
PUBLIC = frozenset({"kommun", "region", "statlig", "kommunalt_bolag"})
# How each sector procured (None: not said).
ROUTES = {
    "kommun": {"adda": 34, "own": 24, "joint": 22, "service": 10, "other_framework": 6,
               "direct": 2, None: 2},
    "region": {"own": 40, "adda": 24, "joint": 26, "other_framework": 6, "service": 4},
    "statlig": {"kammarkollegiet": 52, "service": 24, "own": 19, "direct": 5},
    "kommunalt_bolag": {"service": 32, "adda": 24, "own": 18, "direct": 14, "joint": 12},
    "privat": {"direct": 35, "own": 25, None: 40},
    "ideell": {"direct": 35, "own": 25, None: 40},
}
# Years from REFERENCE_YEAR the contract ends: a few already past (run on beyond their
# end), most within the next six, some further.
END_OFFSETS = {-2: 3, -1: 5, 0: 8, 1: 12, 2: 13, 3: 13, 4: 12, 5: 10, 6: 8, 7: 6, 8: 4}
# An organisation considering another system has its contract end sooner.
END_OFFSETS_CONSIDERING = {-1: 3, 0: 10, 1: 14, 2: 12, 3: 8, 4: 3}
EXTENSIONS = {"2+2 år": 30, "2+1+1 år": 20, "1+1 år": 15, "2+1 år": 15, "1+1+1 år": 10, "": 25}
AUDIENCES = {"same": 80, "members": 14, "private": 6}
# How many neighbours a joint procurement names, and how near (in the pool's order).
PARTNERS = {1: 5, 2: 4, 3: 1}
NEAR = 4

NO_CONTRACT = {"contract_end_year": None, "contract_end_month": None,
               "contract_extension": "", "procurement_route": None, "procured_with": "",
               "next_procurement_year": None, "contract_audience": "same"}


class Contracts:
    """The contract facts of each row, from a random generator of their own."""

    def __init__(self, seed: int, pools: Pools):
        self.rng = FastRandom(f"contracts-{seed}")
        self.pools = pools
        self.routes = {sector: Weighted(weights) for sector, weights in ROUTES.items()}
        self.offsets = Weighted(END_OFFSETS)
        self.offsets_considering = Weighted(END_OFFSETS_CONSIDERING)
        self.extensions = Weighted(EXTENSIONS)
        self.audiences = Weighted(AUDIENCES)
        self.partners = Weighted(PARTNERS)
        # A public organisation's facts, drawn on its first current answer.
        self._known: dict[str, dict] = {}
        self._numbers: dict[tuple[str, str], list[int]] = {}

    def facts(self, row: dict, slug: str) -> dict:
        """The seven contract columns of a row (its organisation already chosen)."""
        if row["usage_status"] != "current":
            return NO_CONTRACT
        sector = row["sector"]
        if sector in PUBLIC:
            name = row["organisation"]
            facts = self._known.get(name)
            if facts is None:
                facts = self._known[name] = self._draw(row, slug)
        else:
            facts = self._draw(row, slug)
        if row["anonymous"] and facts["procured_with"]:
            # Named partners would tell who wrote it.
            return {**facts, "procured_with": ""}
        return facts

    def _draw(self, row: dict, slug: str) -> dict:
        rng = self.rng
        sector = row["sector"]
        if rng.random() >= SHARES[sector]:
            return NO_CONTRACT
        route = self.routes[sector].pick(rng)
        offsets = self.offsets_considering if row["considering_switch_to_id"] else self.offsets
        end = REFERENCE_YEAR + offsets.pick(rng)
        extension = self.extensions.pick(rng)
        if route == "kammarkollegiet" and rng.random() < 0.65:
            # A call-off from the 2013–2018 framework: through 2026 at the latest.
            end = KAMMARKOLLEGIET_LAST - int(rng.random() * 3)
            extension = ""
        started = row["in_use_since"]
        if started is not None and end < started + 2:
            # A contract runs four years or more from going live.
            end = started + 4 + int(rng.random() * 5)
        if route == "service" and rng.random() < 0.6:
            extension = ""
        month = 1 + int(rng.random() * 12) if rng.random() < 0.45 else None
        planned = None
        if rng.random() < 0.75:
            planned = end - (1 if rng.random() < 0.55 else 2)
            if planned < REFERENCE_YEAR:
                # Due already: under way since last year, this year or the next.
                due = rng.random()
                planned = (NEXT_FIRST if due < 0.2 else REFERENCE_YEAR if due < 0.6
                           else REFERENCE_YEAR + 1)
        if rng.random() < 0.08:
            # Only how it was procured.
            end = month = planned = None
            extension = ""
        partners = ""
        if route == "joint":
            partners = ", ".join(self._neighbours(row["organisation"], sector, slug))
        return {"contract_end_year": end, "contract_end_month": month,
                "contract_extension": extension, "procurement_route": route,
                "procured_with": partners, "next_procurement_year": planned,
                "contract_audience": self.audiences.pick(rng)}

    def _neighbours(self, name: str, sector: str, slug: str) -> list[str]:
        """Demo organisations of the sector running the same system, numbered near this
        one (none when it is the only one)."""
        key = (sector, slug)
        numbers = self._numbers.get(key)
        if numbers is None:
            numbers = self._numbers[key] = self.pools.numbers(slug, sector)
        own = int(name.rsplit(" ", 1)[1])
        if own not in numbers:
            return []
        place = numbers.index(own)
        near = numbers[max(0, place - NEAR):place] + numbers[place + 1:place + 1 + NEAR]
        if not near:
            return []
        chosen = self.rng.sample(near, min(self.partners.pick(self.rng), len(near)))
        return [f"{NAMES[sector]} {n}" for n in sorted(chosen)]

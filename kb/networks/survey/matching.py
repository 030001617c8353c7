"""System names as a sheet writes them, matched to kb's catalogue by name and aliases,
without regard to case and punctuation: "Visma Personec P", "personec" and
"Heroma (CGI)" find Personec P and Heroma. A name found nowhere is unknown; the
leader maps it to a catalogue system or proposes it as a new one."""

from __future__ import annotations

import re

from kb import catalogue
from kb.models import PayrollSystem
from kb.networks.survey.values import key


class Catalogue:
    """The catalogue's systems by every name they go by."""

    def __init__(self, systems: list[PayrollSystem] | None = None,
                 proposed: list[PayrollSystem] | None = None, network_id: int | None = None):
        self.systems = systems if systems is not None else catalogue.listed_systems()
        self.by_id = {system.id: system for system in self.systems}
        # Proposals waiting for a moderator that this network's earlier sheets made:
        # found by their exact name only, so the same sheet again finds what it proposed
        # (nobody else's proposal: those are not the network's to see).
        if proposed is None:
            proposed = [system for system in catalogue.proposed_systems()
                        if network_id is not None and system.proposed_network_id == network_id]
        self.proposed = {key(system.name): system for system in proposed}
        self.names: dict[str, PayrollSystem] = {}
        self.vendors: set[str] = set()
        for system in self.systems:
            for name in (system.name, *system.alias_list, system.slug.replace("-", " "),
                         f"{system.vendor} {system.name}"):
                self.names.setdefault(key(name), system)
            self.vendors.update(key(system.vendor).split())

    def find(self, written: str) -> PayrollSystem | None:
        """The system a written name means, or None when it is not known."""
        folded = key(written)
        if not folded:
            return None
        if folded in self.names:
            return self.names[folded]
        # "Heroma (CGI)": the name without what is in brackets, then without the vendor.
        bare = key(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", written))
        if bare in self.names:
            return self.names[bare]
        words = [word for word in folded.split() if word not in self.vendors]
        found = self.names.get(" ".join(words)) if words else None
        return found or self.proposed.get(folded)

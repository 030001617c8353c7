"""Which column of a sheet holds what: the fields a survey answer has, and a first guess
from the headers in Swedish or English that the leader then corrects."""

from __future__ import annotations

import re

from kb.networks.survey.values import key

# Field -> its Swedish name in the mapping form.
FIELDS = {
    "organisation": "Organisation",
    "system": "Lönesystem",
    "satisfaction": "Nöjdhet",
    "recommend": "Rekommendation (0–10)",
    "in_use_since": "I bruk sedan (år)",
    "considering": "Funderar på att byta",
    "sector": "Sektor",
    "size": "Storlek",
    "comment": "Kommentar",
    "contract_end": "Avtalet löper ut (år)",
}
REQUIRED = ("organisation", "system", "satisfaction")

# Words in a header that name a field, tried field by field in this order: the more
# particular questions first, so "Hur nöjd är ni med systemet?" is satisfaction and
# "Skulle ni rekommendera systemet?" recommendation before "system" claims either.
KEYWORDS = (
    # First: "När löper avtalet ut (år)?" names a year, but not the year in use.
    ("contract_end", ("avtal", "contract", "loper ut", "upphandl", "expir")),
    ("recommend", ("rekommend", "recommend", "nps", "troligt")),
    ("considering", ("byta", "byte", "overvag", "funderar", "switch", "replace", "change",
                     "considering")),
    ("in_use_since", ("sedan", "since", "infor", "driftsatt", "ar i bruk", "year", "artal",
                      "i bruk", "started", "=ar")),
    ("satisfaction", ("nojd", "satisf", "betyg", "rating", "omdome", "score")),
    ("sector", ("sektor", "sector", "typ av organisation", "verksamhetstyp", "bransch",
                "organisationstyp", "organisation type")),
    ("size", ("storlek", "anstallda", "size", "employees", "medarbetare", "antal")),
    ("comment", ("kommentar", "comment", "ovrigt", "synpunkt", "note", "fritext", "motivering",
                 "varfor")),
    ("system", ("lonesystem", "system", "payroll", "losning")),
    ("organisation", ("organisation", "organization", "arbetsgivare", "foretag", "company",
                      "myndighet", "kommun", "region", "employer", "namn", "name")),
)


def _mentions(header: str, word: str) -> bool:
    """Whether a header's words contain `word`: at a word's start (short words whole;
    "=word": the whole header, for "År", which is also the verb "är")."""
    if word.startswith("="):
        return header == word[1:]
    if len(word) <= 3:
        return re.search(rf"(^| ){re.escape(word)}( |$)", header) is not None
    return re.search(rf"(^| ){re.escape(word)}", header) is not None or \
        (len(word) >= 6 and word in header)


def guess(headers: list[str]) -> dict[str, int | None]:
    """Field -> column position (None: no column), each column used at most once."""
    keys = [key(header) for header in headers]
    found: dict[str, int | None] = dict.fromkeys(FIELDS)
    taken: set[int] = set()
    for field, words in KEYWORDS:
        for position, header in enumerate(keys):
            if position not in taken and any(_mentions(header, word) for word in words):
                found[field] = position
                taken.add(position)
                break
    return found

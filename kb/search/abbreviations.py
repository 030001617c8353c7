"""Abbreviations of Swedish payroll work and what they stand for, searched both
ways: `AGI` also finds `arbetsgivardeklarationen`, `arbetstidsförkortning`
also finds `ATF`.

Only abbreviations with one meaning in payroll work (`AB`, `PA` and `KAP`
have several and are left out). The long form is searched as a phrase when it
is several words.
"""

from __future__ import annotations

# Lower-cased abbreviation: what it stands for.
ABBREVIATIONS = {
    "agi": "arbetsgivardeklaration",
    "ags": "avtalsgruppsjukförsäkring",
    "atf": "arbetstidsförkortning",
    "atk": "arbetstidskonto",
    "fk": "Försäkringskassan",
    "hök": "huvudöverenskommelse",
    "las": "lagen om anställningsskydd",
    "lou": "lagen om offentlig upphandling",
    "mbl": "medbestämmandelagen",
    "ob": "obekväm arbetstid",
    "skv": "Skatteverket",
    "spv": "Statens tjänstepensionsverk",
    "ssc": "Statens servicecenter",
    "tgl": "tjänstegrupplivförsäkring",
    "tfa": "trygghetsförsäkring vid arbetsskada",
}


def long_form(word: str) -> str | None:
    """What an abbreviation (any case) stands for, or None."""
    return ABBREVIATIONS.get(word.lower())

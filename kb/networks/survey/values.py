"""What a survey cell becomes: satisfaction on kb's 1–5 scale, likelihood to recommend,
the year a system came into use, sector, size band, and names compared loosely.

Every conversion returns the value and, when it changed the answer's form, the rule it
used in Swedish ("8 av 10 → 4"), so the preview can show it; a cell that cannot be
read raises CellError with a Swedish reason naming the cell.
"""

from __future__ import annotations

import math
import re
import unicodedata

from kb import procurement
from kb.core import parsing, vocab

AUTO, FIVE, TEN = "auto", "1-5", "1-10"
SCALES = {
    AUTO: "Avgör från svaren (1–10 om något svar är 6–10, annars 1–5)",
    FIVE: "1–5 (som kb)",
    TEN: "1–10 (blir 1–5: 1–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5)",
}
RULE = ("Siffror på skalan 1–5 används som de är (decimaler avrundas: 3,5 blir 4). "
        "Skalan 1–10 halveras uppåt: 1–2 blir 1, 3–4 blir 2, 5–6 blir 3, 7–8 blir 4 och "
        "9–10 blir 5. Svar i ord: mycket nöjd 5, nöjd 4, varken eller 3, missnöjd 2, "
        "mycket missnöjd 1.")

# Satisfaction in words, compared as names are (key()).
SATISFACTION_WORDS = {
    "mycket nojd": 5, "valdigt nojd": 5, "very satisfied": 5, "extremely satisfied": 5,
    "nojd": 4, "ganska nojd": 4, "satisfied": 4, "somewhat satisfied": 4,
    "varken eller": 3, "varken nojd eller missnojd": 3, "neutral": 3, "okej": 3, "ok": 3,
    "neither satisfied nor dissatisfied": 3,
    "missnojd": 2, "ganska missnojd": 2, "dissatisfied": 2, "somewhat dissatisfied": 2,
    "mycket missnojd": 1, "valdigt missnojd": 1, "very dissatisfied": 1,
}

NO = frozenset({"nej", "no", "inte", "nej inte nu", "-", "–", "0", "false", "nix"})
YES = frozenset({"ja", "yes", "kanske", "funderar", "overvager", "1", "true", "ja kanske"})

SECTOR_WORDS = {
    "kommun": "kommun", "kommuner": "kommun", "municipality": "kommun", "stad": "kommun",
    "region": "region", "landsting": "region", "regioner": "region",
    "statlig": "statlig", "statlig myndighet": "statlig", "myndighet": "statlig",
    "stat": "statlig", "state": "statlig", "government agency": "statlig",
    "kommunalt bolag": "kommunalt_bolag", "kommunala bolag": "kommunalt_bolag",
    "kommunalt foretag": "kommunalt_bolag", "municipal company": "kommunalt_bolag",
    "privat": "privat", "privat foretag": "privat", "foretag": "privat", "privat sektor": "privat",
    "private": "privat", "private company": "privat",
    "ideell": "ideell", "ideell organisation": "ideell", "ideell forening": "ideell",
    "forening": "ideell", "non profit": "ideell", "nonprofit": "ideell",
}
# A sector or size band nobody gave: stored as "" (the columns hold a code, never NULL),
# which kb's figures count wherever no segment is asked for and leave out of every
# segment that is (kb.stats.snapshot codes it -1, in no vocabulary).
UNKNOWN = ""
UNKNOWN_LABEL = "okänd"
# Each band's lowest number of employees.
SIZE_FLOORS = {"1-49": 1, "50-249": 50, "250-999": 250, "1000-4999": 1000, "5000+": 5000}


class CellError(ValueError):
    """A cell that cannot be read; the message is Swedish and names the value."""


def key(text: str | None) -> str:
    """A name compared without case, accents or punctuation: "Visma Personec P" and
    "visma-personec p." are the same; "Malmö stad" matches "malmo stad"."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


# kb's own labels ("Varken nöjd eller missnöjd") are understood too.
SATISFACTION_WORDS.update({key(label): score for score, label in vocab.SATISFACTION.items()})


def shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def numbers(values) -> list[float]:
    found = []
    for value in values:
        number = parsing.decimal_number(value)
        if number is not None:
            found.append(number)
    return found


def scale_of(values, chosen: str) -> str:
    """The satisfaction scale the leader chose, or (auto) 1–10 when some answer is 6–10."""
    if chosen in (FIVE, TEN):
        return chosen
    # An answer over 10 is on neither scale (a row error), so it decides nothing.
    return TEN if any(5 < number <= 10 for number in numbers(values)) else FIVE


def satisfaction(text: str, scale: str) -> tuple[int, str]:
    """kb's 1–5 satisfaction from a cell on the scale, and the rule used ("" if none)."""
    word = SATISFACTION_WORDS.get(key(text))
    if word is not None:
        return word, f"”{shown(text)}” → {word}"
    number = parsing.decimal_number(text)
    if number is None:
        raise CellError(f"Nöjdheten ”{shown(text)}” är varken en siffra eller ett svar som "
                        "”Mycket nöjd”.")
    high = 10 if scale == TEN else 5
    if not 1 <= number <= high:
        raise CellError(f"Nöjdheten {shown(text)} ligger utanför skalan 1–{high}.")
    if scale == TEN:
        converted = max(1, math.ceil(number / 2))
        return converted, f"{shown(text)} av 10 → {converted}"
    converted = math.floor(number + 0.5)
    return converted, ("" if converted == number else f"{shown(text)} → {converted}")


def recommend(text: str) -> int | None:
    """Likelihood to recommend, 0–10 (blank: not answered)."""
    if not text:
        return None
    number = parsing.decimal_number(text)
    if number is None or not number.is_integer() or not 0 <= number <= 10:
        raise CellError(f"Rekommendationen ”{shown(text)}” ska vara ett heltal 0–10.")
    return int(number)


def year(text: str) -> int | None:
    """The year a system came into use: "2015", "sedan 2015", "2015-03-01" (blank: none)."""
    return _year_within(text, r"1[89]\d\d|2\d\d\d", vocab.in_use_years(), "Året")


def contract_end(text: str) -> int | None:
    """The year the organisation's contract ends (kb.procurement's range; blank: none)."""
    return _year_within(text, r"2\d\d\d", procurement.end_years(), "Avtalets slut")


def _year_within(text: str, pattern: str, years: tuple[int, int], label: str) -> int | None:
    """The first year (matching `pattern`) written in the cell, within `years` (first,
    last); blank: none."""
    if not text:
        return None
    found = re.search(rf"(?<!\d)({pattern})(?!\d)", text)
    if found is None:
        raise CellError(f"{label} ”{shown(text)}” är inget årtal.")
    value = int(found.group(1))
    first, last = years
    if not first <= value <= last:
        raise CellError(f"{label} {value} ligger utanför {first}–{last}.")
    return value


def sector(text: str) -> str | None:
    if not text:
        return None
    found = SECTOR_WORDS.get(key(text))
    if found is None:
        found = next((code for code, label in vocab.SECTORS.items()
                      if key(label) == key(text) or code == key(text)), None)
    if found is None:
        raise CellError(f"Sektorn ”{shown(text)}” känns inte igen (kommun, region, statlig "
                        "myndighet, kommunalt bolag, privat, ideell).")
    return found


def size(text: str) -> tuple[str | None, int | None]:
    """A size band, from a band ("1000-4999", "1 000–4 999 anställda", "5000+") or a number
    of employees ("2 400", which is also kept as employees paid)."""
    if not text:
        return None, None
    count = parsing.whole_number(re.sub(r"\s*(anställda|st|personer)\.?$", "", text.strip(),
                                        flags=re.IGNORECASE))
    if count is not None and count > 0:
        band = next(band for band, floor in reversed(SIZE_FLOORS.items()) if count >= floor)
        return band, count
    digits = re.findall(r"\d+", re.sub(r"(?<=\d)[\s\u00a0](?=\d{3}\b)", "", text))
    if digits:
        floor = int(digits[0])
        for band, low in SIZE_FLOORS.items():
            if floor == low:
                return band, None
    raise CellError(f"Storleken ”{shown(text)}” är varken ett antal anställda eller en av "
                    "kb:s storleksklasser (1–49, 50–249, 250–999, 1 000–4 999, 5 000+).")


def considering(text: str) -> tuple[bool, str]:
    """Whether a switch is considered, and the system named ("" if none): "Nej",
    "Ja", "Ja, till Heroma", "Heroma"."""
    folded = key(text)
    if not folded or folded in NO or folded.startswith("nej "):
        return False, ""
    if folded in YES:
        return True, ""
    named = re.sub(r"^(ja|yes)[\s,.:;–-]*(till|to|mot)?\s*", "", text.strip(), flags=re.IGNORECASE)
    return True, named.strip()

"""How each catalogue system's demo experiences lean: sectors, sizes, mood, capabilities.

Figures, not text (the sentences are in data/). The order of PROFILES is part of
the generator's determinism: changing it changes every seed's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kb.core import vocab

# Capability tendencies: probability of (good, workaround, missing) before "unknown".
CAP_LEVELS = {
    "G": (0.82, 0.14, 0.04),
    "g": (0.62, 0.30, 0.08),
    "W": (0.30, 0.55, 0.15),
    "w": (0.20, 0.40, 0.40),
    "M": (0.08, 0.22, 0.70),
}
CAP_KEYS = list(vocab.CAPABILITIES)  # agi semester kollektivavtal pension paxml sie bankid ...
RATING_KEYS = list(vocab.SUB_RATINGS)  # usability support stability reporting compliance ...
CAP_COLUMNS = [f"cap_{key}" for key in CAP_KEYS]
RATING_COLUMNS = [f"rating_{key}" for key in RATING_KEYS]
# Chance that a sub-rating is left empty, by usage status.
RATING_GAPS = {
    status: [
        0.7 if status == "evaluating" and key in ("implementation", "stability")
        else 0.3 if key == "implementation"
        else 0.08
        for key in RATING_KEYS
    ]
    for status in vocab.USAGE_STATUSES
}


@dataclass(frozen=True)
class Profile:
    weight: float
    sectors: dict[str, float]
    sizes: dict[str, float]
    mood: float  # mean overall satisfaction
    aspects: tuple[float, ...]  # offsets per vocab.SUB_RATINGS key, in order
    caps: str  # one letter of CAP_LEVELS per vocab.CAPABILITIES key, in order
    since: int  # earliest plausible in_use_since


PROFILES: dict[str, Profile] = {
    "heroma": Profile(
        12,
        {"kommun": 50, "region": 25, "statlig": 15, "kommunalt_bolag": 8, "ideell": 2},
        {"50-249": 2, "250-999": 10, "1000-4999": 45, "5000+": 43},
        3.2, (-0.6, 0.0, 0.3, -0.2, 0.5, 0.0, -0.3, -0.3), "GGGGWWgGG", 2005,
    ),
    "personec-p": Profile(
        11,
        {"kommun": 60, "region": 10, "kommunalt_bolag": 15, "statlig": 5, "privat": 10},
        {"50-249": 5, "250-999": 20, "1000-4999": 50, "5000+": 25},
        3.0, (-0.5, -0.3, 0.0, 0.1, 0.4, 0.0, -0.4, -0.4), "GgGGgWgGG", 2005,
    ),
    "primula": Profile(
        6,
        {"statlig": 95, "privat": 5},
        {"1-49": 5, "50-249": 25, "250-999": 35, "1000-4999": 30, "5000+": 5},
        3.3, (-0.3, 0.2, 0.3, -0.2, 0.5, -0.2, 0.0, -0.2), "GGGGWWgGg", 2005,
    ),
    "hogia-lon": Profile(
        9,
        {"privat": 70, "kommunalt_bolag": 10, "ideell": 12, "kommun": 8},
        {"1-49": 25, "50-249": 40, "250-999": 25, "1000-4999": 10},
        3.8, (0.0, 0.4, 0.2, 0.0, 0.3, 0.0, 0.0, 0.2), "GGGGGGWgg", 2005,
    ),
    "visma-lon-300-600": Profile(
        8,
        {"privat": 80, "ideell": 15, "kommunalt_bolag": 5},
        {"1-49": 65, "50-249": 30, "250-999": 5},
        3.4, (-0.2, -0.2, 0.2, -0.1, 0.0, -0.3, 0.2, 0.3), "GggggGMWw", 2005,
    ),
    "visma-lon-smart": Profile(
        7,
        {"privat": 85, "ideell": 15},
        {"1-49": 80, "50-249": 20},
        3.6, (0.4, -0.3, 0.0, -0.3, -0.2, 0.2, 0.3, 0.4), "GgWgWGGGG", 2014,
    ),
    "fortnox-lon": Profile(
        9,
        {"privat": 88, "ideell": 12},
        {"1-49": 85, "50-249": 15},
        3.9, (0.6, -0.2, 0.0, -0.3, -0.4, 0.4, 0.3, 0.5), "GgWWWGGGg", 2012,
    ),
    "crona-lon": Profile(
        6,
        {"privat": 80, "ideell": 10, "kommunalt_bolag": 5, "kommun": 5},
        {"1-49": 45, "50-249": 40, "250-999": 15},
        4.0, (0.1, 0.6, 0.1, 0.0, 0.4, 0.0, 0.3, 0.3), "GGGgGGWgW", 2005,
    ),
    "kontek-lon": Profile(
        4,
        {"privat": 55, "kommun": 15, "kommunalt_bolag": 15, "ideell": 10},
        {"1-49": 10, "50-249": 35, "250-999": 40, "1000-4999": 15},
        3.8, (-0.1, 0.5, 0.2, 0.0, 0.5, -0.1, 0.1, 0.1), "GGGGgGWgW", 2005,
    ),
    "flex-hrm-lon": Profile(
        5,
        {"privat": 70, "kommunalt_bolag": 15, "ideell": 10, "statlig": 5},
        {"1-49": 5, "50-249": 40, "250-999": 40, "1000-4999": 15},
        3.9, (0.3, 0.3, 0.1, 0.2, 0.1, 0.2, 0.0, 0.1), "GGggGGgGG", 2010,
    ),
    "agda-ps": Profile(
        5,
        {"privat": 60, "kommunalt_bolag": 20, "statlig": 10, "ideell": 10},
        {"50-249": 25, "250-999": 40, "1000-4999": 30, "5000+": 5},
        3.8, (0.0, 0.3, 0.2, 0.2, 0.3, 0.0, -0.1, 0.0), "GGGGgGgGG", 2005,
    ),
    "bl-lon": Profile(
        5,
        {"privat": 85, "ideell": 15},
        {"1-49": 90, "50-249": 10},
        3.8, (0.1, 0.4, 0.1, -0.2, -0.2, -0.1, 0.6, 0.3), "GgWWgGggW", 2005,
    ),
    "aditro-pay": Profile(
        4,
        {"privat": 70, "statlig": 10, "kommunalt_bolag": 10, "kommun": 10},
        {"50-249": 15, "250-999": 35, "1000-4999": 35, "5000+": 15},
        3.0, (0.0, -0.5, -0.2, 0.0, 0.0, 0.2, -0.3, -0.4), "GgggWgGGG", 2012,
    ),
    "sap-successfactors-ecp": Profile(
        3,
        {"privat": 85, "statlig": 5, "kommunalt_bolag": 10},
        {"250-999": 10, "1000-4999": 45, "5000+": 45},
        2.9, (-0.7, -0.2, 0.3, 0.4, -0.3, 0.5, -0.7, -0.8), "gWWWWWggG", 2014,
    ),
    "sd-worx-lon": Profile(
        3,
        {"privat": 80, "statlig": 5, "kommunalt_bolag": 10, "ideell": 5},
        {"50-249": 20, "250-999": 40, "1000-4999": 30, "5000+": 10},
        3.3, (0.0, -0.2, 0.1, 0.0, 0.1, 0.0, -0.1, -0.2), "GggGWgggG", 2016,
    ),
    "visma-nmbrs": Profile(
        3,
        {"privat": 90, "ideell": 10},
        {"1-49": 55, "50-249": 40, "250-999": 5},
        3.6, (0.5, -0.1, 0.0, 0.1, -0.3, 0.4, 0.1, 0.2), "GgWgWGGGG", 2020,
    ),
}

# How plausible each size band is for a sector (multiplied with the system's sizes).
SECTOR_SIZES = {
    "kommun": {"250-999": 3, "1000-4999": 6, "5000+": 3},
    "region": {"1000-4999": 2, "5000+": 8},
    "statlig": {"1-49": 1, "50-249": 3, "250-999": 4, "1000-4999": 3, "5000+": 1.5},
    "kommunalt_bolag": {"1-49": 2, "50-249": 5, "250-999": 3, "1000-4999": 0.5},
    "privat": {"1-49": 4, "50-249": 3, "250-999": 2, "1000-4999": 1, "5000+": 0.5},
    "ideell": {"1-49": 5, "50-249": 3, "250-999": 1, "1000-4999": 0.2},
}
BAND_RANGES = {
    "1-49": (3, 49),
    "50-249": (50, 249),
    "250-999": (250, 999),
    "1000-4999": (1000, 4999),
    "5000+": (5000, 40000),
}
ROLES_SMALL = {
    "lonechef": 8, "loneadministrator": 35, "systemforvaltare": 2,
    "hr": 12, "ekonomi": 36, "konsult": 7,
}
ROLES_LARGE = {
    "lonechef": 25, "loneadministrator": 35, "systemforvaltare": 18,
    "hr": 10, "ekonomi": 7, "konsult": 5,
}

START = datetime(2019, 1, 1)
END = datetime(2026, 11, 1)
SPAN_SECONDS = int((END - START).total_seconds())


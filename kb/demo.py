# ruff: noqa: E501  (long lines are Swedish sample sentences, kept whole for reading)
"""Demo catalogue of Swedish payroll systems and deterministic synthetic experiences.

The catalogue names real products; the experiences are synthetic (``is_demo``)
and written by demo accounts nobody can log in as. The same seed always gives
exactly the same rows, so demos, screenshots and benchmarks are reproducible.

Experiences are built as plain dicts and written with Core bulk inserts: no ORM
objects per row and, on purpose, no entries in the search-index change queue.
Whoever seeds rebuilds the index afterwards (``kb seed-demo`` does).
"""

from __future__ import annotations

import math
import random
import secrets
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, insert, select, text

from kb import vocab
from kb.extensions import db
from kb.models import Experience, PayrollSystem, SatisfactionHistory, User

# --------------------------------------------------------------------------- catalogue

CATALOGUE: list[dict] = [
    {
        "slug": "heroma",
        "name": "Heroma",
        "vendor": "CGI",
        "aliases": "Heroma Lön\nCGI Heroma",
        "deployment_kinds": "service cloud",
        "description": (
            "Lön- och HR-system från CGI som används av många kommuner, regioner och "
            "statliga myndigheter. Levereras som drift- och lönetjänst med stöd för AB, "
            "HÖK och pensionsrapportering till KPA."
        ),
        "website": "https://www.cgi.com/se/sv",
    },
    {
        "slug": "personec-p",
        "name": "Personec P",
        "vendor": "Visma",
        "aliases": "Personec\nVisma Personec P\nVisma Personec",
        "deployment_kinds": "on_premises cloud service",
        "description": (
            "Vismas lönesystem för stora arbetsgivare, främst kommuner och kommunala "
            "bolag. Körs i egen drift eller som molntjänst."
        ),
        "website": "https://www.visma.se",
    },
    {
        "slug": "primula",
        "name": "Primula",
        "vendor": "Tietoevry",
        "aliases": "Primula Lön\nTietoevry Primula\nPrimula Web",
        "deployment_kinds": "service",
        "description": (
            "Lönesystem från Tietoevry som många statliga myndigheter använder via "
            "Statens servicecenter, med stöd för statliga avtal och Pensionsvalet."
        ),
        "website": "https://www.tietoevry.com",
    },
    {
        "slug": "hogia-lon",
        "name": "Hogia Lön Plus",
        "vendor": "Hogia",
        "aliases": "Hogia Lön\nHogia Lön Plus\nHogia",
        "deployment_kinds": "on_premises cloud",
        "description": (
            "Hogias lönesystem för privata företag, med Hogia Lön Plus för större "
            "kunder. Installeras lokalt eller körs som hostad tjänst."
        ),
        "website": "https://www.hogia.se",
    },
    {
        "slug": "visma-lon-300-600",
        "name": "Visma Lön 300/600",
        "vendor": "Visma (Spiris)",
        "aliases": "Visma Lön 300\nVisma Lön 600\nSpiris Lön",
        "deployment_kinds": "on_premises",
        "description": (
            "Installerat lönesystem för mindre företag från Vismas småföretagslinje, "
            "som i dag heter Spiris."
        ),
        "website": "https://www.spiris.se",
    },
    {
        "slug": "visma-lon-smart",
        "name": "Visma Lön Smart",
        "vendor": "Visma",
        "aliases": "Lön Smart\nVisma Lön Smart",
        "deployment_kinds": "cloud",
        "description": (
            "Molnbaserat lönesystem från Visma för små företag, med digitala lönebesked "
            "och app för de anställda."
        ),
        "website": "https://www.visma.se",
    },
    {
        "slug": "fortnox-lon",
        "name": "Fortnox Lön",
        "vendor": "Fortnox",
        "aliases": "Fortnox\nFortnox Lön",
        "deployment_kinds": "cloud",
        "description": (
            "Lönemodulen i Fortnox molnplattform för småföretag och redovisningsbyråer, "
            "med BankID-inloggning och direkt koppling till bokföringen."
        ),
        "website": "https://www.fortnox.se",
    },
    {
        "slug": "crona-lon",
        "name": "Crona Lön",
        "vendor": "Crona Software",
        "aliases": "Crona\nCrona Lön",
        "deployment_kinds": "on_premises cloud",
        "description": (
            "Lönesystem från Crona Software för mindre företag, populärt inom personlig "
            "assistans (LSS). Finns som installerad och webbaserad version."
        ),
        "website": "https://www.crona.se",
    },
    {
        "slug": "kontek-lon",
        "name": "Kontek Lön",
        "vendor": "Kontek",
        "aliases": "Kontek\nKontek Lön",
        "deployment_kinds": "on_premises",
        "description": (
            "Lönesystem från Kontek med avtalsspecifika lönearter för privata och "
            "offentliga arbetsgivare."
        ),
        "website": "https://www.kontek.se",
    },
    {
        "slug": "flex-hrm-lon",
        "name": "Flex HRM Lön",
        "vendor": "Flex Applications",
        "aliases": "Flex HRM\nFlex Lön\nFlex HRM Payroll",
        "deployment_kinds": "cloud on_premises",
        "description": (
            "Lönedelen i Flex HRM från Flex Applications, för medelstora organisationer, "
            "i egen drift eller som SaaS."
        ),
        "website": "https://www.flexapplications.se",
    },
    {
        "slug": "agda-ps",
        "name": "Agda PS",
        "vendor": "Agda",
        "aliases": "Agda\nAgda Lön\nAgda PS",
        "deployment_kinds": "service cloud",
        "description": (
            "Löne- och personalsystem från Agda för medelstora och stora arbetsgivare, "
            "levererat som driftad tjänst."
        ),
        "website": "https://www.agda.se",
    },
    {
        "slug": "bl-lon",
        "name": "BL Lön",
        "vendor": "Björn Lundén",
        "aliases": "Björn Lundén Lön\nBL Lön\nBL Lön Entré",
        "deployment_kinds": "on_premises cloud",
        "description": (
            "Lönesystem från Björn Lundén för små företag, som installerat program och "
            "i molnet."
        ),
        "website": "https://www.bjornlunden.se",
    },
    {
        "slug": "aditro-pay",
        "name": "Aditro Pay",
        "vendor": "Aditro",
        "aliases": "Aditro\nAditro Lön",
        "deployment_kinds": "cloud service",
        "description": (
            "Lönesystem och löneoutsourcing från Aditro för medelstora och stora "
            "organisationer."
        ),
        "website": "https://www.aditro.com",
    },
    {
        "slug": "sap-successfactors-ecp",
        "name": "SAP SuccessFactors Employee Central Payroll",
        "vendor": "SAP",
        "aliases": "SAP ECP\nSuccessFactors\nSAP Payroll\nEmployee Central Payroll",
        "deployment_kinds": "cloud service",
        "description": (
            "SAP:s globala lönesystem för stora företag, ofta driftat och förvaltat av "
            "en partner som Zalaris."
        ),
        "website": "https://www.sap.com",
    },
    {
        "slug": "sd-worx-lon",
        "name": "SD Worx Lön",
        "vendor": "SD Worx",
        "aliases": "SD Worx\nSD Worx Payroll",
        "deployment_kinds": "service cloud",
        "description": (
            "Lönetjänster och lönesystem från SD Worx för medelstora och stora "
            "arbetsgivare."
        ),
        "website": "https://www.sdworx.se",
    },
    {
        "slug": "visma-nmbrs",
        "name": "Visma Nmbrs",
        "vendor": "Visma",
        "aliases": "Nmbrs\nVisma Nmbrs",
        "deployment_kinds": "cloud",
        "description": (
            "Molnbaserat lönesystem från Visma för små och medelstora företag, med "
            "öppna API:er mot HR- och tidsystem."
        ),
        "website": "https://www.nmbrs.com",
    },
]
for _entry in CATALOGUE:
    _entry.setdefault("status", "active")

SYSTEM_NAMES = {entry["slug"]: entry["name"] for entry in CATALOGUE}
SYSTEM_VENDORS = {entry["slug"]: entry["vendor"].split(" (")[0] for entry in CATALOGUE}
SYSTEM_DEPLOYMENTS = {entry["slug"]: entry["deployment_kinds"].split() for entry in CATALOGUE}

# --------------------------------------------------------------------------- demo accounts

DEMO_EMAIL_DOMAIN = "exempel.kb.se"
# (local part, display name, professional role). Names say plainly that they are examples.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("anna.lonechef", "Exempel-Anna (lönechef)", "lonechef"),
    ("lars.lonechef", "Exempel-Lars (lönechef)", "lonechef"),
    ("maria.loneadmin", "Exempel-Maria (löneadministratör)", "loneadministrator"),
    ("johan.loneadmin", "Exempel-Johan (löneadministratör)", "loneadministrator"),
    ("sara.loneadmin", "Exempel-Sara (löneadministratör)", "loneadministrator"),
    ("karin.forvaltare", "Exempel-Karin (systemförvaltare)", "systemforvaltare"),
    ("erik.forvaltare", "Exempel-Erik (systemförvaltare)", "systemforvaltare"),
    ("lena.hr", "Exempel-Lena (HR)", "hr"),
    ("peter.ekonomi", "Exempel-Peter (ekonomi)", "ekonomi"),
    ("eva.ekonomi", "Exempel-Eva (ekonomi)", "ekonomi"),
    ("nils.konsult", "Exempel-Nils (lönekonsult)", "konsult"),
    ("ida.konsult", "Exempel-Ida (lönekonsult)", "konsult"),
]
DEMO_ACCOUNT_CREATED = datetime(2019, 1, 1, 8, 0)

# --------------------------------------------------------------------------- profiles

# Capability tendencies: probability of (good, workaround, missing) before "unknown".
_CAP_LEVELS = {
    "G": (0.82, 0.14, 0.04),
    "g": (0.62, 0.30, 0.08),
    "W": (0.30, 0.55, 0.15),
    "w": (0.20, 0.40, 0.40),
    "M": (0.08, 0.22, 0.70),
}
_CAP_KEYS = list(vocab.CAPABILITIES)  # agi semester kollektivavtal pension paxml sie bankid ...
_RATING_KEYS = list(vocab.SUB_RATINGS)  # usability support stability reporting compliance ...
_CAP_COLUMNS = [f"cap_{key}" for key in _CAP_KEYS]
_RATING_COLUMNS = [f"rating_{key}" for key in _RATING_KEYS]
# Chance that a sub-rating is left empty, by usage status.
_RATING_GAPS = {
    status: [
        0.7 if status == "evaluating" and key in ("implementation", "stability")
        else 0.3 if key == "implementation"
        else 0.08
        for key in _RATING_KEYS
    ]
    for status in vocab.USAGE_STATUSES
}


@dataclass(frozen=True)
class _Profile:
    weight: float
    sectors: dict[str, float]
    sizes: dict[str, float]
    mood: float  # mean overall satisfaction
    aspects: tuple[float, ...]  # offsets per vocab.SUB_RATINGS key, in order
    caps: str  # one letter of _CAP_LEVELS per vocab.CAPABILITIES key, in order
    since: int  # earliest plausible in_use_since


_PROFILES: dict[str, _Profile] = {
    "heroma": _Profile(
        12,
        {"kommun": 50, "region": 25, "statlig": 15, "kommunalt_bolag": 8, "ideell": 2},
        {"50-249": 2, "250-999": 10, "1000-4999": 45, "5000+": 43},
        3.2, (-0.6, 0.0, 0.3, -0.2, 0.5, 0.0, -0.3, -0.3), "GGGGWWgGG", 2005,
    ),
    "personec-p": _Profile(
        11,
        {"kommun": 60, "region": 10, "kommunalt_bolag": 15, "statlig": 5, "privat": 10},
        {"50-249": 5, "250-999": 20, "1000-4999": 50, "5000+": 25},
        3.0, (-0.5, -0.3, 0.0, 0.1, 0.4, 0.0, -0.4, -0.4), "GgGGgWgGG", 2005,
    ),
    "primula": _Profile(
        6,
        {"statlig": 95, "privat": 5},
        {"1-49": 5, "50-249": 25, "250-999": 35, "1000-4999": 30, "5000+": 5},
        3.3, (-0.3, 0.2, 0.3, -0.2, 0.5, -0.2, 0.0, -0.2), "GGGGWWgGg", 2005,
    ),
    "hogia-lon": _Profile(
        9,
        {"privat": 70, "kommunalt_bolag": 10, "ideell": 12, "kommun": 8},
        {"1-49": 25, "50-249": 40, "250-999": 25, "1000-4999": 10},
        3.8, (0.0, 0.4, 0.2, 0.0, 0.3, 0.0, 0.0, 0.2), "GGGGGGWgg", 2005,
    ),
    "visma-lon-300-600": _Profile(
        8,
        {"privat": 80, "ideell": 15, "kommunalt_bolag": 5},
        {"1-49": 65, "50-249": 30, "250-999": 5},
        3.4, (-0.2, -0.2, 0.2, -0.1, 0.0, -0.3, 0.2, 0.3), "GggggGMWw", 2005,
    ),
    "visma-lon-smart": _Profile(
        7,
        {"privat": 85, "ideell": 15},
        {"1-49": 80, "50-249": 20},
        3.6, (0.4, -0.3, 0.0, -0.3, -0.2, 0.2, 0.3, 0.4), "GgWgWGGGG", 2014,
    ),
    "fortnox-lon": _Profile(
        9,
        {"privat": 88, "ideell": 12},
        {"1-49": 85, "50-249": 15},
        3.9, (0.6, -0.2, 0.0, -0.3, -0.4, 0.4, 0.3, 0.5), "GgWWWGGGg", 2012,
    ),
    "crona-lon": _Profile(
        6,
        {"privat": 80, "ideell": 10, "kommunalt_bolag": 5, "kommun": 5},
        {"1-49": 45, "50-249": 40, "250-999": 15},
        4.0, (0.1, 0.6, 0.1, 0.0, 0.4, 0.0, 0.3, 0.3), "GGGgGGWgW", 2005,
    ),
    "kontek-lon": _Profile(
        4,
        {"privat": 55, "kommun": 15, "kommunalt_bolag": 15, "ideell": 10, "region": 5},
        {"1-49": 10, "50-249": 35, "250-999": 40, "1000-4999": 15},
        3.8, (-0.1, 0.5, 0.2, 0.0, 0.5, -0.1, 0.1, 0.1), "GGGGgGWgW", 2005,
    ),
    "flex-hrm-lon": _Profile(
        5,
        {"privat": 70, "kommunalt_bolag": 15, "ideell": 10, "statlig": 5},
        {"1-49": 5, "50-249": 40, "250-999": 40, "1000-4999": 15},
        3.9, (0.3, 0.3, 0.1, 0.2, 0.1, 0.2, 0.0, 0.1), "GGggGGgGG", 2010,
    ),
    "agda-ps": _Profile(
        5,
        {"privat": 60, "kommunalt_bolag": 20, "statlig": 10, "ideell": 10},
        {"50-249": 25, "250-999": 40, "1000-4999": 30, "5000+": 5},
        3.8, (0.0, 0.3, 0.2, 0.2, 0.3, 0.0, -0.1, 0.0), "GGGGgGgGG", 2005,
    ),
    "bl-lon": _Profile(
        5,
        {"privat": 85, "ideell": 15},
        {"1-49": 90, "50-249": 10},
        3.8, (0.1, 0.4, 0.1, -0.2, -0.2, -0.1, 0.6, 0.3), "GgWWgGggW", 2005,
    ),
    "aditro-pay": _Profile(
        4,
        {"privat": 70, "statlig": 10, "kommunalt_bolag": 10, "kommun": 10},
        {"50-249": 15, "250-999": 35, "1000-4999": 35, "5000+": 15},
        3.0, (0.0, -0.5, -0.2, 0.0, 0.0, 0.2, -0.3, -0.4), "GgggWgGGG", 2012,
    ),
    "sap-successfactors-ecp": _Profile(
        3,
        {"privat": 85, "statlig": 5, "kommunalt_bolag": 10},
        {"250-999": 10, "1000-4999": 45, "5000+": 45},
        2.9, (-0.7, -0.2, 0.3, 0.4, -0.3, 0.5, -0.7, -0.8), "gWWWWWggG", 2014,
    ),
    "sd-worx-lon": _Profile(
        3,
        {"privat": 80, "statlig": 5, "kommunalt_bolag": 10, "ideell": 5},
        {"50-249": 20, "250-999": 40, "1000-4999": 30, "5000+": 10},
        3.3, (0.0, -0.2, 0.1, 0.0, 0.1, 0.0, -0.1, -0.2), "GggGWgggG", 2016,
    ),
    "visma-nmbrs": _Profile(
        3,
        {"privat": 90, "ideell": 10},
        {"1-49": 55, "50-249": 40, "250-999": 5},
        3.6, (0.5, -0.1, 0.0, 0.1, -0.3, 0.4, 0.1, 0.2), "GgWgWGGGG", 2020,
    ),
}

# How plausible each size band is for a sector (multiplied with the system's sizes).
_SECTOR_SIZES = {
    "kommun": {"250-999": 3, "1000-4999": 6, "5000+": 3},
    "region": {"1000-4999": 2, "5000+": 8},
    "statlig": {"1-49": 1, "50-249": 3, "250-999": 4, "1000-4999": 3, "5000+": 1.5},
    "kommunalt_bolag": {"1-49": 2, "50-249": 5, "250-999": 3, "1000-4999": 0.5},
    "privat": {"1-49": 4, "50-249": 3, "250-999": 2, "1000-4999": 1, "5000+": 0.5},
    "ideell": {"1-49": 5, "50-249": 3, "250-999": 1, "1000-4999": 0.2},
}
_BAND_RANGES = {
    "1-49": (3, 49),
    "50-249": (50, 249),
    "250-999": (250, 999),
    "1000-4999": (1000, 4999),
    "5000+": (5000, 40000),
}
_ROLES_SMALL = {
    "lonechef": 8, "loneadministrator": 35, "systemforvaltare": 2,
    "hr": 12, "ekonomi": 36, "konsult": 7,
}
_ROLES_LARGE = {
    "lonechef": 25, "loneadministrator": 35, "systemforvaltare": 18,
    "hr": 10, "ekonomi": 7, "konsult": 5,
}

_START = datetime(2019, 1, 1)
_END = datetime(2026, 11, 1)
_SPAN_SECONDS = int((_END - _START).total_seconds())


class _FastRandom(random.Random):
    """random.Random with cheaper choice() and randint(); just as deterministic."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def sample(self, population, k):  # a partial Fisher–Yates shuffle
        pool = list(population)
        n = len(pool)
        rnd = self.random
        for i in range(k):
            j = i + int(rnd() * (n - i))
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


class _Weighted:
    """A weighted choice that costs one random number and one bisect."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, weights: dict | Sequence[tuple]):
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        pairs = [(item, w) for item, w in pairs if w > 0]
        self.items = [item for item, _ in pairs]
        self.cum = []
        total = 0.0
        for _, w in pairs:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        i = bisect(self.cum, rng.random() * self.total)
        return self.items[i] if i < len(self.items) else self.items[-1]


# --------------------------------------------------------------------------- Swedish text

_MONTHS = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]
_SECTOR_PHRASES = {
    "kommun": [
        "en kommun", "en mellanstor kommun", "en landsbygdskommun", "en förortskommun",
        "en kommun i Norrland", "en kommun i Mellansverige", "en kustkommun i Småland",
        "en storstadskommun",
    ],
    "region": [
        "en region", "en region med flera sjukhus", "en mindre region",
        "en region med egen kollektivtrafik", "en region i södra Sverige",
    ],
    "statlig": [
        "en statlig myndighet", "en central myndighet", "en myndighet med kontor i hela landet",
        "ett statligt universitet", "en mindre myndighet", "en tillsynsmyndighet",
    ],
    "kommunalt_bolag": [
        "ett kommunalt bostadsbolag", "ett kommunalt energibolag", "ett kommunägt bolag",
        "ett kommunalt fastighetsbolag", "ett kommunalt hamnbolag", "ett renhållningsbolag",
    ],
    "privat": [
        "ett bemanningsföretag", "ett handelsföretag", "en redovisningsbyrå",
        "ett verkstadsföretag", "ett IT-konsultbolag", "en restaurangkedja",
        "ett byggföretag", "ett assistansbolag inom LSS", "ett åkeri", "ett e-handelsföretag",
        "en butikskedja", "ett hotell", "ett städföretag", "en tandvårdskedja",
        "ett fastighetsbolag", "ett familjeföretag i tillverkningsindustrin",
    ],
    "ideell": [
        "en ideell förening", "en stiftelse", "en idéburen organisation", "en folkrörelse",
        "ett studieförbund", "en idrottsförening", "en fackförening",
    ],
}
_ORG_PLURAL = {
    "kommun": "kommuner",
    "region": "regioner",
    "statlig": "myndigheter",
    "kommunalt_bolag": "kommunala bolag",
    "privat": "företag",
    "ideell": "ideella organisationer",
}
_AGREEMENTS = {
    "kommun": ["AB", "HÖK", "Kommunals avtal", "PAN", "BEA", "AB och HÖK"],
    "region": ["AB", "HÖK", "Vårdförbundets avtal", "Läkarförbundets avtal", "AB och HÖK"],
    "statlig": ["Villkorsavtalen", "ALFA", "RALS", "de statliga avtalen"],
    "kommunalt_bolag": ["Sobona-avtalet", "AB", "Energiavtalet", "Sobonas avtal"],
    "privat": [
        "Handels", "Tjänstemannaavtalet", "Teknikavtalet", "Vårdföretagarnas avtal",
        "Visita-avtalet", "Byggavtalet", "Transportavtalet", "IT- och Telekomavtalet",
        "Almega-avtalet", "PAN-avtalet för personlig assistans", "Detaljhandelsavtalet",
    ],
    "ideell": ["Fremias avtal", "Arbetsgivaralliansens avtal", "Idea-avtalet"],
}
_PENSION = {
    "kommun": ["KPA", "KPA Pension"],
    "region": ["KPA", "KPA Pension"],
    "statlig": ["Pensionsvalet", "SPV"],
    "kommunalt_bolag": ["KPA", "Pensionsvalet PA-KFS"],
    "privat": ["Fora", "Collectum", "Fora och Collectum"],
    "ideell": ["Fora", "Collectum"],
}
_TIME_SYSTEMS = [
    "Quinyx", "Timecare", "Medvind", "Planday", "Flex Tid", "Tidvis", "vårt schemasystem",
    "tidrapporteringen", "stämpelklockan",
]
_LEDGERS = [
    "Raindance", "Unit4", "Agresso", "Visma Business", "Fortnox", "Microsoft Dynamics",
    "Hogia Ekonomi", "ekonomisystemet", "huvudboken",
]
_ROLE_PHRASES = {
    "lonechef": "lönechef",
    "loneadministrator": "löneadministratör",
    "systemforvaltare": "systemförvaltare för HR och lön",
    "hr": "HR-specialist",
    "ekonomi": "ekonomiansvarig",
    "konsult": "lönekonsult",
}

# Adverbials that move in front of the verb (Swedish V2 order: adverbial, verb, subject).
_ADV_NEUTRAL = [
    "I dag", "Numera", "I vår organisation", "För oss", "I praktiken", "Sedan införandet",
    "Sedan senaste uppgraderingen", "Efter {years} år med systemet", "Enligt våra löneadministratörer",
    "Oftast", "I löneveckan", "Hos oss", "Sett över hela året", "Under hösten",
    "Efter bytet till {system}", "Vid årsskiftet", "I vår vardag", "Sedan {since}",
]
_ADV_GOOD = [
    "Glädjande nog", "Till vår förvåning", "Faktiskt", "Helt klart", "Utan tvekan",
    "Till skillnad från vårt förra system",
]
_ADV_BAD = [
    "Tyvärr", "Alltför ofta", "Fortfarande", "Trots flera ärenden hos supporten",
    "Än i dag", "Märkligt nog", "Återkommande",
]

# A topic: subjects that each predicate fits ("verb|rest"), good and bad predicates,
# whole sentences, a fallback when the function is missing, short phrases for titles.
_TOPICS: dict[str, dict] = {
    "agi": {
        "subjects": [
            "AGI-filen", "arbetsgivardeklarationen", "AGI-rapporteringen",
            "rapporteringen till Skatteverket", "arbetsgivardeklarationen på individnivå",
            "den månatliga AGI:n", "inlämningen av AGI",
        ],
        "good": [
            "går|igenom hos Skatteverket på första försöket",
            "fungerar|utan anmärkningar månad efter månad",
            "tar|numera bara några minuter efter lönekörningen",
            "skapas|direkt ur lönekörningen och skickas via API",
            "stämmer|alltid mot lönelistan och bokföringen",
            "hanterar|frånvarouppgifter och rättelser av tidigare perioder smidigt",
            "har|aldrig gett oss en påminnelse från Skatteverket",
        ],
        "bad": [
            "kräver|manuella kontroller varje månad innan vi vågar skicka",
            "fastnar|ibland i Skatteverkets validering utan begripligt felmeddelande",
            "blir|krånglig så fort vi behöver rätta en tidigare period",
            "måste|fortfarande laddas upp som fil för hand",
            "stämmer|inte alltid mot lönelistan, vilket ger extraarbete",
            "ger|rättelser på flera individer efter varje lönerevision",
        ],
        "good_full": [
            "Rättelser av AGI för tidigare månader görs direkt i {system} och skickas om med några klick.",
            "Vi har lämnat arbetsgivardeklarationer varje månad utan en enda påminnelse från Skatteverket.",
            "Kontrollsumman mot Skatteverkets kvittens visas direkt efter inskicket, vilket sparar tid.",
        ],
        "bad_full": [
            "Varje gång vi rättar en arbetsgivardeklaration får vi gå omvägen via Skatteverkets e-tjänst.",
            "Efter en uppdatering i {month} fick vi {n} avvikelser i AGI som supporten fick hjälpa oss att reda ut.",
            "Frånvarouppgifterna i AGI:n blir fel för timanställda och måste rättas manuellt.",
        ],
        "missing": "AGI-filen får vi sammanställa i Skatteverkets e-tjänst för hand varje månad.",
        "good_short": ["smidig AGI-rapportering", "felfri AGI till Skatteverket"],
        "bad_short": ["krånglig AGI-hantering", "omständliga AGI-rättelser"],
        "area": "AGI",
        "tip": "Testa att rätta en AGI för en tidigare period redan under upphandlingen.",
    },
    "semester": {
        "subjects": [
            "semesterberäkningen", "semesterårsskiftet", "beräkningen av semesterlönen",
            "semesterskuldsberäkningen", "hanteringen av sparade semesterdagar", "semestermodulen",
        ],
        "good": [
            "klarar|både sammalöneregeln och procentregeln utan handpåläggning",
            "går|igenom på en förmiddag varje april",
            "ger|en semesterskuld som stämmer med bokföringen",
            "hanterar|procentregeln med {semester_pct} procent utan att vi räknar själva",
            "räknar|rätt på semestertillägg och rörliga lönedelar",
            "sköts|nästan helt automatiskt",
        ],
        "bad": [
            "kräver|manuella korrigeringar för alla med rörliga lönedelar",
            "blir|fel när anställda byter sysselsättningsgrad mitt i intjänandeåret",
            "tar|flera dagar av kontroller varje april",
            "ger|en semesterskuld som vi aldrig riktigt litar på",
            "hanterar|inte procentregeln för timanställda utan omvägar",
            "kräver|en konsult från leverantören varje år",
        ],
        "good_full": [
            "Semesterskulden per månad går att ta ut som rapport och stämma av mot huvudboken.",
            "Vi har månadsavlönade på sammalöneregeln och timanställda på procentregeln, och {system} håller isär dem utan problem.",
            "Semesterårsskiftet den 1 april är numera en rutin i stället för en mardröm.",
        ],
        "bad_full": [
            "Semesterskulderna stämde inte efter semesterårsskiftet och vi fick räkna om {n} anställda manuellt.",
            "Sparade semesterdagar och förskottssemester följer vi upp i ett eget kalkylark.",
            "Semesterlönen för anställda med OB-tillägg blir fel om vi inte lägger in rörliga tillägg för hand.",
        ],
        "missing": "Semesterskulden räknar vi fram i Excel eftersom systemet inte gör det åt oss.",
        "good_short": ["korrekt semesterberäkning", "enkelt semesterårsskifte"],
        "bad_short": ["krånglig semesterberäkning", "tungt semesterårsskifte"],
        "area": "semesterberäkningen",
        "tip": "Testa semesterårsskiftet i en testmiljö långt före den 1 april.",
    },
    "avtal": {
        "subjects": [
            "kollektivavtalsstödet", "lönearterna för {agreement}",
            "hanteringen av OB-tillägg och övertid", "avtalsstödet för {agreement}",
            "uppsättningen av lönearter", "beräkningen av OB och jour",
        ],
        "good": [
            "följer|avtalet utan att vi behöver bygga egna lönearter",
            "uppdateras|av leverantören när nya avtal träder i kraft",
            "räknar|rätt på OB-tillägg, övertid och jour",
            "täcker|alla våra avtalsområden",
            "fungerar|även för våra timanställda med schemaavvikelser",
        ],
        "bad": [
            "kräver|egna lönearter och tabeller som vi underhåller själva",
            "uppdateras|för sent efter nya avtal, så vi räknar retroaktivt",
            "ger|fel på OB-tillägg vid storhelger",
            "hanterar|inte övertid och kompledighet i samma period utan handpåläggning",
            "täcker|bara standardfallen i avtalet",
        ],
        "good_full": [
            "När {agreement} omförhandlades låg de nya tilläggen på plats redan före första lönekörningen.",
            "Vi har {n_small} avtalsområden och kan ändå köra lönen utan manuella tillägg.",
            "Storhelgstillägg och OB-tillägg enligt {agreement} räknas fram direkt från schemat.",
        ],
        "bad_full": [
            "Övertidsersättningen enligt {agreement} räknar vi fram i Excel och lägger in som fast belopp.",
            "Efter varje avtalsrörelse får vi beställa konsulttimmar för att uppdatera lönearterna.",
            "Jourersättningen blir fel när passet går över midnatt, så vi kontrollerar den varje månad.",
        ],
        "missing": "Avtalsstöd för {agreement} saknas, så alla tillägg läggs in manuellt.",
        "good_short": ["bra avtalsstöd för {agreement}", "pålitliga OB-beräkningar"],
        "bad_short": ["svagt stöd för {agreement}", "krångliga OB-tillägg"],
        "area": "kollektivavtalen",
        "tip": "Gå igenom alla lönearter i {agreement} och städa bort gamla innan migreringen.",
    },
    "pension": {
        "subjects": [
            "pensionsrapporteringen", "tjänstepensionsrapporteringen",
            "rapporteringen till {pension_co}", "pensionsfilen till {pension_co}",
            "hanteringen av tjänstepensionen",
        ],
        "good": [
            "går|till {pension_co} varje månad utan handpåläggning",
            "fungerar|stabilt sedan månadsrapporteringen infördes",
            "skapas|automatiskt i samband med lönekörningen",
            "stämmer|mot premieavräkningen från {pension_co}",
        ],
        "bad": [
            "kräver|att vi stämmer av premierna för hand varje månad",
            "ger|återkommande avvikelser i premieunderlaget",
            "saknar|stöd för vissa händelser, till exempel löneväxling",
            "strular|varje gång någon byter avtalsområde",
        ],
        "good_full": [
            "Övergången till månadsrapportering hos {pension_co} gick smidigt tack vare en färdig fil från {vendor}.",
            "Tjänstepensionsrapporteringen till {pension_co} har inte gett en enda differens på över ett år.",
        ],
        "bad_full": [
            "Rättelser till {pension_co} gör vi direkt i deras portal eftersom {system} inte skickar om ändrade månader.",
            "När Fora gick över till månadsrapportering fick vi bygga om hela flödet med hjälp av konsulter.",
        ],
        "missing": "Pensionsunderlaget till {pension_co} registrerar vi manuellt i deras portal.",
        "good_short": ["smidig pensionsrapportering", "automatisk rapportering till {pension_co}"],
        "bad_short": ["krånglig rapportering till {pension_co}", "manuell pensionsrapportering"],
        "area": "pensionsrapporteringen",
        "tip": "Skicka en testfil till {pension_co} innan driftstart.",
    },
    "paxml": {
        "subjects": [
            "PAXml-importen", "importen av tid och frånvaro", "tidimporten från {time_system}",
            "inläsningen av PAXml-filer", "integrationen med {time_system}",
        ],
        "good": [
            "läser|in tid och frånvaro från {time_system} utan fel",
            "tar|bara några minuter inför varje lönekörning",
            "fungerar|även för schemaavvikelser och OB-timmar",
            "flaggar|tydligt rader som inte kan matchas mot en anställd",
        ],
        "bad": [
            "kräver|att vi rättar filen för hand innan den går att läsa in",
            "tappar|ibland frånvaro som sträcker sig över månadsskiftet",
            "ger|dubbla rader om filen läses in två gånger",
            "stöder|inte alla lönearter vi skickar från {time_system}",
        ],
        "good_full": [
            "Tidrapporterna från {time_system} kommer in som PAXml och behöver sällan rättas.",
        ],
        "bad_full": [
            "PAXml-filerna från {time_system} läses in, men frånvaroorsakerna måste mappas om varje gång.",
        ],
        "missing": "Någon PAXml-import finns inte, så all tid och frånvaro registreras manuellt.",
        "good_short": ["smidig PAXml-import", "automatisk tidimport"],
        "bad_short": ["omständlig tidimport", "krånglig PAXml-import"],
        "area": "tidimporten",
        "tip": "Kontrollera hur PAXml-importen från {time_system} fungerar med era scheman.",
    },
    "sie": {
        "subjects": [
            "SIE-exporten", "bokföringsunderlaget", "konteringen av lönerna",
            "exporten till ekonomisystemet", "SIE4-filen",
        ],
        "good": [
            "läses|in i {ledger} på några minuter",
            "fördelar|lönekostnaderna per kostnadsställe och projekt",
            "stämmer|mot lönelistan varje månad",
            "går|rakt in i bokföringen utan omkontering",
        ],
        "bad": [
            "kräver|manuell omkontering innan ekonomi kan bokföra",
            "saknar|fördelning på projekt, så vi gör den i Excel",
            "ger|avrundningsdifferenser som vi bokar bort varje månad",
            "blir|fel när en anställd byter kostnadsställe mitt i månaden",
        ],
        "good_full": [
            "Ekonomiavdelningen läser in SIE-filen i {ledger} samma dag som lönen betalas ut.",
        ],
        "bad_full": [
            "Bokföringsordern från lönekörningen måste justeras för hand innan den går in i {ledger}.",
        ],
        "missing": "SIE-export saknas, så ekonomi för in lönekostnaderna manuellt.",
        "good_short": ["enkel SIE-export", "smidig kontering"],
        "bad_short": ["krånglig konteringsexport", "manuell bokföring av lönerna"],
        "area": "SIE-exporten",
        "tip": "Säkra att konteringen och SIE-exporten stämmer mot {ledger} redan i testmiljön.",
    },
    "bankid": {
        "subjects": ["inloggningen med BankID", "BankID-inloggningen", "tvåfaktorsinloggningen"],
        "good": [
            "fungerar|för både administratörer och anställda",
            "gör|att vi slipper lösenordsåterställningar",
            "går|snabbt även i mobilen",
        ],
        "bad": [
            "finns|bara för administratörerna, inte för de anställda",
            "kräver|en separat tilläggsmodul",
            "krånglar|när anställda saknar svenskt personnummer",
        ],
        "good_full": ["Alla loggar in med BankID, så vi har nästan inga supportärenden om lösenord."],
        "bad_full": ["Anställda utan BankID får särskilda lösenord som vi administrerar för hand."],
        "missing": "BankID saknas, så de anställda loggar in med lösenord som ständigt behöver återställas.",
        "good_short": ["smidig inloggning med BankID"],
        "bad_short": ["bristande BankID-stöd", "krånglig inloggning"],
        "area": "inloggningen",
        "tip": "Fråga hur BankID-inloggningen fungerar för anställda utan svenskt personnummer.",
    },
    "payslips": {
        "subjects": [
            "lönebeskeden", "de digitala lönebeskeden", "utskicket av lönebesked",
            "lönespecifikationerna",
        ],
        "good": [
            "kommer|fram till Kivra samma dag som lönekörningen",
            "har|minskat pappersutskicken till nästan noll",
            "går|att läsa i mobilen utan problem",
        ],
        "bad": [
            "hamnar|ibland i fel ordning i Kivra",
            "kostar|extra per skickat lönebesked",
            "kräver|att vi skriver ut papper till alla som saknar Kivra",
        ],
        "good_full": ["Nästan alla anställda får sina lönebesked i Kivra och frågorna om lönebeskeden har minskat."],
        "bad_full": ["Lönebeskeden är svåra att förstå, särskilt när retroaktiva belopp finns med."],
        "missing": "Digitala lönebesked saknas, så vi skickar fortfarande lönespecifikationer som PDF via e-post.",
        "good_short": ["lönebesked direkt i Kivra", "digitala lönebesked"],
        "bad_short": ["krångliga lönebesked", "dyra digitala lönebesked"],
        "area": "lönebeskeden",
        "tip": "Kontrollera hur lönebeskeden ser ut i Kivra innan ni bestämmer er.",
    },
    "selfservice": {
        "subjects": [
            "självservicen", "självserviceportalen", "medarbetarportalen",
            "appen för de anställda", "attesteringen för cheferna",
        ],
        "good": [
            "låter|de anställda själva rapportera frånvaro och se sina lönebesked",
            "har|minskat frågorna till lönekontoret märkbart",
            "gör|att cheferna attesterar tid och utlägg i tid",
            "fungerar|bra även för medarbetare utan dator",
        ],
        "bad": [
            "är|så krånglig att de anställda hellre mejlar lönekontoret",
            "fungerar|dåligt i mobilen",
            "kräver|en separat licens per anställd",
            "saknar|stöd för utlägg och reseräkningar",
        ],
        "good_full": ["Självservicen gör att sjukanmälan och vård av barn kommer in direkt i lönesystemet."],
        "bad_full": ["Cheferna glömmer att attestera i självservicen, så vi jagar attester varje löneperiod."],
        "missing": "Självservice saknas, så frånvaro lämnas fortfarande på blanketter.",
        "good_short": ["uppskattad självservice", "bra medarbetarportal"],
        "bad_short": ["svag självservice", "krånglig medarbetarportal"],
        "area": "självservicen",
        "tip": "Testa självservicen med några vanliga medarbetare innan ni bestämmer er.",
    },
    "support": {
        "subjects": [
            "supporten", "supporten hos {vendor}", "kundtjänsten", "leverantörens support",
            "ärendehanteringen hos {vendor}",
        ],
        "good": [
            "svarar|oftast inom en timme och kan lönefrågor på riktigt",
            "hjälper|oss även med frågor om lagar och avtal",
            "ringer|upp samma dag när lönekörningen är i fara",
            "har|koll på svenska regler och kollektivavtal",
        ],
        "bad": [
            "tar|ofta flera dagar på sig att svara",
            "hänvisar|till konsulter som kostar extra",
            "stänger|ärenden innan problemet är löst",
            "saknar|kunskap om {agreement}",
            "är|svår att nå under löneveckan",
        ],
        "good_full": ["När lönekörningen stoppade en fredag eftermiddag fick vi hjälp av supporten inom en halvtimme."],
        "bad_full": ["Supportärendena blir liggande i veckor och vi får ofta förklara problemet på nytt för en ny handläggare."],
        "good_short": ["snabb support", "kunnig support"],
        "bad_short": ["seg support", "svårnådd support"],
        "area": "supporten",
        "tip": "Läs avtalet noga kring vad som ingår i supporten och vad som debiteras som konsulttid.",
    },
    "stability": {
        "subjects": ["lönesystemet", "{system}", "systemet", "plattformen"],
        "good": [
            "har|inte haft en enda driftstörning under lönekörningen på flera år",
            "går|stabilt även när hela organisationen attesterar samtidigt",
            "klarar|lönekörningen för {employees} anställda på några minuter",
            "har|varit igång utan avbrott i {years} år",
        ],
        "bad": [
            "har|haft driftstörningar mitt i löneveckan flera gånger",
            "blir|långsamt när många är inloggade samtidigt",
            "har|gått ner strax före lönedagen mer än en gång",
            "tappar|uppkopplingen när vi kör stora rapporter",
        ],
        "good_full": [
            "Lönekörningen för {employees} anställda tar under {n_small} minuter och vi har aldrig missat en lönedag.",
            "Driftstörningar har vi knappt märkt av sedan vi gick över till {system}.",
        ],
        "bad_full": [
            "Vid en driftstörning i {month} fick vi betala ut förskott till {n} anställda för att lönen inte gick ut i tid.",
            "Driftstörningarna hos {vendor} kommer nästan alltid i löneveckan.",
            "Lönekörningarna tar flera timmar och ibland måste vi starta om dem.",
        ],
        "good_short": ["stabil lönekörning", "driftsäkert lönesystem"],
        "bad_short": ["återkommande driftstörningar", "instabil lönekörning"],
        "area": "driftsäkerheten",
        "tip": "Fråga referenskunderna hur många driftstörningar de haft i löneveckan det senaste året.",
    },
    "reporting": {
        "subjects": [
            "rapportverktyget", "rapporterna", "statistikuttagen",
            "rapporteringen till SCB och Svenskt Näringsliv", "lönestatistiken",
        ],
        "good": [
            "ger|cheferna det underlag de behöver inför lönerevisionen",
            "går|att anpassa utan att beställa konsulttimmar",
            "täcker|både SCB-statistik och egna uppföljningar",
            "sparar|oss många timmar vid bokslut",
        ],
        "bad": [
            "kräver|att vi exporterar till Excel och bearbetar allt själva",
            "saknar|enkla urval per kostnadsställe",
            "tar|lång tid att köra för hela organisationen",
            "kostar|extra som tilläggsmodul",
        ],
        "good_full": ["Inför lönerevisionen tar vi fram lönekartläggningen direkt ur systemet."],
        "bad_full": ["Lönekartläggningen gör vi helt i Excel eftersom rapporterna inte räcker till."],
        "good_short": ["bra rapporter", "flexibla rapporter"],
        "bad_short": ["stela rapporter", "otillräckliga rapporter"],
        "area": "rapporterna",
        "tip": "Be att få se de rapporter ni använder mest, med era egna urval, innan ni skriver på.",
    },
    "integrations": {
        "subjects": [
            "integrationerna", "API:et", "kopplingen till {time_system}",
            "integrationen mot ekonomisystemet", "filöverföringarna",
        ],
        "good": [
            "fungerar|utan att vi behöver tänka på dem",
            "gör|att vi slipper dubbelregistrering av anställda",
            "bygger|på ett väldokumenterat gränssnitt",
            "uppdateras|automatiskt när vi lägger upp nya anställda",
        ],
        "bad": [
            "kräver|specialutveckling hos {vendor} som kostar",
            "går|sönder vid nästan varje uppgradering",
            "bygger|fortfarande på filer som vi flyttar för hand",
            "saknar|ett öppet API",
        ],
        "good_full": ["Nyanställda läggs upp en gång i HR-systemet och dyker upp i lönesystemet nästa morgon."],
        "bad_full": ["Integrationen mot {time_system} har vi fått bygga själva med nattliga filöverföringar."],
        "good_short": ["smidiga integrationer", "öppet API"],
        "bad_short": ["sköra integrationer", "dyra integrationer"],
        "area": "integrationerna",
        "tip": "Kartlägg alla integrationer, även de små filerna, och fråga vem som äger dem efter bytet.",
    },
    "usability": {
        "subjects": [
            "gränssnittet", "användargränssnittet", "{system}", "menysystemet",
            "arbetsflödet i lönekörningen",
        ],
        "good": [
            "känns|logiskt även för nya löneadministratörer",
            "gör|att nyanställda kollegor kommer igång på några dagar",
            "har|blivit mycket bättre efter senaste uppgraderingen",
            "sparar|många klick jämfört med vårt förra lönesystem",
        ],
        "bad": [
            "kräver|många klick för enkla ändringar",
            "känns|föråldrat och tungrott",
            "gör|att det tar månader innan nya kollegor blir självgående",
            "skiljer|sig mellan modulerna, så man lär sig samma sak flera gånger",
        ],
        "good_full": ["Nya löneadministratörer kan köra en egen lönekörning redan efter några veckor."],
        "bad_full": ["Det tar lång tid att hitta rätt bland alla menyer, och sökfunktionen hjälper inte."],
        "good_short": ["lättanvänt gränssnitt", "logiskt arbetsflöde"],
        "bad_short": ["tungrott gränssnitt", "omodernt användargränssnitt"],
        "area": "användarvänligheten",
        "tip": "Låt löneadministratörerna prova systemet själva under demon, inte bara titta på.",
    },
    "value": {
        "subjects": ["licenskostnaden", "priset", "kostnaden per lönebesked", "avgiften till {vendor}"],
        "good": [
            "står|sig väl jämfört med alternativen",
            "har|legat stilla i flera år",
            "motsvarar|väl det vi får",
            "blev|lägre än i vårt förra lönesystem",
        ],
        "bad": [
            "ökar|varje år utan att vi får något nytt",
            "blir|hög när alla tilläggsmoduler räknas in",
            "motsvarar|inte den nytta vi får",
            "har|stigit med {pct} procent på tre år",
        ],
        "good_full": ["För en organisation i vår storlek är {system} prisvärt, särskilt med allt som ingår."],
        "bad_full": ["Varje ny funktion är en tilläggsmodul, och konsulttimmarna kostar mer än licensen."],
        "good_short": ["rimlig prisnivå", "prisvärt lönesystem"],
        "bad_short": ["höga licenskostnader", "dyra tilläggsmoduler"],
        "area": "prissättningen",
        "tip": "Begär ett fast pris för införandet och skriv in vad som ingår.",
    },
    "implementation": {
        "subjects": ["införandet", "införandeprojektet", "implementeringen", "uppstarten"],
        "good": [
            "tog|{go_live} månader och höll tidplanen",
            "gick|smidigt tack vare en erfaren projektledare från {vendor}",
            "blev|klart en månad före plan",
            "gav|oss en ordentlig genomgång av alla lönearter",
        ],
        "bad": [
            "drog|över tidplanen med {delay} månader",
            "blev|dyrare än offerten på grund av alla konsulttimmar",
            "krävde|betydligt mer av våra egna löneadministratörer än vi räknat med",
            "tappade|fart när leverantören bytte projektledare",
        ],
        "good_full": ["Vi parallellkörde två lönekörningar och hittade bara små differenser."],
        "bad_full": ["Under införandeprojektet fick löneadministratörerna jobba övertid i flera månader."],
        "good_short": ["smidigt införande", "välplanerat införande"],
        "bad_short": ["utdraget införande", "dyrt införandeprojekt"],
        "area": "införandet",
        "past_tense": True,
        "tip": "Avsätt minst {n_small} månader för parallellkörning innan ni stänger det gamla systemet.",
    },
    "upgrades": {
        "subjects": ["uppgraderingarna", "versionsbytena", "uppdateringarna", "de årliga lagändringarna"],
        "good": [
            "kommer|i god tid före lagändringar och nya avtal",
            "installeras|av leverantören utan att vi märker något",
            "går|smidigt tack vare tydliga releasenoteringar",
        ],
        "bad": [
            "kräver|omfattande tester varje gång",
            "kommer|ofta mitt i löneveckan",
            "har|flera gånger förstört egna rapporter och integrationer",
            "kräver|att vi stänger systemet en hel dag",
        ],
        "good_full": ["Nya skattetabeller och lagändringar vid årsskiftet finns på plats i god tid."],
        "bad_full": ["Efter uppgraderingen i {month} slutade flera av våra egna rapporter att fungera."],
        "good_short": ["smärtfria uppgraderingar"],
        "bad_short": ["riskabla uppgraderingar"],
        "area": "uppgraderingarna",
        "tip": "Fråga hur uppgraderingar testas och om ni får en testmiljö som speglar produktion.",
    },
    "retro": {
        "subjects": [
            "retroberäkningen", "hanteringen av retroaktiva lönehöjningar",
            "lönerevisionen", "utbetalningen av retroaktiv lön",
        ],
        "good": [
            "går|att räkna fram för alla berörda på en gång",
            "hanteras|automatiskt inklusive semesterlön och OB",
            "klarar|även flera månader bakåt",
        ],
        "bad": [
            "kräver|manuella beräkningar för alla som bytt tjänst under perioden",
            "blir|fel för timanställda",
            "tar|flera dagar av kontroller",
        ],
        "good_full": ["Retroaktiva lönerevisioner räknas ut för alla berörda på en gång, även OB och övertid."],
        "bad_full": ["Retroaktiva lönerevisioner för {n} anställda fick vi räkna fram i kalkylark."],
        "good_short": ["enkla retroaktiva lönerevisioner"],
        "bad_short": ["krångliga retroberäkningar"],
        "area": "retroaktiva lönerevisioner",
        "tip": "Be att få se hur retroaktiva lönerevisioner hanteras, det är där många system brister.",
    },
    "absence": {
        "subjects": [
            "sjuklöneberäkningen", "hanteringen av karensavdrag", "frånvarohanteringen",
            "beräkningen av sjuklön", "hanteringen av föräldraledighet",
        ],
        "good": [
            "följer|sjuklönelagen utan att vi behöver räkna själva",
            "hanterar|karensavdrag även för deltider och schemaavvikelser",
            "räknar|rätt på föräldralönetillägg enligt {agreement}",
        ],
        "bad": [
            "blir|fel vid upprepade sjukperioder inom fem dagar",
            "kräver|handpåläggning när någon är deltidssjukskriven",
            "saknar|stöd för föräldralön enligt {agreement}",
        ],
        "good_full": ["Sjuklön, karensavdrag och föräldraledighet räknas rätt direkt från frånvaroanmälan."],
        "bad_full": ["Föräldralönetillägget räknar vi fortfarande fram för hand för varje föräldraledig."],
        "good_short": ["korrekt sjuklön", "bra frånvarohantering"],
        "bad_short": ["krånglig frånvarohantering", "fel i sjuklönen"],
        "area": "sjuklön och föräldraledighet",
        "tip": "Testa sjuklön med karensavdrag för deltidsanställda med schema innan ni bestämmer er.",
    },
    "consultants": {
        "subjects": ["leverantörens konsulter", "konsulterna från {vendor}", "partnerkonsulterna"],
        "good": [
            "kan|både systemet och svenska lönelagar",
            "hjälpte|oss att städa bland lönearterna",
            "finns|tillgängliga med kort varsel",
        ],
        "bad": [
            "kostar|mycket och är svåra att boka",
            "byts|ut ofta, så vi får förklara allt igen",
            "saknar|ibland kunskap om {agreement}",
        ],
        "good_full": ["Konsulten från {vendor} hade själv arbetat som löneadministratör, vilket märktes."],
        "bad_full": ["Vi har betalat för konsulttimmar som gick åt till att förstå vår egen uppsättning."],
        "good_short": ["kunniga konsulter"],
        "bad_short": ["dyra konsulttimmar"],
        "area": "konsultstödet",
        "past_tense": True,
        "tip": "Kräv att leverantörens konsulter har erfarenhet av {org_plural}.",
    },
}
# Which stored value decides a topic's tone for a row.
_TOPIC_SOURCE = {
    "agi": "cap_agi", "semester": "cap_semester", "avtal": "cap_kollektivavtal",
    "pension": "cap_pension", "paxml": "cap_paxml", "sie": "cap_sie", "bankid": "cap_bankid",
    "payslips": "cap_payslips", "selfservice": "cap_selfservice",
    "support": "rating_support", "stability": "rating_stability",
    "reporting": "rating_reporting", "integrations": "rating_integrations",
    "usability": "rating_usability", "value": "rating_value",
    "implementation": "rating_implementation", "upgrades": "rating_stability",
    "retro": "rating_compliance", "absence": "rating_compliance",
    "consultants": "rating_implementation",
}

_GENERIC_PROS = [
    "Lönen har alltid kommit ut i tid.",
    "Grundfunktionerna för lönekörningen fungerar.",
    "Leverantören finns kvar på marknaden och utvecklar produkten.",
    "Det finns många andra {org_plural} som kör {system}, så det är lätt att hitta någon att fråga.",
    "Skattetabellerna uppdateras automatiskt vid årsskiftet.",
    "Behörighetsstyrningen är tydlig och revisorerna har inte haft några anmärkningar.",
    "Användarföreningen och nätverksträffarna ger mycket.",
]
_GENERIC_CONS = [
    "Inget större att klaga på, men vissa specialfall kräver fortfarande handpåläggning.",
    "Hjälptexterna i systemet kunde vara tydligare.",
    "Vi hade önskat fler standardrapporter från start.",
    "Utbildningsmaterialet är delvis inaktuellt efter senaste versionen.",
    "Licensmodellen är svår att förstå när vi växer.",
    "Dokumentationen av lönearterna är tunn.",
]
_TIPS = [
    "Fråga referenskunder i samma storlek som er, inte bara leverantörens favoritkunder.",
    "Planera bytet så att det inte sammanfaller med semesterårsskiftet eller lönerevisionen.",
    "Se till att ha en egen systemförvaltare på plats från dag ett.",
    "Boka in extra tid för att få AGI och pensionsrapporteringen till {pension_co} att stämma de första månaderna.",
    "Ta med löneadministratörerna i upphandlingen, inte bara IT och ekonomi.",
    "Dokumentera era egna lönearter och specialregler innan ni börjar, det sparar veckor.",
    "Räkna med att ungefär {pct} procent av projekttiden går åt till att rätta grunddata.",
    "Gör en provlönekörning med verkliga data från minst {n_small} månader.",
    "Börja inte ett byte i december, årsskiftet med nya skattetabeller och lagändringar räcker gott.",
    "Prata med andra i lönenätverket som kör {system}, det var guld värt för oss.",
    "Se över behörigheterna innan ni går live, det är lätt att glömma.",
    "Ha en tydlig plan för hur historiska lönebesked och löneunderlag ska arkiveras.",
    "Sätt av tid för att utbilda cheferna i attestflödet.",
    "Fråga hur ofta leverantören uppdaterar för nya kollektivavtal och vad det kostar.",
    "Skriv in svarstider för supporten i avtalet, särskilt under löneveckan.",
    "Ta fram en lista med era tio krångligaste lönefall och låt leverantören visa dem live.",
    "Stäm av semesterskulden i det gamla och det nya systemet innan ni stänger det gamla.",
    "Kontrollera att ni får ut all historik ur det gamla systemet innan avtalet sägs upp.",
    "Planera för att lönekörningarna tar längre tid de första {n_small} månaderna.",
    "Involvera ekonomi tidigt så att konteringen och SIE-exporten blir rätt från början.",
]
_INTROS_CURRENT = [
    "Vi är {sector_phrase} med ungefär {employees} anställda och har kört {system} sedan {since}.",
    "Jag arbetar som {role_phrase} på {sector_phrase} med cirka {employees} anställda på lönelistan.",
    "Hos oss betalas lön ut till runt {employees} personer varje månad, och {system} har varit vårt lönesystem sedan {since}.",
    "Hos oss arbetar {admins} i {system} med lönerna för cirka {employees} anställda.",
    "Som {role_phrase} på {sector_phrase} har jag arbetat i {system} i {years} år.",
    "Vi kör {system} från {vendor} för ungefär {employees} medarbetare med {agreement} som huvudavtal.",
]
_INTROS_CONSULTANT = [
    "Som lönekonsult har jag infört {system} hos flera kunder; den här erfarenheten gäller {sector_phrase} med cirka {employees} anställda.",
    "Jag är konsult och har hjälpt {sector_phrase} med omkring {employees} anställda att förvalta {system}.",
]
_INTROS_FORMER = [
    "Vi använde {system} mellan {since} och {until} på {sector_phrase} med omkring {employees} anställda.",
    "Fram till {until} körde vi lönerna för cirka {employees} anställda i {system}.",
    "Jag arbetade i {system} i {years} år som {role_phrase} innan vi bytte lönesystem.",
]
_INTROS_EVALUATING = [
    "Vi utvärderar just nu {system} inför ett byte av lönesystem och har hunnit gå igenom demo och referenssamtal.",
    "Vi är {sector_phrase} med cirka {employees} anställda och har {system} med i en pågående upphandling.",
    "Under hösten har vi testat {system} i en testmiljö med våra egna lönearter och {agreement}.",
]
_SWITCH_STORY = [
    "Bytet från {from} tog {go_live} månader, inklusive {n_small} parallellkörningar.",
    "Vi gick över från {from} efter en upphandling och var i drift efter {go_live} månader.",
    "Migreringen av grunddata från {from} var det tyngsta i hela införandeprojektet.",
    "Jämfört med {from} är lönekörningen betydligt snabbare, men vi saknar vissa rapporter.",
]
_MIDDLE_EXTRA = [
    "Lönekörningen görs den {payday} varje månad och förberedelserna tar {n_small} dagar.",
    "Vi har {n_small} avtalsområden, och {agreement} är det största.",
    "Tidrapporteringen sker i {time_system} och förs över till lönesystemet inför varje lönekörning.",
    "Bokföringen sker i {ledger} och pensionerna rapporteras till {pension_co}.",
    "Ungefär {pct} procent av de anställda är timavlönade med OB-tillägg och övertid.",
    "Vid semesterårsskiftet den 1 april går vi igenom semesterskulderna tillsammans med ekonomi.",
    "Vi deltar i användarföreningen och lönechefsnätverket för att påverka utvecklingen av {system}.",
]
_CLOSINGS = {
    "high": [
        "Sammantaget är vi mycket nöjda och skulle välja {system} igen.",
        "Jag rekommenderar gärna {system} till andra {org_plural} i liknande storlek.",
        "Vi har inga planer på att byta lönesystem de närmaste åren.",
        "Det bästa betyget är att löneadministratörerna inte vill byta tillbaka.",
    ],
    "mid": [
        "Det fungerar, men det finns mycket kvar att förbättra.",
        "För {org_plural} i vår storlek är {system} ett rimligt val, men räkna med en del manuellt arbete.",
        "Vi stannar kvar så länge, men följer utvecklingen på marknaden.",
        "Med rätt förväntningar och en bra systemförvaltare fungerar det godkänt.",
    ],
    "low": [
        "Vi har börjat titta på alternativ och räknar med att byta inom ett par år.",
        "Jag skulle inte rekommendera {system} till en organisation med {agreement} som huvudavtal.",
        "Om vi hade vetat det vi vet i dag hade vi valt ett annat lönesystem.",
        "Tyvärr har {vendor} inte lyssnat på oss som kunder, trots många möten.",
    ],
}
_CLOSINGS_EVALUATING = [
    "Beslut om nytt lönesystem fattas efter sommaren, och {system} ligger bra till.",
    "Hittills ser {system} lovande ut, men vi vill se mer av hur {agreement} hanteras.",
    "Vi har bett om ytterligare referenser från {org_plural} i vår storlek innan vi bestämmer oss.",
    "Nästa steg är en provlönekörning med våra egna data från {n_small} månader.",
    "Priset och införandetiden avgör om vi går vidare med {system}.",
]
_CLOSINGS_FORMER = {
    "high": [
        "Vi bytte av organisatoriska skäl, inte för att {system} var dåligt.",
        "Det var med viss tvekan vi lämnade {system}, och vissa delar saknar vi fortfarande.",
    ],
    "mid": [
        "I efterhand var {system} varken bättre eller sämre än det vi har i dag, bara annorlunda.",
        "Bytet löste några problem men skapade andra.",
    ],
    "low": [
        "Att lämna {system} var rätt beslut, och löneadministratörerna andas ut.",
        "Sedan vi lämnade {system} har lönekörningarna blivit betydligt lugnare.",
    ],
}
_CONSIDERING = [
    "Vi tittar nu på {considering} och har bokat en demo.",
    "Nästa år gör vi en upphandling där {considering} är ett av alternativen.",
    "Flera i lönenätverket har gått över till {considering}, så vi har börjat fråga dem om deras erfarenheter.",
]
_SWITCH_REASONS = [
    "{from} skulle inte längre utvecklas och leverantören aviserade slutdatum för vår version.",
    "Licenskostnaden för {from} ökade kraftigt utan att vi fick något nytt.",
    "Vi ville bort från egen drift med servrar och manuella uppgraderingar.",
    "Supporten för {from} kunde inte hjälpa oss med {agreement}.",
    "I upphandlingen gav {system} bäst helhet för pengarna.",
    "Vi slogs ihop med en organisation som redan körde {system}.",
    "Vi ville ha självservice och digitala lönebesked i Kivra, vilket {from} saknade.",
    "AGI-rättelserna i {from} tog alldeles för mycket tid varje månad.",
    "Vi behövde en molntjänst med BankID-inloggning för alla anställda.",
    "Semesterberäkningen i {from} krävde manuella korrigeringar varje år.",
    "Integrationen mellan {from} och {time_system} fungerade aldrig stabilt.",
    "Avtalet med leverantören av {from} löpte ut och vi valde att upphandla på nytt.",
]
_SWITCH_EXTRA = [
    "Dessutom ville vi samla lön och HR i ett och samma system.",
    "Upphandlingen tog {n} månader och vi jämförde {n_small} leverantörer.",
    "Avgörande var referenssamtalen med andra {org_plural} som redan hade bytt.",
    "Det gamla systemet krävde en konsult för varje lagändring.",
    "Pensionsrapporteringen till {pension_co} var ett ständigt problem i det gamla systemet.",
]
_TITLES = {
    "high": [
        "{System} sköter lönekörningen utan krångel",
        "Stabilt och pålitligt lönesystem för {org_plural}",
        "{Good_short} och {good_short2}",
        "Nöjda efter {years} år med {system}",
        "{System}: {good_short} som bara fungerar",
        "Rekommenderar {system} för {org_plural} med {agreement}",
        "Bra val för {org_plural} i vår storlek",
        "Lönekörningen tar minuter i stället för dagar",
        "{System} har gjort lönearbetet enklare",
        "Starkt på {good_area}, inget att klaga på",
        "Nöjda med {system}: {good_short} och {good_short2}",
    ],
    "mid": [
        "{Good_short} men {bad_short}",
        "Bra på {good_area}, sämre på {bad_area}",
        "{System} fungerar, men {bad_area} kräver omvägar",
        "Helt okej lönesystem med brister i {bad_area}",
        "{System} efter {years} år: {good_short} men {bad_short}",
        "Godkänt för {org_plural}, men räkna med handpåläggning",
        "Blandade erfarenheter av {system} på {sector_phrase}",
        "{Good_short}, {bad_short} och en del manuellt arbete",
    ],
    "low": [
        "{Bad_short} gör lönekörningen tung",
        "{System} har kostat mer än det smakat",
        "Vi letar redan efter ett nytt lönesystem",
        "Inte värt priset för {org_plural}",
        "{Bad_short} och {bad_short2}",
        "Svagt på {bad_area} och {bad_area2}",
        "Svårt att rekommendera {system} till {org_plural}",
        "{Bad_short} i {system} tar för mycket tid",
    ],
    "evaluating": [
        "Utvärderar {system}: {good_short} men frågetecken kring {bad_area}",
        "Första intryck av {system} under upphandlingen",
        "Demo och referenssamtal om {system}",
        "{System} i testmiljö: {good_short}, men {bad_short}",
    ],
    "former": [
        "Därför lämnade vi {system} efter {years} år",
        "Tillbakablick på {years} år med {system}",
        "{System} i backspegeln: {good_short} men {bad_short}",
    ],
    "switched": [
        "Från {from} till {system}: {good_short} men {bad_short}",
        "Bytet från {from} till {system} gav {good_short}",
        "Efter bytet från {from}: {good_short}",
    ],
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(template: str, slots: dict) -> str:
    return template.format_map(slots) if "{" in template else template


class _Writer:
    """Writes the Swedish texts of one row from its values."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._adv_good = _ADV_NEUTRAL + _ADV_GOOD
        self._adv_bad = _ADV_NEUTRAL + _ADV_BAD

    def sentence(self, topic: str, tone: str, slots: dict) -> str:
        """One sentence about a topic; tone is "good", "bad" or "missing"."""
        rng = self.rng
        spec = _TOPICS[topic]
        if tone == "missing" and "missing" in spec and rng.random() < 0.5:
            return _fill(spec["missing"], slots)
        polarity = "good" if tone == "good" else "bad"
        if rng.random() < 0.3:
            return _fill(rng.choice(spec[polarity + "_full"]), slots)
        subject = _fill(rng.choice(spec["subjects"]), slots)
        verb, rest = rng.choice(spec[polarity]).split("|")
        rest = _fill(rest, slots)
        if rng.random() < 0.35 and "past_tense" not in spec:
            adverbial = rng.choice(self._adv_good if polarity == "good" else self._adv_bad)
            return f"{_fill(adverbial, slots)} {verb} {subject} {rest}."
        return f"{_cap(subject)} {verb} {rest}."

    def sentences(self, picks: list[tuple[str, str]], slots: dict) -> list[str]:
        return [self.sentence(topic, tone, slots) for topic, tone in picks]

    def short(self, topic: str | None, polarity: str, slots: dict, fallback: str) -> str:
        if topic is None:
            return fallback
        return _fill(self.rng.choice(_TOPICS[topic][polarity + "_short"]), slots)

    def write(self, row: dict, goods: list[str], bads: list[tuple[str, str]], slots: dict) -> None:
        rng = self.rng
        satisfaction = row["satisfaction"]
        tier = "high" if satisfaction >= 4 else "mid" if satisfaction == 3 else "low"

        # Pros: what works, fewer for the dissatisfied.
        n_pros = rng.randint(2, 5) if tier != "low" else rng.randint(1, 3)
        picks = [(t, "good") for t in rng.sample(goods, min(n_pros, len(goods)))]
        pros = self.sentences(picks, slots)
        while len(pros) < min(2, n_pros):
            pros.append(_fill(rng.choice(_GENERIC_PROS), slots))
        # Cons: what doesn't, fewer for the satisfied.
        n_cons = rng.randint(1, 3) if tier == "high" else rng.randint(2, 5)
        picks = rng.sample(bads, min(n_cons, len(bads)))
        cons = self.sentences(picks, slots)
        if not cons:
            cons.append(_fill(rng.choice(_GENERIC_CONS), slots))

        # Tips before switching: general advice plus one about a weak spot.
        tips = [_fill(t, slots) for t in rng.sample(_TIPS, rng.randint(1, 3))]
        if bads:
            tip = _TOPICS[rng.choice(bads)[0]]["tip"]
            tips.insert(rng.randint(0, len(tips)), _fill(tip, slots))
        elif goods:
            tips.append(_fill(_TOPICS[rng.choice(goods)]["tip"], slots))

        # Body: context, a few observations, a verdict.
        status = row["usage_status"]
        if status == "former":
            intro = rng.choice(_INTROS_FORMER)
        elif status == "evaluating":
            intro = rng.choice(_INTROS_EVALUATING)
        elif row["reviewer_role"] == "konsult":
            intro = rng.choice(_INTROS_CONSULTANT)
        else:
            intro = rng.choice(_INTROS_CURRENT)
        body = [_fill(intro, slots)]
        if row["switched_from_id"] is not None:
            body.append(_fill(rng.choice(_SWITCH_STORY), slots))
        if rng.random() < 0.6:
            body.append(_fill(rng.choice(_MIDDLE_EXTRA), slots))
        mixed = [(t, "good") for t in goods] + bads
        for topic, tone in rng.sample(mixed, min(rng.randint(1, 2), len(mixed))):
            body.append(self.sentence(topic, tone, slots))
        if status == "evaluating":
            closing = [_fill(rng.choice(_CLOSINGS_EVALUATING), slots)]
        elif status == "former":
            closing = [_fill(rng.choice(_CLOSINGS_FORMER[tier]), slots)]
        else:
            closing = [_fill(rng.choice(_CLOSINGS[tier]), slots)]
        if row["considering_switch_to_id"] is not None:
            closing.append(_fill(rng.choice(_CONSIDERING), slots))
        paragraphs = [" ".join(body[:3]), " ".join(body[3:] + closing)]

        # Title.
        good_topics = rng.sample(goods, min(2, len(goods)))
        bad_topics = [t for t, _ in rng.sample(bads, min(2, len(bads)))]
        g1 = good_topics[0] if good_topics else None
        g2 = good_topics[1] if len(good_topics) > 1 else None
        b1 = bad_topics[0] if bad_topics else None
        b2 = bad_topics[1] if len(bad_topics) > 1 else None
        title_slots = dict(slots)
        title_slots["good_short"] = self.short(g1, "good", slots, "stabil lönekörning")
        title_slots["good_short2"] = self.short(g2, "good", slots, "nöjda användare")
        title_slots["bad_short"] = self.short(b1, "bad", slots, "en del handpåläggning")
        title_slots["bad_short2"] = self.short(b2, "bad", slots, "för mycket manuellt arbete")
        title_slots["good_area"] = _TOPICS[g1]["area"] if g1 else "lönekörningen"
        title_slots["bad_area"] = _TOPICS[b1]["area"] if b1 else "specialfallen"
        title_slots["bad_area2"] = _TOPICS[b2]["area"] if b2 else "rapporterna"
        title_slots["Good_short"] = _cap(title_slots["good_short"])
        title_slots["Bad_short"] = _cap(title_slots["bad_short"])
        if status == "evaluating":
            kind = "evaluating"
        elif status == "former" and rng.random() < 0.6:
            kind = "former"
        elif row["switched_from_id"] is not None and rng.random() < 0.5:
            kind = "switched"
        else:
            kind = tier
        title = _cap(_fill(rng.choice(_TITLES[kind]), title_slots))
        if len(title) > 150:
            title = title[:147].rsplit(" ", 1)[0] + "…"

        row["title"] = title
        row["pros"] = " ".join(pros)
        row["cons"] = " ".join(cons)
        row["tips"] = " ".join(tips)
        row["body"] = "\n\n".join(p for p in paragraphs if p)
        if row["switched_from_id"] is not None:
            reason = [_fill(rng.choice(_SWITCH_REASONS), slots)]
            if rng.random() < 0.6:
                reason.append(_fill(rng.choice(_SWITCH_EXTRA), slots))
            row["switch_reason"] = " ".join(reason)
        else:
            row["switch_reason"] = ""


# --------------------------------------------------------------------------- rows


def _clamp(value: float, low: int, high: int) -> int:
    value = round(value)
    return low if value < low else high if value > high else value


def _log_uniform(rng: random.Random, low: int, high: int) -> int:
    return int(math.exp(rng.uniform(math.log(low), math.log(high + 1))))


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


class _Generator:
    """Deterministic rows for a given seed, system ids and demo authors."""

    def __init__(self, seed: int, system_ids: dict[str, int], authors: dict[str, list[int]]):
        self.rng = _FastRandom(seed)
        self.writer = _Writer(self.rng)
        self.system_ids = system_ids
        self.authors = authors
        self.slugs = [slug for slug in _PROFILES if slug in system_ids]
        if not self.slugs:
            raise ValueError("No demo catalogue systems in the database.")
        self.systems = _Weighted({slug: _PROFILES[slug].weight for slug in self.slugs})
        self.sectors = {slug: _Weighted(_PROFILES[slug].sectors) for slug in self.slugs}
        self.sizes: dict[tuple[str, str], _Weighted] = {}
        # Systems an organisation in a sector plausibly leaves or moves to.
        self.by_sector = {
            sector: _Weighted(
                {s: _PROFILES[s].weight * _PROFILES[s].sectors.get(sector, 0) for s in self.slugs}
            )
            for sector in vocab.SECTORS
        }
        self.roles_small = _Weighted(_ROLES_SMALL)
        self.roles_large = _Weighted(_ROLES_LARGE)
        self.deployments = {
            slug: _Weighted(
                list(zip(SYSTEM_DEPLOYMENTS[slug], (6, 3, 1), strict=False))
            )
            for slug in self.slugs
        }

    def _size(self, slug: str, sector: str) -> _Weighted:
        key = (slug, sector)
        if key not in self.sizes:
            sizes = _PROFILES[slug].sizes
            combined = {b: w * _SECTOR_SIZES[sector].get(b, 0) for b, w in sizes.items()}
            self.sizes[key] = _Weighted(combined if any(combined.values()) else sizes)
        return self.sizes[key]

    def _other(self, slug: str, sector: str) -> str | None:
        choice = self.by_sector[sector]
        if len(choice.items) < 2 and slug in choice.items:
            choice = self.systems
        for _ in range(8):
            other = choice.pick(self.rng)
            if other != slug:
                return other
        return None

    def row(self) -> dict:
        rng = self.rng
        slug = self.systems.pick(rng)
        profile = _PROFILES[slug]
        sector = self.sectors[slug].pick(rng)
        size_band = self._size(slug, sector).pick(rng)
        employees = _log_uniform(rng, *_BAND_RANGES[size_band])
        small = size_band == "1-49"
        role = (self.roles_small if small else self.roles_large).pick(rng)
        deployment = self.deployments[slug].pick(rng) if rng.random() > 0.05 else None

        created = _START + timedelta(seconds=int(rng.random() ** 0.75 * _SPAN_SECONDS))
        if created.year < profile.since:
            earliest = datetime(profile.since, 1, 1)
            span = int((_END - earliest).total_seconds())
            created = earliest + timedelta(seconds=int(rng.random() * span))
        created = created.replace(microsecond=0)
        if rng.random() < 0.85:
            updated = confirmed = created
        else:
            updated = min(_END, created + timedelta(days=rng.randint(1, 400)))
            confirmed = updated if rng.random() < 0.7 else min(
                _END, updated + timedelta(days=rng.randint(30, 200))
            )

        u = rng.random()
        status = "current" if u < 0.75 else "former" if u < 0.9 else "evaluating"
        since_low = min(profile.since, created.year)
        if status == "evaluating":
            in_use_since = None if rng.random() < 0.7 else created.year
        elif status == "former":
            in_use_since = rng.randint(since_low, max(since_low, created.year - 1))
        else:
            in_use_since = rng.randint(since_low, created.year)
        if status == "former":
            until = rng.randint(min(in_use_since + 1, created.year), created.year)
        else:
            until = created.year

        mood = profile.mood - (0.6 if status == "former" else 0.0)
        satisfaction = _clamp(rng.gauss(mood, 0.95), 1, 5)
        row: dict = {
            "author_id": rng.choice(self.authors[role]) if self.authors.get(role) else None,
            "system_id": self.system_ids[slug],
            "sector": sector,
            "size_band": size_band,
            "employees_paid": employees if rng.random() > 0.04 else None,
            "reviewer_role": role,
            "deployment": deployment,
            "in_use_since": in_use_since,
            "usage_status": status,
            "satisfaction": satisfaction,
        }
        gauss = rng.gauss
        for column, offset, gap in zip(
            _RATING_COLUMNS, profile.aspects, _RATING_GAPS[status], strict=True
        ):
            if rng.random() < gap:
                row[column] = None
            else:
                row[column] = _clamp(satisfaction + offset + gauss(0, 0.75), 1, 5)
        if rng.random() < 0.05:
            row["recommend"] = None
        else:
            row["recommend"] = _clamp((satisfaction - 1) * 2.4 + 0.6 + rng.gauss(0, 1.3), 0, 10)

        unknown = 0.06 + (0.12 if role in ("hr", "ekonomi") else 0) + (
            0.15 if status == "evaluating" else 0
        )
        shift = (satisfaction - 3) * 0.07
        for column, letter in zip(_CAP_COLUMNS, profile.caps, strict=True):
            if rng.random() < unknown:
                row[column] = "unknown"
                continue
            p_good, p_work, p_miss = _CAP_LEVELS[letter]
            p_good = min(0.97, max(0.02, p_good + shift))
            v = rng.random()
            if v < p_good:
                level = "good"
            elif v < p_good + (1 - p_good) * p_work / (p_work + p_miss):
                level = "workaround"
            else:
                level = "missing"
            row[column] = level

        switched_from = None
        go_live = None
        if rng.random() < 0.22 and status != "evaluating":
            switched_from = self._other(slug, sector)
            if switched_from is not None:
                base = {"1-49": 2, "50-249": 4, "250-999": 7, "1000-4999": 11, "5000+": 15}
                go_live = max(1, min(36, int(rng.gauss(base[size_band], base[size_band] / 3))))
        considering = None
        if status == "current" and rng.random() < (0.0, 0.55, 0.4, 0.14, 0.04, 0.015)[satisfaction]:
            considering = self._other(slug, sector)
        row["switched_from_id"] = self.system_ids[switched_from] if switched_from else None
        row["go_live_months"] = go_live
        row["considering_switch_to_id"] = self.system_ids[considering] if considering else None
        row["visibility"] = "members" if rng.random() < 0.15 else "public"
        row["anonymous"] = rng.random() < 0.25
        row["moderation_state"] = "published"
        row["is_demo"] = True
        row["created_at"] = created
        row["updated_at"] = updated
        row["confirmed_at"] = confirmed

        # Which topics read as strengths and weaknesses for this row.
        goods: list[str] = []
        bads: list[tuple[str, str]] = []
        for topic, source in _TOPIC_SOURCE.items():
            value = row[source]
            if value is None:
                value = satisfaction
            if value in ("good", 4, 5):
                goods.append(topic)
            elif value == "workaround" or value in (1, 2):
                bads.append((topic, "bad"))
            elif value == "missing":
                bads.append((topic, "missing"))
            elif value == 3 and rng.random() < 0.5:
                bads.append((topic, "bad"))

        years = max(1, until - (in_use_since or created.year))
        agreement = rng.choice(_AGREEMENTS[sector])
        admins = max(1, employees // 450 + rng.randint(0, 2))
        name = SYSTEM_NAMES[slug]
        slots = {
            "system": name,
            "System": name,
            "vendor": SYSTEM_VENDORS[slug],
            "from": SYSTEM_NAMES[switched_from] if switched_from else "vårt förra lönesystem",
            "considering": SYSTEM_NAMES[considering] if considering else "andra lönesystem",
            "agreement": agreement,
            "semester_pct": 13 if agreement in ("Handels", "Detaljhandelsavtalet") else 12,
            "pension_co": rng.choice(_PENSION[sector]),
            "time_system": rng.choice(_TIME_SYSTEMS),
            "ledger": rng.choice(_LEDGERS),
            "employees": _thousands(employees),
            "since": in_use_since or created.year,
            "until": until,
            "years": "ett" if years == 1 else years,
            "go_live": go_live or rng.randint(3, 18),
            "delay": rng.randint(2, 9),
            "n": rng.randint(3, 60),
            "n_small": rng.randint(2, 6),
            "pct": rng.choice((5, 10, 15, 20, 25, 30, 40)),
            "month": rng.choice(_MONTHS),
            "payday": rng.choice(("25:e", "27:e", "20:e", "sista vardagen")),
            "sector_phrase": rng.choice(_SECTOR_PHRASES[sector]),
            "org_plural": _ORG_PLURAL[sector],
            "role_phrase": _ROLE_PHRASES[role],
            "admins": "en löneadministratör" if admins == 1 else f"{admins} löneadministratörer",
        }
        self.writer.write(row, goods, bads, slots)
        return row

    def rows(self, count: int) -> Iterator[dict]:
        for _ in range(count):
            yield self.row()


def generate_experiences(
    count: int,
    seed: int = 1,
    system_ids: dict[str, int] | None = None,
    authors: dict[str, list[int]] | None = None,
) -> Iterator[dict]:
    """Yield `count` experience rows as plain dicts (no database access).

    Without system ids, slugs are numbered by catalogue position; without authors,
    author_id is None. The same arguments always give the same rows.
    """
    if system_ids is None:
        system_ids = {entry["slug"]: i for i, entry in enumerate(CATALOGUE, start=1)}
    return _Generator(seed, system_ids, authors or {}).rows(count)


# --------------------------------------------------------------------------- database


@dataclass(frozen=True)
class SeedResult:
    systems: int  # catalogue systems added by this run
    experiences: int  # experiences added by this run
    accounts: int = 0  # demo accounts added by this run


def load_catalogue() -> int:
    """Insert the catalogue systems missing by slug; return how many were added."""
    existing = set(db.session.scalars(select(PayrollSystem.slug)))
    added = 0
    for entry in CATALOGUE:
        if entry["slug"] not in existing:
            db.session.add(PayrollSystem(**entry))
            added += 1
    db.session.commit()
    return added


def _unusable_password_hash() -> str:
    # No "$": werkzeug's check_password_hash rejects it for every password.
    return "!demo-account-no-login-" + secrets.token_hex(16)


def ensure_demo_accounts() -> tuple[dict[str, list[int]], int]:
    """Create the demo accounts that are missing; return ids by professional role."""
    emails = [f"{local}@{DEMO_EMAIL_DOMAIN}" for local, _, _ in DEMO_ACCOUNTS]
    existing = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    added = 0
    for (_local, display_name, role), email in zip(DEMO_ACCOUNTS, emails, strict=True):
        if email not in existing:
            user = User(
                email=email,
                display_name=display_name,
                password_hash=_unusable_password_hash(),
                site_role="member",
                professional_role=role,
                created_at=DEMO_ACCOUNT_CREATED,
                active=True,
            )
            db.session.add(user)
            existing[email] = user
            added += 1
    db.session.commit()
    by_role: dict[str, list[int]] = {}
    for (_local, _name, role), email in zip(DEMO_ACCOUNTS, emails, strict=True):
        by_role.setdefault(role, []).append(existing[email].id)
    return by_role, added


def seed(count: int, seed: int = 1, batch_size: int = 5000) -> SeedResult:
    """Load the catalogue, the demo accounts and `count` synthetic experiences."""
    systems_added = load_catalogue()
    authors, accounts_added = ensure_demo_accounts()
    system_ids = dict(
        db.session.execute(
            select(PayrollSystem.slug, PayrollSystem.id).where(
                PayrollSystem.slug.in_(list(_PROFILES))
            )
        ).all()
    )
    # A Core insert on the table: executemany without the ORM's per-row bulk handling
    # (several times faster than insert(Experience) through the ORM).
    statement = insert(Experience.__table__)
    batch: list[dict] = []
    written = 0
    for row in _Generator(seed, system_ids, authors).rows(count):
        batch.append(row)
        if len(batch) >= batch_size:
            db.session.execute(statement, batch)
            written += len(batch)
            batch = []
    if batch:
        db.session.execute(statement, batch)
        written += len(batch)
    _keep_earlier_satisfactions(seed, batch_size)
    db.session.commit()
    if written and db.engine.dialect.name == "postgresql":
        # Planner statistics for the rows just loaded, before autovacuum gets to it.
        db.session.execute(text("ANALYZE experience, satisfaction_history"))
        db.session.commit()
    return SeedResult(systems=systems_added, experiences=written, accounts=accounts_added)


# How much the satisfaction stated before a confirmation differed: mostly not at all.
_EARLIER_STEPS = ((0, 55), (-1, 20), (1, 15), (-2, 5), (2, 5))


def _keep_earlier_satisfactions(seed: int, batch_size: int) -> None:
    """What confirmations leave behind (kb.freshness): for each demo experience its
    author confirmed or updated after writing it, the satisfaction stated when written."""
    rng = random.Random(f"earlier-{seed}")
    steps, weights = zip(*_EARLIER_STEPS, strict=True)
    rows = db.session.execute(
        select(Experience.id, Experience.satisfaction, Experience.created_at,
               Experience.confirmed_at)
        .where(Experience.is_demo, Experience.confirmed_at > Experience.created_at,
               ~exists().where(SatisfactionHistory.experience_id == Experience.id))
        .order_by(Experience.id)
    ).all()
    statement = insert(SatisfactionHistory.__table__)
    for start in range(0, len(rows), batch_size):
        batch = []
        for experience_id, satisfaction, created, confirmed in rows[start:start + batch_size]:
            earlier = min(5, max(1, satisfaction + rng.choices(steps, weights)[0]))
            batch.append({"experience_id": experience_id, "satisfaction": earlier,
                          "stated_at": created, "recorded_at": confirmed,
                          "change": "confirmed" if earlier == satisfaction else "updated"})
        db.session.execute(statement, batch)

"""What the benchmark asks: fixed searches, filtered searches, hostile queries, a form.

The words come from the demo texts (kb/tools/demo/data/), so the searches find rows.
"""

from __future__ import annotations

from kb.core import vocab

BENCH_EMAIL = "bank@example.se"
BENCH_PASSWORD = "bänk-lösenord-123"

# A fixed mix of 1–3-word queries and phrases, words from the demo texts.
QUERIES = [
    "lönesystem", "semesterberäkning", "AGI", "support", "kollektivavtal", "BankID",
    "integration", "lönekörning", "PAXml", "pension", "retroaktiv", "lönebesked",
    "semesterskuld", "Kivra", "SIE", "kontering", "attest", "självservice",
    "lönekörningen tung", "supporten svarar", "semesterårsskiftet rutin",
    "pensionsrapportering KPA", "handpåläggning semester", "införandet tog",
    "AB HÖK", "öppet API", "lönearter Medvind", "digitala lönebesked",
    "kommun stabil lönekörning", "krånglig retroberäkning lön", "fast pris införandet",
    "Energiavtalet konsulter kunskap", "AGI Skatteverket fil",
    '"semesterskulden i det gamla"', '"öppet API"', '"lönebesked i Kivra"',
    '"fast pris"', '"handpåläggning"', '"rörliga lönedelar"', '"nattliga filöverföringar"',
]

# A few searches with filters, as the search page sends them.
FILTERED = [
    {"q": "semesterberäkning", "sector": "kommun"},
    {"q": "support", "system": "heroma", "sort": "newest"},
    {"q": "lönekörning", "size": "1000-4999", "min_rating": "4"},
    {"q": "", "system": "personec-p", "sort": "rating"},
    {"q": "AGI", "role": "lonechef", "status": "current", "page": "2"},
]

HOSTILE = [
    "*system", "*a*", "*ö", "?*?*?*", "l*n*s*y*", "*" * 50,
    " OR ".join(f"ord{n}" for n in range(2000)),
    " OR ".join(["lön", "semester", "support", "AGI", "pension"] * 300),
    "a" * 5000, "lönesystem " * 500, ("ö" * 40 + " ") * 120,
    "(" * 2000 + "lön" + ")" * 2000, '"' * 5000, "title:*", "pros:[a TO ö]",
    "lönesystem~9", "semester~3 lön~3 support~3 pension~3", "NOT " * 1000 + "lön",
    "\u0301" * 5000, "<script>alert(1)</script>" * 200, "%00" * 1000,
]


def letters(n: int) -> str:
    """n in letters (0 → a, 25 → z, 26 → aa): a word no other row has."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def submission_form(system_id: int, n: int) -> dict:
    """The whole experience form for submission n, its title and body marked with n."""
    data = {
        "system_id": str(system_id), "sector": "kommun", "size_band": "1000-4999",
        "employees_paid": "2400", "reviewer_role": "lonechef", "deployment": "cloud",
        "in_use_since": "2019", "usage_status": "current", "satisfaction": str(1 + n % 5),
        "recommend": str(n % 11), "title": f"Bänkprov{letters(n)}: stabil lönekörning i kommunen",
        "pros": "Lönekörningen går alltid i tid och AGI-filen går igenom hos Skatteverket.",
        "cons": "Semesterberäkningen kräver handpåläggning vid semesterårsskiftet.",
        "tips": "Testa kollektivavtalens lönearter tidigt.",
        "body": f"Vi betalar ut lön till 2 400 anställda. Prov {letters(n)}.",
        "visibility": "public",
    }
    for key in vocab.SUB_RATINGS:
        data[f"rating_{key}"] = str(1 + (n + len(key)) % 5)
    for key in vocab.CAPABILITIES:
        data[f"cap_{key}"] = "good"
    return data


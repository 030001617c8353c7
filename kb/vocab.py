"""The payroll domain's fixed vocabularies: stored codes and their Swedish labels.

The one place that knows the rating scales, sectors, size bands and roles;
forms, templates, search facets and statistics all read from here.
"""

from dataclasses import dataclass

SECTORS = {
    "kommun": "Kommun",
    "region": "Region",
    "statlig": "Statlig myndighet",
    "kommunalt_bolag": "Kommunalt bolag",
    "privat": "Privat företag",
    "ideell": "Ideell organisation",
}

SIZE_BANDS = {
    "1-49": "1–49 anställda",
    "50-249": "50–249 anställda",
    "250-999": "250–999 anställda",
    "1000-4999": "1 000–4 999 anställda",
    "5000+": "5 000 anställda eller fler",
}

PROFESSIONAL_ROLES = {
    "lonechef": "Lönechef",
    "loneadministrator": "Löneadministratör",
    "systemforvaltare": "Systemförvaltare HR/lön",
    "hr": "HR",
    "ekonomi": "Ekonomi",
    "konsult": "Konsult",
}

SITE_ROLES = {
    "member": "Medlem",
    "moderator": "Moderator",
    "admin": "Administratör",
}

DEPLOYMENTS = {
    "cloud": "Molntjänst (SaaS)",
    "on_premises": "Egen drift",
    "service": "Lönetjänst hos leverantören",
}

USAGE_STATUSES = {
    "current": "Använder systemet i dag",
    "former": "Har använt systemet tidigare",
    "evaluating": "Utvärderar systemet",
}

SATISFACTION = {
    1: "Mycket missnöjd",
    2: "Missnöjd",
    3: "Varken nöjd eller missnöjd",
    4: "Nöjd",
    5: "Mycket nöjd",
}

# Sub-ratings as the large review sites use them; stored as rating_<key>.
SUB_RATINGS = {
    "usability": "Användarvänlighet",
    "support": "Support",
    "stability": "Stabilitet och driftsäkerhet",
    "reporting": "Rapporter och statistik",
    "compliance": "Lagar, regler och kollektivavtal",
    "integrations": "Integrationer",
    "value": "Prisvärdhet",
    "implementation": "Införande",
}

# The Swedish capability checklist; stored as cap_<key>.
CAPABILITIES = {
    "agi": "AGI – arbetsgivardeklaration på individnivå",
    "semester": "Semesterberäkning (sammalöneregeln, procentregeln, semesterskuld)",
    "kollektivavtal": "Kollektivavtal (lönearter, OB, övertid, AB/HÖK)",
    "pension": "Pensionsrapportering (Fora, Collectum, KPA, Pensionsvalet)",
    "paxml": "PAXml-import av tid och frånvaro",
    "sie": "SIE-export till bokföringen",
    "bankid": "Inloggning med BankID",
    "payslips": "Digitala lönebesked (t.ex. Kivra)",
    "selfservice": "Självservice för anställda",
}

CAPABILITY_LEVELS = {
    "good": "Fungerar bra",
    "workaround": "Fungerar med omvägar",
    "missing": "Saknas",
    "unknown": "Vet inte",
}

VISIBILITIES = {
    "public": "Alla besökare",
    "members": "Endast inloggade medlemmar",
    "networks": "Mina nätverk (bara medlemmarna i nätverken du väljer)",
}

# Who a network is for: one of the payroll roles, or every role.
NETWORK_KINDS = {
    "lonechef": "Lönechefer",
    "loneadministrator": "Löneadministratörer",
    "systemforvaltare": "Systemförvaltare HR/lön",
    "alla": "Öppet för alla roller",
}

# How one becomes a member: by request (open) or by a leader's invite link (closed).
NETWORK_ACCESS = {
    "open": "Öppet – den som vill ansöker om att gå med",
    "invite": "Slutet – bara via inbjudningslänk från en ledare",
}

NETWORK_ROLES = {
    "leader": "Ledare",
    "member": "Medlem",
}

MEETING_MODES = {
    "physical": "Fysiskt",
    "digital": "Digitalt",
    "both": "Fysiskt och digitalt",
}

MEETING_ANSWERS = {
    "yes": "Kommer",
    "no": "Kommer inte",
    "maybe": "Kanske",
}

MEETING_ATTENDANCE = {
    "physical": "På plats",
    "digital": "Digitalt",
}

MODERATION_STATES = {
    "published": "Publicerad",
    "pending": "Väntar på granskning",
    "hidden": "Dold",
    "unconfirmed": "Väntar på att e-postadressen bekräftas",
}

SYSTEM_STATUSES = {
    "active": "Aktiv",
    "discontinued": "Utgången",
    "pending": "Föreslagen",
}


@dataclass(frozen=True)
class ContextField:
    """A coded part of an experience's context that search, lists and figures filter
    and count by: its URL parameter, its column (and index field), its codes and the
    Swedish noun messages use."""

    param: str
    column: str
    vocabulary: dict
    noun: str


CONTEXT_FIELDS = (
    ContextField("sector", "sector", SECTORS, "sektor"),
    ContextField("size", "size_band", SIZE_BANDS, "storlek"),
    ContextField("role", "reviewer_role", PROFESSIONAL_ROLES, "roll"),
    ContextField("status", "usage_status", USAGE_STATUSES, "användning"),
)
CONTEXT_BY_PARAM = {field.param: field for field in CONTEXT_FIELDS}


def label(vocabulary: dict, code, default: str = "–") -> str:
    """The Swedish label for a stored code, or a dash for an empty value."""
    if code is None or code == "":
        return default
    return vocabulary.get(code, str(code))

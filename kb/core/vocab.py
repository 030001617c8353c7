"""The payroll domain's fixed vocabularies: stored codes and their Swedish labels.

The one place that knows the rating scales, sectors, size bands and roles;
forms, templates, search facets and statistics all read from here.
"""

from dataclasses import dataclass
from enum import StrEnum

from kb.core.dates import stockholm, utcnow

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

# The year a system came into use ("I bruk sedan"): the experience form, the survey
# import and anything else that takes one accept FIRST_IN_USE_YEAR through this year.
# Payroll systems installed in the 1960s still run in the Swedish public sector.
FIRST_IN_USE_YEAR = 1960


def in_use_years() -> tuple[int, int]:
    """The first and the last year a system can have come into use: FIRST_IN_USE_YEAR
    and this year (in Sweden)."""
    return FIRST_IN_USE_YEAR, stockholm(utcnow()).year


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

class ModerationState(StrEnum):
    """Where an experience or a comment stands with the moderators: the one spelling of
    the states, stored as their values (`moderation_state` columns, the search index's
    `state` field), so a member compares equal to the stored string."""

    PUBLISHED = "published"
    PENDING = "pending"  # an experience waiting for a moderator
    HIDDEN = "hidden"  # hidden by a moderator (or by enough flags)
    UNCONFIRMED = "unconfirmed"  # waiting for its author to confirm their address
    DELETED = "deleted"  # a comment its author removed; kept while answers hang on it


MODERATION_STATES = {
    ModerationState.PUBLISHED: "Publicerad",
    ModerationState.PENDING: "Väntar på granskning",
    ModerationState.HIDDEN: "Dold",
    ModerationState.UNCONFIRMED: "Väntar på att e-postadressen bekräftas",
    ModerationState.DELETED: "Borttagen",
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


# What is said where an answer gave no sector or size (a network survey's may not).
UNKNOWN_SECTOR = "okänd sektor"
UNKNOWN_SIZE = "okänd storlek"


def respondent(role, sector, size_band) -> str:
    """Role, sector and size band as a description shows them ("Lönechef, kommun,
    1 000–4 999 anställda"), with UNKNOWN_SECTOR and UNKNOWN_SIZE where not known."""
    return ", ".join((label(PROFESSIONAL_ROLES, role),
                      label(SECTORS, sector, UNKNOWN_SECTOR).lower(),
                      label(SIZE_BANDS, size_band, UNKNOWN_SIZE)))


# Procurement (kb.procurement) ---------------------------------------------------------

# How the organisation's current payroll contract was procured ("Hur upphandlades
# avtalet?"): stored as Experience.procurement_route.
PROCUREMENT_ROUTES = {
    "own": "Egen upphandling",
    "adda": "Avrop från ramavtal – Adda",
    "kammarkollegiet": "Avrop från ramavtal – Kammarkollegiet/Statens inköpscentral",
    "other_framework": "Avrop från annat ramavtal",
    "joint": "Samordnad upphandling med andra organisationer",
    "service": "Lönetjänst som drivs av någon annan",
    "direct": "Direktupphandling",
}

# Who reads the contract facts of an answer: never more than read the answer itself.
CONTRACT_AUDIENCES = {
    "same": "Samma som erfarenheten",
    "members": "Bara inloggade medlemmar",
    "private": "Bara jag (och moderatorerna)",
}

# A requirement of a procurement's requirement list: must ("ska") or should ("bör").
REQUIREMENT_LEVELS = {
    "must": "Ska-krav",
    "should": "Bör-krav",
}

# Who reads a shared requirement list.
REQUIREMENT_VISIBILITIES = {
    "public": "Alla besökare",
    "members": "Bara inloggade medlemmar",
    "private": "Bara jag (och moderatorerna)",
}

# The regions (län) a member open to joint procurement may name.
REGIONS = {
    "blekinge": "Blekinge län",
    "dalarna": "Dalarnas län",
    "gotland": "Gotlands län",
    "gavleborg": "Gävleborgs län",
    "halland": "Hallands län",
    "jamtland": "Jämtlands län",
    "jonkoping": "Jönköpings län",
    "kalmar": "Kalmar län",
    "kronoberg": "Kronobergs län",
    "norrbotten": "Norrbottens län",
    "skane": "Skåne län",
    "stockholm": "Stockholms län",
    "sodermanland": "Södermanlands län",
    "uppsala": "Uppsala län",
    "varmland": "Värmlands län",
    "vasterbotten": "Västerbottens län",
    "vasternorrland": "Västernorrlands län",
    "vastmanland": "Västmanlands län",
    "vastra_gotaland": "Västra Götalands län",
    "orebro": "Örebro län",
    "ostergotland": "Östergötlands län",
}

"""The OpenAPI 3.1 document of the read-only JSON API (kb.views.api).

The tests validate real responses against it (openapi-core), so it stays true.
"""

from kb import vocab
from kb.comparison import MAX_SYSTEMS, MIN_SYSTEMS
from kb.parsing import MAX_PAGE


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, required: list | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _repeated(name: str, description: str) -> dict:
    """A search filter that may repeat (`sector=kommun&sector=region`): any one of the
    values matches; values kb does not know are left out."""
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "schema": {"type": "array", "items": STRING},
            "description": description + " Upprepa parametern för flera värden (något av dem)."}


FILTER_PARAMETERS = [
    _query("sector", {"type": "string", "enum": list(vocab.SECTORS)}, "Sektor."),
    _query("size", {"type": "string", "enum": list(vocab.SIZE_BANDS)}, "Storleksklass."),
    _query("role", {"type": "string", "enum": list(vocab.PROFESSIONAL_ROLES)},
           "Skribentens yrkesroll."),
    _query("recent", {"type": "string", "enum": ["0", "1"]},
           "1: bara erfarenheter skrivna de senaste 24 månaderna; 0: alla."),
]
PAGE = _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
               f"Sida, från 1 till {MAX_PAGE}.")
SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(schema_name: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref(schema_name)}}}


def _schemas() -> dict:
    mean = _object({"average": _nullable(NUMBER), "n": INTEGER, "too_few": BOOLEAN})
    group = _object({"code": STRING, "label": STRING, "average": _nullable(NUMBER),
                     "n": INTEGER, "too_few": BOOLEAN})
    ref = _object({"slug": STRING, "name": STRING})
    flow = _object({
        "system": _ref("SystemRef"), "n": INTEGER,
        "reasons": {"type": "array", "items": _object({"text": STRING, "n": INTEGER})},
    })
    capability = _object({
        "good": INTEGER, "workaround": INTEGER, "missing": INTEGER, "unknown": INTEGER,
        "n": INTEGER, "too_few": BOOLEAN,
        "shares": _object({level: _nullable(NUMBER) for level in ("good", "workaround",
                                                                    "missing")}),
    })
    profile = _object({
        "experience_count": INTEGER,
        "organisations": INTEGER,
        "satisfaction": _ref("Mean"),
        "distribution": _object({
            "counts": _object({str(score): INTEGER for score in vocab.SATISFACTION}),
            "n": INTEGER, "too_few": BOOLEAN,
        }),
        "nps": _object({
            "score": _nullable(NUMBER), "n": INTEGER, "too_few": BOOLEAN,
            "promoters": INTEGER, "passives": INTEGER, "detractors": INTEGER,
        }),
        "sub_ratings": _object({key: _ref("Mean") for key in vocab.SUB_RATINGS}),
        "capabilities": _object({key: _ref("Capability") for key in vocab.CAPABILITIES}),
        **{name: {"type": "array", "items": _ref("Group")}
           for name in ("by_sector", "by_size", "by_year", "by_status")},
        "switched_from": {"type": "array", "items": _ref("Flow")},
        "switched_to": {"type": "array", "items": _ref("Flow")},
    })
    system = _object({
        "slug": STRING, "name": STRING, "vendor": STRING,
        "status": {"type": "string", "enum": list(vocab.SYSTEM_STATUSES)},
        "deployment_kinds": {"type": "array", "items": STRING},
        "url": STRING, "api_url": STRING,
    })
    filters = _object({
        "sector": _nullable(STRING), "size": _nullable(STRING), "role": _nullable(STRING),
        "recent": BOOLEAN, "description": STRING,
    })
    rating = _nullable({"type": "integer", "minimum": 1, "maximum": 5})
    experience = _object({
        "id": INTEGER, "url": STRING, "system": _ref("SystemRef"), "title": STRING,
        "author": STRING,
        "sector": {"type": "string", "enum": list(vocab.SECTORS)},
        "size_band": {"type": "string", "enum": list(vocab.SIZE_BANDS)},
        "employees_paid": _nullable(INTEGER),
        "reviewer_role": STRING,
        "deployment": _nullable(STRING),
        "in_use_since": _nullable(INTEGER),
        "usage_status": {"type": "string", "enum": list(vocab.USAGE_STATUSES)},
        "satisfaction": {"type": "integer", "minimum": 1, "maximum": 5},
        "sub_ratings": _object({key: rating for key in vocab.SUB_RATINGS}),
        "recommend": _nullable({"type": "integer", "minimum": 0, "maximum": 10}),
        "capabilities": _object({
            key: {"type": "string", "enum": list(vocab.CAPABILITY_LEVELS)}
            for key in vocab.CAPABILITIES
        }),
        "switched_from": _nullable(_ref("SystemRef")),
        "switch_reason": STRING,
        "go_live_months": _nullable(INTEGER),
        "considering_switch_to": _nullable(_ref("SystemRef")),
        "pros": STRING, "cons": STRING, "tips": STRING, "body": STRING,
        "visibility": {"type": "string", "enum": list(vocab.VISIBILITIES)},
        "is_demo": BOOLEAN,
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    })
    nullable_string = _nullable(STRING)
    network = _object({
        "slug": STRING, "name": STRING,
        "kind": _nullable({"type": "string", "enum": list(vocab.NETWORK_KINDS)}),
        "region": nullable_string,
        "access": {"type": "string", "enum": list(vocab.NETWORK_ACCESS)},
        "description": nullable_string, "members": _nullable(INTEGER),
        "closed": BOOLEAN, "is_demo": BOOLEAN, "url": STRING, "api_url": STRING,
    })
    meeting = _object({
        "id": INTEGER, "title": STRING,
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "mode": {"type": "string", "enum": list(vocab.MEETING_MODES)},
        "address": nullable_string, "meeting_url": nullable_string,
        "agenda": STRING, "topics": STRING,
        "systems": {"type": "array", "items": _ref("SystemRef")},
        "cancelled": BOOLEAN,
        "answers": _object({name: INTEGER for name in ("physical", "digital", "coming",
                                                       "maybe", "no")}),
        "url": STRING, "ics_url": nullable_string,
    })
    overview = _object({
        "organisations": {"type": "array", "items": _object({
            "organisation": STRING, "member": STRING, "system": _ref("SystemRef"),
            "satisfaction": {"type": "integer", "minimum": 1, "maximum": 5},
            "considering_switch_to": _nullable(_ref("SystemRef")), "experience_url": STRING,
        })},
        "systems": {"type": "array", "items": _object({
            "system": _ref("SystemRef"), "organisations": INTEGER, "experience_count": INTEGER,
            "satisfaction": _ref("Mean"),
            "nps": _object({"score": _nullable(NUMBER), "n": INTEGER, "too_few": BOOLEAN}),
        })},
        "compare_url": nullable_string,
    })
    question = _object({
        "id": INTEGER, "title": STRING, "body": STRING, "author": STRING,
        "created_at": {"type": "string", "format": "date-time"},
        "answers": INTEGER, "answered": BOOLEAN, "url": STRING,
    })
    return {
        "Error": _object({"error": _object({"status": INTEGER, "message": STRING})}),
        "Network": network,
        "Meeting": meeting,
        "NetworkOverview": overview,
        "NetworkQuestion": question,
        "NetworkList": _object({"items": {"type": "array", "items": _ref("Network")},
                                "total": INTEGER}),
        "NetworkDetail": _object({
            "network": _ref("Network"), "member": BOOLEAN, "min_answers": INTEGER,
            "overview": _nullable(_ref("NetworkOverview")),
            "upcoming_meetings": _nullable({"type": "array", "items": _ref("Meeting")}),
        }),
        "MeetingList": _object({"items": {"type": "array", "items": _ref("Meeting")},
                                "total": INTEGER}),
        "NetworkQuestionList": _object({
            "items": {"type": "array", "items": _ref("NetworkQuestion")},
            "page": INTEGER, "total": INTEGER, "pages": INTEGER,
        }),
        "Mean": mean,
        "Group": group,
        "SystemRef": ref,
        "Flow": flow,
        "Capability": capability,
        "Profile": profile,
        "System": system,
        "Filters": filters,
        "Experience": experience,
        "SystemList": _object({
            "items": {"type": "array", "items": {
                "allOf": [_ref("System")],
                "type": "object",
                "properties": {"experience_count": INTEGER,
                               "average_satisfaction": _nullable(NUMBER)},
                "required": ["experience_count", "average_satisfaction"],
            }},
            "page": INTEGER, "per_page": INTEGER, "total": INTEGER, "pages": INTEGER,
        }),
        "SystemDetail": _object({
            "system": _ref("System"), "filters": _ref("Filters"), "min_answers": INTEGER,
            "profile": _ref("Profile"),
        }),
        "Comparison": _object({
            "filters": _ref("Filters"), "min_answers": INTEGER,
            "systems": {"type": "array", "minItems": 2, "maxItems": 4,
                        "items": _object({"system": _ref("System"), "profile": _ref("Profile")})},
        }),
        "Share": _object({"count": INTEGER, "n": INTEGER, "percent": _nullable(NUMBER),
                          "too_few": BOOLEAN}),
        "Market": _object({
            "filters": _ref("Filters"), "min_answers": INTEGER,
            "organisations": INTEGER, "current_organisations": INTEGER,
            "satisfaction": _ref("Mean"),
            "systems": {"type": "array", "items": _object({
                "rank": {"type": "integer", "minimum": 1},
                "system": _ref("System"),
                "organisations": INTEGER, "experiences": INTEGER,
                "current_organisations": INTEGER,
                "share": _ref("Share"),
                "satisfaction": _ref("Mean"),
                "nps": _object({"score": _nullable(NUMBER), "n": INTEGER,
                                "too_few": BOOLEAN}),
                "considering_switch": _ref("Share"),
                "trend": _object({
                    "earlier": _ref("Mean"), "recent": _ref("Mean"),
                    "change": _nullable(NUMBER),
                    "direction": _nullable({"type": "string",
                                            "enum": ["better", "worse", "same"]}),
                }),
                "organisations_with_several_answers": INTEGER,
            })},
            "switches": {"type": "array", "items": _object({
                "from": _ref("SystemRef"), "to": _ref("SystemRef"), "n": INTEGER,
                "reasons": {"type": "array", "items": _object({"text": STRING,
                                                               "n": INTEGER})},
            })},
            "considering": {"type": "array", "items": _object({
                "from": _ref("SystemRef"), "to": _ref("SystemRef"), "n": INTEGER})},
        }),
        "ExperienceList": _object({
            "items": {"type": "array", "items": _ref("Experience")},
            "page": INTEGER, "total": INTEGER, "pages": INTEGER,
            "notices": {"type": "array", "items": STRING},
            "match": {
                "type": "string", "enum": ["all", "most", "parts", "none"],
                "description": (
                    "all: every word of q matched; most: no (or very few) experiences "
                    "hold every word (or a quoted phrase as written), so those holding "
                    "most of the words are listed, the closest matches first (a notice "
                    "says so); parts: no experience holds a "
                    "compound word of q, so those holding its parts are listed (a notice "
                    "says so); none: q held only common words (stop words), nothing was "
                    "searched."),
            },
            "suggestion": {**_nullable(STRING), "description": "Menade du …? A corrected q "
                           "that finds more experiences."},
            "corrected": {**_nullable(STRING), "description": "The corrected q the items "
                          "are for, when q itself found nothing."},
        }),
    }


def openapi_document() -> dict:
    bad = _error_response("Felaktig parameter (meddelandet på svenska).")
    missing = _error_response("Finns inte, eller får inte visas för dig.")
    members_only = _error_response("Bara nätverkets medlemmar (och moderatorer) ser det här.")
    slug = {"name": "slug", "in": "path", "required": True, "schema": STRING}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kb – lönesystem i praktiken",
            "version": "1.0.0",
            "description": (
                "Read-only JSON API. Visitors see public experiences only; a logged-in "
                "member's session also sees members-only experiences, and those shared "
                "with the member's networks. Figures count "
                "published experiences only; a figure backed by fewer than `min_answers` "
                "answers is null with `too_few: true`."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/systems": {"get": {
                "summary": "The system catalogue",
                "operationId": "listSystems",
                "parameters": [PAGE, _query("per_page", {"type": "integer", "minimum": 1,
                                                         "maximum": 100}, "Per sida.")],
                "responses": {"200": _ok("SystemList", "Systems, most reviewed first."),
                              "400": bad},
            }},
            "/systems/{slug}": {"get": {
                "summary": "One system with every aggregate",
                "operationId": "getSystem",
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": STRING},
                    *FILTER_PARAMETERS,
                ],
                "responses": {"200": _ok("SystemDetail", "The system and its figures."),
                              "400": bad, "404": missing},
            }},
            "/compare": {"get": {
                "summary": "Two to four systems side by side",
                "operationId": "compareSystems",
                "parameters": [
                    {"name": "s", "in": "query", "required": True, "style": "form",
                     "explode": True,
                     "description": "Systemens slug, två till fyra olika.",
                     "schema": {"type": "array", "items": SLUG, "minItems": MIN_SYSTEMS,
                                "maxItems": MAX_SYSTEMS, "uniqueItems": True}},
                    *FILTER_PARAMETERS,
                ],
                "responses": {"200": _ok("Comparison", "Figures per system."), "400": bad,
                              "404": missing},
            }},
            "/market": {"get": {
                "summary": "The market view of a segment",
                "description": (
                    "The systems the organisations of a segment run, each organisation "
                    "counted once per system, ranked by organisations running them today; "
                    "with satisfaction, NPS, the share considering a switch, the trend "
                    "against two years earlier, and the switches within the segment."),
                "operationId": "getMarket",
                "parameters": FILTER_PARAMETERS,
                "responses": {"200": _ok("Market", "The segment's systems."), "400": bad},
            }},
            "/experiences": {"get": {
                "summary": "Search experiences (the same search as /search)",
                "operationId": "searchExperiences",
                "parameters": [
                    _query("q", STRING, "Sökord."),
                    _repeated("system", "Lönesystemets slug."),
                    _repeated("sector", "Sektor."),
                    _repeated("size", "Storleksklass."),
                    _repeated("role", "Skribentens roll."),
                    _repeated("status", "current, former eller evaluating."),
                    _query("min_rating", STRING, "Lägsta nöjdhet 1–5."),
                    _query("since", STRING, "Skrivna från och med år."),
                    _query("sort", STRING, "relevance, newest eller rating."),
                    PAGE,
                ],
                "responses": {"200": _ok("ExperienceList", "One page of hits."), "400": bad},
            }},
            "/experiences/{id}": {"get": {
                "summary": "One experience",
                "operationId": "getExperience",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": INTEGER}],
                "responses": {"200": _ok("Experience", "The experience."), "404": missing},
            }},
            "/networks": {"get": {
                "summary": "Networks: open ones described, closed ones by name only",
                "operationId": "listNetworks",
                "responses": {"200": _ok("NetworkList", "The networks you may see.")},
            }},
            "/networks/{slug}": {"get": {
                "summary": "One network; for its members also what it runs and its meetings",
                "operationId": "getNetwork",
                "parameters": [slug],
                "responses": {"200": _ok("NetworkDetail", "The network."), "404": missing},
            }},
            "/networks/{slug}/meetings": {"get": {
                "summary": "The network's meetings (members only)",
                "operationId": "listNetworkMeetings",
                "parameters": [slug],
                "responses": {"200": _ok("MeetingList", "Coming meetings, then past ones."),
                              "403": members_only, "404": missing},
            }},
            "/networks/{slug}/questions": {"get": {
                "summary": "Questions asked to the network, or those matching q (members only)",
                "operationId": "listNetworkQuestions",
                "parameters": [slug, _query("q", STRING, "Sökord (samma svenska sökning som "
                                                         "erfarenheterna)."), PAGE],
                "responses": {"200": _ok("NetworkQuestionList", "One page of questions."),
                              "400": bad, "403": members_only, "404": missing},
            }},
        },
        "components": {"schemas": _schemas()},
    }

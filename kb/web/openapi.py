"""The OpenAPI 3.1 document of the read-only JSON API (kb.views.api).

The tests validate real responses against it (openapi-core), so it stays true.
"""

from kb import catalogue, stats
from kb.core import parsing, vocab
from kb.core.parsing import MAX_PAGE


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


def _switch(name: str, description: str) -> dict:
    """A yes-or-no parameter: every spelling kb.core.parsing.boolean reads, in any case."""
    return _query(name, {"type": "string", "enum": parsing.boolean_spellings()},
                  f"{description} Ja eller nej: {parsing.BOOLEAN_SPELLINGS} (stora eller "
                  "små bokstäver).")


FILTER_PARAMETERS = [
    _query("sector", {"type": "string", "enum": list(vocab.SECTORS)}, "Sektor."),
    _query("size", {"type": "string", "enum": list(vocab.SIZE_BANDS)}, "Storleksklass."),
    _query("role", {"type": "string", "enum": list(vocab.PROFESSIONAL_ROLES)},
           "Skribentens yrkesroll."),
    _switch("recent", "Ja: bara erfarenheter skrivna de senaste 24 månaderna; nej: alla."),
    _switch("nosurvey", "Ja: utan svaren som nätverken har importerat från sina enkäter; "
                        "nej: med dem."),
]
PAGE = _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
               f"Sida, från 1 till {MAX_PAGE}.")
SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}


YEAR = {"type": "integer", "minimum": 1900, "maximum": 2100}
SWITCH_LIST_PARAMETERS = [
    _query("from", SLUG, "Bytte från: lönesystemets slug (utelämnad: vilket system som "
                         "helst)."),
    _query("to", SLUG, "Bytte till: lönesystemets slug (utelämnad: vilket system som "
                       "helst)."),
    *FILTER_PARAMETERS,
    _query("since", YEAR, "Bara byten där det nya systemet gick i drift det året eller "
                          "senare (annars året erfarenheten skrevs)."),
    _query("year", YEAR, "Bara byten där det nya systemet gick i drift det året."),
    _query("theme", {"type": "string", "enum": list(stats.THEMES)},
           "Bara byten med ett skäl som gäller den gruppen av skäl."),
    _query("has", {"type": "string", "enum": list(stats.HAS)},
           "Bara svaren bakom en av bytesresans siffror: go_live (de som angav hur lång "
           "tid bytet tog), before (de som har berättat hur nöjda de var med det "
           "tidigare systemet), reason (de som angav varför)."),
    PAGE,
]


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(schema_name: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref(schema_name)}}}


def _procurement_schemas() -> dict:
    """The contract behind an answer, and the procurement view (/procurement)."""
    count = _object({"organisations": _nullable(INTEGER), "too_few": BOOLEAN,
                     "withheld": BOOLEAN})
    year_count = _object({"year": INTEGER, "organisations": _nullable(INTEGER),
                          "too_few": BOOLEAN, "withheld": BOOLEAN})
    route = {"type": "string", "enum": list(vocab.PROCUREMENT_ROUTES)}
    return {
        "Contract": _object({
            "end_year": _nullable(INTEGER),
            "end_month": _nullable({"type": "integer", "minimum": 1, "maximum": 12}),
            "extension": _nullable(STRING),
            "procurement_route": _nullable(route),
            "procured_with": _nullable(STRING),
            "next_procurement_year": _nullable(INTEGER),
        }),
        "ProcurementCount": count,
        "ProcurementYear": year_count,
        "Procurement": _object({
            "filters": _ref("Filters"), "min_answers": INTEGER,
            "years": {"type": "array", "items": INTEGER},
            "organisations": INTEGER, "known": INTEGER, "summary": _nullable(STRING),
            "window": _ref("ProcurementCount"),
            "totals": {"type": "array", "items": _ref("ProcurementYear")},
            "systems": {"type": "array", "items": _object({
                "system": _object({"slug": STRING, "name": STRING, "url": STRING}),
                "window": _ref("ProcurementCount"),
                "years": {"type": "array", "items": _ref("ProcurementYear")},
            })},
            "routes": {"type": "array", "items": _object({
                "code": route, "label": STRING, "organisations": _nullable(INTEGER),
                "too_few": BOOLEAN, "withheld": BOOLEAN})},
            "routes_total": _ref("ProcurementCount"),
        }),
    }


def _journey_schemas() -> dict:
    """A system's switch journey (/systems/{slug}/switches): each count with the URL of
    the page listing exactly the experiences behind it (/switches)."""
    link = {"type": "string", "description": "The /switches page listing exactly the "
                                             "experiences behind this count."}
    api_link = {"type": "string", "description": "The same list in the API "
                                                 "(/api/v1/switches): exactly the "
                                                 "experiences behind this count."}
    links = {"list_url": link, "api_url": api_link}
    satisfaction = _object({
        "average": {**_nullable(NUMBER), "description": "null under min_answers answers."},
        "n": INTEGER, "too_few": BOOLEAN,
        "counts": {"type": "object", "description": "How many answered 1 to 5.",
                   "additionalProperties": INTEGER},
    })
    direction = _object({
        "organisations": {**INTEGER, "description": "Organisations, each counted once."},
        **links,
        "systems": {"type": "array", "items": _object({
            "system": _ref("SystemRef"), "organisations": INTEGER, "latest_year": INTEGER,
            **links})},
        "years": {"type": "array", "items": _object({
            "year": INTEGER, "organisations": INTEGER, **links})},
        "reasons": _object({
            "answers_with_reason": INTEGER,
            **links,
            "most_common": {**_nullable(_object({"theme": STRING, "label": STRING,
                                                 "answers": INTEGER, **links})),
                            "description": "The theme more answers gave than any other "
                                           "(at least two); null for a tie or fewer."},
            "themes": {"type": "array", "items": _object({
                "theme": STRING, "label": STRING, "answers": INTEGER, **links})},
        }),
        "go_live_months": _object({
            "median": _nullable(NUMBER), "shortest": _nullable(INTEGER),
            "longest": _nullable(INTEGER), "n": INTEGER, "too_few": BOOLEAN, **links}),
        "satisfaction_before": {**satisfaction, "properties": {
            **satisfaction["properties"], "stated_with_switch": INTEGER, **links},
            "required": [*satisfaction["required"], "stated_with_switch", *links]},
        "satisfaction_now": {**satisfaction, "properties": {
            **satisfaction["properties"], **links},
            "required": [*satisfaction["required"], *links]},
        "tips": {"type": "array", "items": _object({
            "experience_id": INTEGER, "text": STRING, "context": STRING,
            "visibility": STRING, "url": STRING})},
    })
    before = _nullable(_object({
        "satisfaction": {**_nullable({"type": "integer", "minimum": 1, "maximum": 5}),
                         "description": "1-5; null when it comes from the organisation's "
                                        "earlier experience and either of the two is "
                                        "anonymous to the caller (counted in the "
                                        "figures, never tied to its organisation)."},
        "source": {"type": "string", "enum": ["stated_with_switch", "earlier_experience"]},
        "earlier_experience_url": {**_nullable(STRING), "description": (
            "The organisation's earlier experience of the system it left, where the "
            "satisfaction comes from it; null when stated with the switch, and when "
            "either experience is anonymous to the caller.")},
    }))
    return {
        "SwitchList": _object({
            "heading": {**STRING, "description": "What the list is, in Swedish, with its "
                        "count (\"8 organisationer bytte från Personec P och angav hur "
                        "lång tid bytet tog\")."},
            "filters": _ref("Filters"),
            "query": _object({"from": _nullable(STRING), "to": _nullable(STRING),
                              "since": _nullable(INTEGER), "year": _nullable(INTEGER),
                              "theme": _nullable(STRING), "has": _nullable(STRING)}),
            "total": {**INTEGER, "description": "Organisations behind the count: every "
                      "page together."},
            "page": INTEGER, "pages": INTEGER, "per_page": INTEGER, **links,
            "items": {"type": "array", "items": {
                "allOf": [_ref("Experience")],
                "type": "object",
                "properties": {"satisfaction_before": {**before, "description": (
                    "How satisfied the organisation was with the system it left: stated "
                    "with the switch, or its own earlier experience of that system.")}},
                "required": ["satisfaction_before"],
            }},
        }),
        "SwitchDirection": direction,
        "SwitchJourney": _object({
            "system": _ref("System"), "filters": _ref("Filters"), "min_answers": INTEGER,
            "left": {**_ref("SwitchDirection"),
                     "description": "Organisations that left the system, where they went."},
            "came": {**_ref("SwitchDirection"),
                     "description": "Organisations that came, where they came from."},
        }),
    }


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
        "recent": BOOLEAN, "no_survey": BOOLEAN, "description": STRING,
    })
    rating = _nullable({"type": "integer", "minimum": 1, "maximum": 5})
    experience = _object({
        "id": INTEGER, "url": STRING, "system": _ref("SystemRef"), "title": STRING,
        "author": {**STRING, "description": (
            "The author's name; for an anonymous experience only role, sector and size "
            "band, as the page shows them.")},
        "sector": {"type": "string", "enum": list(vocab.SECTORS)},
        "size_band": {"type": "string", "enum": list(vocab.SIZE_BANDS)},
        "employees_paid": {**_nullable(INTEGER), "description": (
            "How many employees the organisation pays; null when not given, and always "
            "null for an anonymous experience (it shows its size_band alone).")},
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
        "previous_satisfaction": {**_nullable(INTEGER), "description": "How satisfied the "
                                  "organisation was with switched_from when it left (1-5)."},
        "considering_switch_to": _nullable(_ref("SystemRef")),
        "contract": {**_nullable(_ref("Contract")), "description": "The contract behind "
                     "the answer, where the reader may see it (docs/procurement.md)."},
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
        "anonymous_left_out": {**INTEGER, "description": (
            "Anonymous current experiences of members, left out of both lists so that "
            "their authors cannot be worked out.")},
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
                "properties": {"experience_count": INTEGER, "organisations": INTEGER,
                               "average_satisfaction": _nullable(NUMBER)},
                "required": ["experience_count", "organisations", "average_satisfaction"],
            }},
            "page": INTEGER, "per_page": INTEGER, "total": INTEGER, "pages": INTEGER,
        }),
        **_journey_schemas(),
        **_procurement_schemas(),
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
            "understood": {**_nullable(_object({
                "switched_from": {"type": "array", "items": _ref("SystemRef")},
                "switched_to": {"type": "array", "items": _ref("SystemRef")},
                "text": STRING,
                "labels": {"type": "array", "items": STRING},
            })), "description": (
                "The direction read into q, null when q was searched as it is: q named a "
                "catalogue system (name, alias or a small misspelling) in a Swedish "
                "phrase of switching (byta från X, bytt från X till Y, lämnade X, gick "
                "över till Y, ersatte X med Y …). Its systems were added to the "
                "switched_from and switched_to filters and text (the rest of the words, "
                "without the direction words and question words) was searched; labels "
                "say it in Swedish (\"bytte från Personec P\"). literal=1 turns this off.")},
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
                "parameters": [slug, *FILTER_PARAMETERS],
                "responses": {"200": _ok("SystemDetail", "The system and its figures."),
                              "400": bad, "404": missing},
            }},
            "/systems/{slug}/switches": {"get": {
                "summary": "A system's switch journey",
                "description": (
                    "Organisations that left the system (each counted once): where they "
                    "went and when, their reasons grouped by theme, the go-live time, how "
                    "satisfied they were with the old system and are with the new one; "
                    "the same for those who came. Counts only answers the caller may "
                    "read; means under min_answers answers are null."),
                "operationId": "getSystemSwitches",
                "parameters": [slug, *FILTER_PARAMETERS],
                "responses": {"200": _ok("SwitchJourney", "The system's switch journey."),
                              "400": bad, "404": missing},
            }},
            "/switches": {"get": {
                "summary": "The experiences behind a switch count",
                "description": (
                    "Exactly the experiences behind a switch count of the journeys, the "
                    "market view and the home page (the same list as the page /switches): "
                    "the answers the caller's figures count that switched as asked, each "
                    "organisation once (its current answer), most recently confirmed "
                    "first, 50 a page. Every count of /systems/{slug}/switches gives its "
                    "list as api_url."),
                "operationId": "listSwitches",
                "parameters": SWITCH_LIST_PARAMETERS,
                "responses": {"200": _ok("SwitchList", "One page of the experiences."),
                              "400": bad, "404": missing},
            }},
            "/compare": {"get": {
                "summary": "Two to four systems side by side",
                "operationId": "compareSystems",
                "parameters": [
                    {"name": "s", "in": "query", "required": True, "style": "form",
                     "explode": True,
                     "description": "Systemens slug, två till fyra olika.",
                     "schema": {"type": "array", "items": SLUG, "minItems": catalogue.MIN_SYSTEMS,
                                "maxItems": catalogue.MAX_SYSTEMS, "uniqueItems": True}},
                    *FILTER_PARAMETERS,
                ],
                "responses": {"200": _ok("Comparison", "Figures per system."), "400": bad,
                              "404": missing},
            }},
            "/procurement": {"get": {
                "summary": "When contracts end: the procurement view of a segment",
                "description": (
                    "How many organisations' payroll-system contracts end in each of the "
                    "next six years, per system, and how they procured last time; each "
                    "organisation counted once per system (its current answer). A count "
                    "below `min_answers` is null with `too_few: true`; a total that would "
                    "give such a count away is null with `withheld: true`."),
                "operationId": "getProcurement",
                "parameters": FILTER_PARAMETERS,
                "responses": {"200": _ok("Procurement", "Contracts ending per year."),
                              "400": bad},
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
                    _repeated("switched_from", "Bytte från: slug för lönesystemet som "
                              "organisationen bytte bort (erfarenhetens switched_from). "
                              "En slug som inget lönesystem har lämnas bort, med en "
                              "notis i notices."),
                    _repeated("switched_to", "Bytte till: slug för lönesystemet som "
                              "organisationen bytte till (erfarenhetens system, när den "
                              "bytt från ett annat). En slug som inget lönesystem har "
                              "lämnas bort, med en notis i notices."),
                    _repeated("sector", "Sektor."),
                    _repeated("size", "Storleksklass."),
                    _repeated("role", "Skribentens roll."),
                    _repeated("status", "current, former eller evaluating."),
                    _repeated("contract_ends", "År då avtalet löper ut (till exempel 2028). "
                              "Bara erfarenheter vars avtalsuppgifter alla som läser "
                              "erfarenheten får se har ett år att filtrera på; andra "
                              "kommer aldrig med när filtret används."),
                    _query("min_rating", STRING, "Lägsta nöjdhet 1–5."),
                    _query("since", STRING, "Skrivna från och med år."),
                    _query("sort", STRING, "relevance, newest eller rating."),
                    _switch("fresh", "Ja: bara erfarenheter bekräftade de senaste 24 "
                                     "månaderna."),
                    _switch("literal", "Ja: sök orden i q som de står, utan att läsa in "
                                       "en riktning (byta från X, bytt till Y) som filter; "
                                       "nej (standard): en riktning blir filtren "
                                       "switched_from och switched_to (se understood)."),
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

"""Read-only JSON API under /api/v1, described by /api/v1/openapi.json.

The same rules as the pages: visitors see public experiences only, figures count
published experiences only, searches read their parameters and go through kb.search
like /search (kb.experiences.SearchParams and search).
Errors are {"error": {"status": ..., "message": ...}} with a 4xx status.
"""

from flask import Blueprint, abort, jsonify, request, url_for

from kb import catalogue, networks, stats
from kb import experiences as experience_records
from kb import procurement as procurement_feature
from kb.access import networks as network_access
from kb.access import policy
from kb.core import parsing, vocab
from kb.core.dates import stockholm
from kb.core.errors import Invalid
from kb.models import Experience, PayrollSystem
from kb.web import journeys_api, procurement_api
from kb.web.common import audience
from kb.web.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


# Errors answer as JSON through kb.views.errors (every path under /api/).


def _positive_int(name: str, default: int, maximum: int = parsing.MAX_PAGE) -> int:
    """A number from 1 to `maximum` (kb.core.parsing); anything else given answers 400."""
    raw = request.args.get(name)
    if raw is None:
        return default
    number = parsing.page_or_none(raw, maximum)
    if number is None:
        abort(400, description=f"{name} ska vara ett heltal från 1 och högst {maximum}.")
    return number


def _switch(name: str) -> None:
    """A switch given must be one kb.core.parsing.boolean reads (1/0, ja/nej, ...)."""
    raw = request.args.get(name)
    if raw is not None and parsing.boolean(raw) is None:
        abort(400, description=parsing.not_boolean(name))


def _filters() -> stats.Filters:
    """The filters exactly as the document describes them: codes as listed (not
    empty, not padded) and switches as kb.core.parsing reads them; anything else
    answers 400."""
    try:
        return stats.Filters.from_args(request.args, strict=True)
    except stats.FilterError as error:
        abort(400, description=str(error))


def _system_json(system: PayrollSystem) -> dict:
    return {
        "slug": system.slug,
        "name": system.name,
        "vendor": system.vendor,
        "status": system.status,
        "deployment_kinds": system.deployment_list,
        "url": url_for("systems.detail", slug=system.slug),
        "api_url": url_for("api.system_detail", slug=system.slug),
    }


def _ref_json(ref) -> dict | None:
    return None if ref is None else {"slug": ref.slug, "name": ref.name}


def _mean_json(mean: stats.Mean) -> dict:
    return {"average": mean.shown, "n": mean.n, "too_few": not mean.enough}


def _group_json(group: stats.Group) -> dict:
    return {"code": str(group.code), "label": group.label, **_mean_json(group.satisfaction)}


def _flow_json(flow: stats.Flow) -> dict:
    return {
        "system": _ref_json(flow.system),
        "n": flow.n,
        "reasons": [{"text": reason.text, "n": reason.n} for reason in flow.reasons],
    }


def profile_json(profile: stats.Profile) -> dict:
    nps = profile.nps
    return {
        "experience_count": profile.experiences,
        "organisations": profile.n,
        "satisfaction": _mean_json(profile.satisfaction),
        "distribution": {
            "counts": {str(score): profile.distribution.counts.get(score, 0)
                       for score in vocab.SATISFACTION},
            "n": profile.distribution.n,
            "too_few": not profile.distribution.enough,
        },
        "nps": {
            "score": nps.shown, "n": nps.n, "too_few": not nps.enough,
            "promoters": nps.promoters, "passives": nps.passives, "detractors": nps.detractors,
        },
        "sub_ratings": {key: _mean_json(mean) for key, mean in profile.sub_ratings.items()},
        "capabilities": {
            key: {
                "good": shares.good, "workaround": shares.workaround, "missing": shares.missing,
                "unknown": shares.unknown, "n": shares.n, "too_few": not shares.enough,
                "shares": {
                    level: shares.percent(level) if shares.enough else None
                    for level in ("good", "workaround", "missing")
                },
            }
            for key, shares in profile.capabilities.items()
        },
        "by_sector": [_group_json(group) for group in profile.by_sector],
        "by_size": [_group_json(group) for group in profile.by_size],
        "by_year": [_group_json(group) for group in profile.by_year],
        "by_status": [_group_json(group) for group in profile.by_status],
        "switched_from": [_flow_json(flow) for flow in profile.switched_from],
        "switched_to": [_flow_json(flow) for flow in profile.switched_to],
    }


def _filters_json(filters: stats.Filters) -> dict:
    return {"sector": filters.sector, "size": filters.size, "role": filters.role,
            "recent": filters.recent, "no_survey": filters.no_survey,
            "description": filters.describe()}


def experience_json(experience: Experience) -> dict:
    # The author as everybody may know them: an anonymous experience gives role, sector
    # and size band, never a name, an organisation or its exact number of employees paid.
    who = experience.public_context
    return {
        "id": experience.id,
        "url": url_for("experiences.view", experience_id=experience.id),
        "system": _ref_json(experience.system),
        "title": experience.title,
        "author": who.label,
        "sector": experience.sector,
        "size_band": experience.size_band,
        "employees_paid": who.employees_paid,
        "reviewer_role": experience.reviewer_role,
        "deployment": experience.deployment,
        "in_use_since": experience.in_use_since,
        "usage_status": experience.usage_status,
        "satisfaction": experience.satisfaction,
        "sub_ratings": {key: experience.sub_rating(key) for key in vocab.SUB_RATINGS},
        "recommend": experience.recommend,
        "capabilities": {key: experience.capability(key) for key in vocab.CAPABILITIES},
        "switched_from": _ref_json(experience.switched_from),
        "switch_reason": experience.switch_reason,
        "go_live_months": experience.go_live_months,
        "previous_satisfaction": experience.previous_satisfaction,
        "considering_switch_to": _ref_json(experience.considering_switch_to),
        # The contract as this reader may see it (kb.access.procurement), else null.
        "contract": procurement_feature.api_facts(audience(), experience),
        "pros": experience.pros,
        "cons": experience.cons,
        "tips": experience.tips,
        "body": experience.body,
        "visibility": experience.visibility,
        "is_demo": experience.is_demo,
        "created_at": experience.created_at.isoformat(timespec="seconds") + "Z",
        "updated_at": experience.updated_at.isoformat(timespec="seconds") + "Z",
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.get("/systems")
def systems():
    """The catalogue with its numbers of experiences and organisations and average
    satisfaction (withheld below stats.MIN_ANSWERS organisations), paginated."""
    page = _positive_int("page", 1)
    per_page = _positive_int("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    rows = experience_records.systems_with_counts(audience())
    total = len(rows)
    shown = rows[(page - 1) * per_page: page * per_page]
    # The mean as every figure has it: each organisation once, withheld below MIN_ANSWERS.
    profiles = stats.profiles([system for system, _n, _average in shown],
                              policy.counted(audience()))
    items = [
        {**_system_json(system), "experience_count": n, "organisations": profile.n,
         "average_satisfaction": profile.satisfaction.shown}
        for (system, n, _average), profile in zip(shown, profiles, strict=True)
    ]
    return jsonify(items=items, page=page, per_page=per_page, total=total,
                   pages=max(1, -(-total // per_page)))


@bp.get("/systems/<slug>")
def system_detail(slug: str):
    """One system with every aggregate, for the filters given (a pending proposal only
    for its proposer and moderators: 404 for anyone else)."""
    system = catalogue.visible_system(slug, audience())
    filters = _filters()
    profile = stats.profile(system, policy.counted(audience()), filters)
    return jsonify(system=_system_json(system), filters=_filters_json(filters),
                   min_answers=stats.MIN_ANSWERS, profile=profile_json(profile))


@bp.get("/systems/<slug>/switches")
def system_switches(slug: str):
    """A system's switch journey for the filters given (kb.web.journeys_api): who left
    it and who came, each count with the URL of its experiences."""
    viewer = audience()
    system = catalogue.visible_system(slug, viewer)
    filters = _filters()
    view = catalogue.journey_of(system, viewer, filters)
    return jsonify(system=_system_json(system), filters=_filters_json(filters),
                   min_answers=stats.MIN_ANSWERS, **journeys_api.journey_json(view, filters))


@bp.get("/switches")
def switch_list():
    """Exactly the experiences behind a switch count, as /switches lists them (the same
    parameters: from, to, the segment filters, since, year, theme, has), each as
    /experiences gives it; 404 for a system that is not there, 400 with a Swedish
    message for anything else."""
    viewer = audience()
    page = _positive_int("page", 1)
    try:
        query = catalogue.read_query(request.args, viewer, strict=True)
    except catalogue.UnknownSystem as error:
        abort(404, description=error.message)
    except Invalid as error:
        abort(400, description=error.message)
    found = catalogue.switch_page(query, viewer, page)
    return jsonify(filters=_filters_json(query.filters),
                   **journeys_api.switch_list_json(found, experience_json))


@bp.get("/compare")
def compare():
    """Two to four systems side by side, for the filters given."""
    slugs = request.args.getlist("s")
    least, most = catalogue.MIN_SYSTEMS, catalogue.MAX_SYSTEMS
    wanted = f"Ange {least} till {most} olika system med parametern s."
    if not least <= len(slugs) <= most or len(set(slugs)) != len(slugs):
        abort(400, description=wanted)
    chosen, problems = catalogue.chosen_systems(slugs, catalogue.listed_systems())
    if problems or len(chosen) < catalogue.MIN_SYSTEMS:
        abort(404, description=" ".join(problems) or wanted)
    filters = _filters()
    profiles = stats.profiles(chosen, policy.counted(audience()), filters)
    return jsonify(
        filters=_filters_json(filters),
        min_answers=stats.MIN_ANSWERS,
        systems=[
            {"system": _system_json(system), "profile": profile_json(profile)}
            for system, profile in zip(chosen, profiles, strict=True)
        ],
    )


def _share_json(share: stats.Share) -> dict:
    return {"count": share.count, "n": share.n, "percent": share.shown,
            "too_few": not share.enough}


def _trend_json(trend: stats.Trend) -> dict:
    return {"earlier": _mean_json(trend.earlier), "recent": _mean_json(trend.recent),
            "change": trend.change, "direction": trend.direction}


@bp.get("/market")
def market():
    """The market view of a segment: the systems its organisations run (each
    organisation once per system), ranked by organisations running them today, and the
    switches between them. Only the filters given count: no default segment."""
    filters = _filters()
    systems = catalogue.listed_systems()
    found = stats.market(systems, policy.counted(audience()), filters)
    by_id = {system.id: system for system in systems}
    return jsonify(
        filters=_filters_json(filters),
        min_answers=stats.MIN_ANSWERS,
        organisations=found.organisations,
        current_organisations=found.current,
        satisfaction=_mean_json(found.satisfaction),
        systems=[
            {
                "rank": rank,
                "system": _system_json(by_id[standing.system.id]),
                "organisations": standing.profile.n,
                "experiences": standing.profile.experiences,
                "current_organisations": standing.profile.current,
                "share": _share_json(standing.share),
                "satisfaction": _mean_json(standing.profile.satisfaction),
                "nps": {"score": standing.profile.nps.shown, "n": standing.profile.nps.n,
                        "too_few": not standing.profile.nps.enough},
                "considering_switch": _share_json(standing.profile.considering),
                "trend": _trend_json(standing.profile.trend),
                "organisations_with_several_answers": standing.profile.shared.organisations,
            }
            for rank, standing in enumerate(found.systems, start=1)
        ],
        switches=[
            {"from": _ref_json(switch.source), "to": _ref_json(switch.target), "n": switch.n,
             "reasons": [{"text": reason.text, "n": reason.n} for reason in switch.reasons]}
            for switch in found.switches
        ],
        considering=[
            {"from": _ref_json(item.source), "to": _ref_json(item.target), "n": item.n}
            for item in found.considering
        ],
    )


@bp.get("/procurement")
def procurement():
    """The procurement view of a segment (kb.procurement.outlook): contracts ending in
    each of the next six years, per system, and how they were procured; only the
    filters given count."""
    filters = _filters()
    found = procurement_feature.outlook(audience(), filters)
    return jsonify(filters=_filters_json(filters), min_answers=stats.MIN_ANSWERS,
                   **procurement_api.outlook_json(found))


@bp.get("/experiences")
def experiences():
    """Search experiences: the same search, filters and visibility as /search."""
    _positive_int("page", 1)
    _switch("fresh")
    _switch("literal")
    params = experience_records.SearchParams.from_mapping(request.args)
    result = experience_records.search(params, audience())
    items = [experience_json(hit.experience) for hit in result.hits]
    return jsonify(items=items, page=result.page, total=result.total, pages=result.pages,
                   notices=list(result.notices), match=result.match,
                   suggestion=result.suggestion, corrected=result.corrected,
                   understood=_understood_json(result.understood))


def _understood_json(understood) -> dict | None:
    """The direction read into q (kb.experiences.direction), None when q was searched
    as it is."""
    if understood is None:
        return None
    return {"switched_from": [_ref_json(system) for system in understood.switched_from],
            "switched_to": [_ref_json(system) for system in understood.switched_to],
            "text": understood.text, "labels": understood.labels()}


@bp.get("/experiences/<int:experience_id>")
def experience(experience_id: int):
    """One experience the viewer may read."""
    return jsonify(experience_json(experience_records.readable(experience_id, audience())))


# Networks -------------------------------------------------------------------------------

def _network_json(network, members: int, described: bool, see_description: bool) -> dict:
    """A network; one seen by name only (closed, and the caller not in it) has no details,
    and its description only when the caller may see it (kb.access.networks)."""
    return {
        "slug": network.slug,
        "name": network.name,
        "kind": network.kind if described else None,
        "region": (network.region or None) if described else None,
        "access": network.access,
        "description": network.description if see_description else None,
        "members": members if described else None,
        "closed": network.is_closed,
        "is_demo": network.is_demo,
        "url": url_for("networks.detail", slug=network.slug),
        "api_url": url_for("api.network", slug=network.slug),
    }


def _time_json(moment) -> str:
    return stockholm(moment).isoformat(timespec="seconds")


def _meeting_json(meeting, may: network_access.MeetingView) -> dict:
    """A meeting; its digital link and calendar file only for those who may see them."""
    answers = networks.meeting_answers(meeting)
    return {
        "id": meeting.id,
        "title": meeting.title,
        "starts_at": _time_json(meeting.starts_at),
        "ends_at": _time_json(meeting.ends_at),
        "mode": meeting.mode,
        "address": meeting.address if meeting.mode != "digital" else None,
        "meeting_url": meeting.meeting_url or None if may.see_link and meeting.mode != "physical"
        else None,
        "agenda": meeting.agenda,
        "topics": meeting.topics,
        "systems": [_ref_json(system) for system in meeting.systems],
        "cancelled": meeting.is_cancelled,
        "answers": {"physical": answers.physical, "digital": answers.digital,
                    "coming": answers.coming, "maybe": answers.maybe, "no": answers.no},
        "url": url_for("meetings.detail", slug=meeting.network.slug, meeting_id=meeting.id),
        "ics_url": url_for("meetings.meeting_ics", slug=meeting.network.slug,
                           meeting_id=meeting.id) if may.download else None,
    }


def _overview_json(overview) -> dict:
    return {
        "organisations": [
            {"organisation": row.organisation, "member": row.member,
             "system": _ref_json(row.system), "satisfaction": row.experience.satisfaction,
             "considering_switch_to": _ref_json(row.considering),
             "experience_url": url_for("experiences.view", experience_id=row.experience.id)}
            for row in overview.rows
        ],
        "systems": [
            {"system": _ref_json(summary.system), "organisations": summary.organisations,
             "experience_count": summary.profile.n,
             # Shown whatever n when the caller sees every answer behind it
             # (kb.networks.overview, kb.access.figures).
             "satisfaction": {"average": summary.satisfaction,
                              "n": summary.profile.satisfaction.n,
                              "too_few": summary.satisfaction is None},
             "nps": {"score": summary.nps, "n": summary.profile.nps.n,
                     "too_few": summary.nps is None}}
            for summary in overview.summaries
        ],
        "anonymous_left_out": overview.anonymous,
        "compare_url": url_for("compare.index", s=overview.compare_slugs)
        if len(overview.compare_slugs) >= 2 else None,
    }


@bp.get("/networks")
def networks_list():
    """The networks the caller may see: open ones described, closed ones by name only."""
    viewer = audience()
    items = [_network_json(item.network, item.members, item.described,
                           network_access.may_see_description(viewer, item.network))
             for item in networks.listed(viewer)]
    return jsonify(items=items, total=len(items))


@bp.get("/networks/<slug>")
def network(slug: str):
    """One network; its members (and moderators) also get what it runs and its meetings."""
    found = networks.by_slug(slug)
    viewer = audience()
    may = network_access.network_view(viewer, found)
    count = networks.member_counts([found.id]).get(found.id, 0)
    body = {"network": _network_json(found, count, True, may.see_description),
            "member": may.member, "min_answers": stats.MIN_ANSWERS, "overview": None,
            "upcoming_meetings": None}
    if may.inside:
        body["overview"] = _overview_json(networks.network_overview(found, viewer))
        body["upcoming_meetings"] = [_meeting_json(m, network_access.meeting_view(m, may))
                                     for m in networks.upcoming_meetings(found)]
    return jsonify(body)


@bp.get("/networks/<slug>/meetings")
def network_meetings(slug: str):
    """Every meeting of the network, soonest first (members and moderators)."""
    found = networks.by_slug(slug)
    network_access.require_reader(audience(), found)
    may = network_access.network_view(audience(), found)
    meetings = networks.upcoming_meetings(found) + networks.past_meetings(found)
    items = [_meeting_json(m, network_access.meeting_view(m, may)) for m in meetings]
    return jsonify(items=items, total=len(items))


def _question_json(question) -> dict:
    return {
        "id": question.id,
        "title": question.title,
        "body": question.body,
        "author": networks.question_author(question),
        "created_at": question.created_at.isoformat(timespec="seconds") + "Z",
        "answers": len(question.answers),
        "answered": question.answered,
        "url": url_for("network_questions.detail", slug=question.network.slug,
                       question_id=question.id),
    }


@bp.get("/networks/<slug>/questions")
def network_question_list(slug: str):
    """The network's questions, newest first, or matching `q` with kb's Swedish search
    (members and moderators)."""
    found = networks.by_slug(slug)
    network_access.require_reader(audience(), found)
    page = _positive_int("page", 1)
    q = " ".join((request.args.get("q") or "").split())[:200]
    if q:
        result = networks.search_questions(found, audience(), q, page)
        return jsonify(items=[_question_json(hit.question) for hit in result.hits],
                       page=result.page, total=result.total, pages=result.pages)
    listed = networks.newest_questions(found, page)
    return jsonify(items=[_question_json(question) for question in listed.items],
                   page=listed.page, total=listed.total, pages=max(1, listed.pages))

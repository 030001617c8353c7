"""Read-only JSON API under /api/v1, described by /api/v1/openapi.json.

The same rules as the pages: visitors see public experiences only, figures count
published experiences only, searches go through kb.search like /search.
Errors are {"error": {"status": ..., "message": ...}} with a 4xx status.
"""

from flask import Blueprint, abort, jsonify, request, url_for

from kb import (
    catalogue,
    experience_search,
    meetings,
    network_overview,
    network_questions,
    networks,
    policy,
    stats,
    vocab,
)
from kb import experiences as experience_records
from kb.comparison import MAX_SYSTEMS, MIN_SYSTEMS, chosen_systems
from kb.dates import stockholm
from kb.listing import systems_with_counts
from kb.models import Experience, PayrollSystem
from kb.openapi import openapi_document
from kb.parsing import MAX_PAGE
from kb.views.common import audience

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


# Errors answer as JSON through kb.views.errors (every path under /api/).


def _positive_int(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum and int(raw) > maximum):
        limit = f" och högst {maximum}" if maximum else ""
        abort(400, description=f"{name} ska vara ett heltal från 1{limit}.")
    return int(raw)


def _filters() -> stats.Filters:
    """The filters exactly as the document describes them: codes as listed (not
    empty, not padded) and recent 1 or 0; anything else answers 400."""
    for name in ("sector", "size", "role"):
        value = request.args.get(name)
        context = vocab.CONTEXT_BY_PARAM[name]
        if value is not None and value not in context.vocabulary:
            abort(400, description=f"Okänd {context.noun}: {value[:40]}")
    if request.args.get("recent") not in (None, "0", "1"):
        abort(400, description="recent ska vara 1 eller 0.")
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
            "recent": filters.recent, "description": filters.describe()}


def experience_json(experience: Experience) -> dict:
    return {
        "id": experience.id,
        "url": url_for("experiences.view", experience_id=experience.id),
        "system": _ref_json(experience.system),
        "title": experience.title,
        "author": experience.author_label,
        "sector": experience.sector,
        "size_band": experience.size_band,
        "employees_paid": experience.employees_paid,
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
        "considering_switch_to": _ref_json(experience.considering_switch_to),
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
    """The catalogue with number of experiences and average satisfaction, paginated."""
    page = _positive_int("page", 1, MAX_PAGE)
    per_page = _positive_int("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    rows = systems_with_counts(audience())
    total = len(rows)
    items = [
        {**_system_json(system), "experience_count": n,
         "average_satisfaction": float(average) if average is not None and n >= stats.MIN_ANSWERS
         else None}
        for system, n, average in rows[(page - 1) * per_page: page * per_page]
    ]
    return jsonify(items=items, page=page, per_page=per_page, total=total,
                   pages=max(1, -(-total // per_page)))


@bp.get("/systems/<slug>")
def system_detail(slug: str):
    """One system with every aggregate, for the filters given."""
    system = catalogue.system_by_slug(slug)
    filters = _filters()
    profile = stats.profile(system, policy.counted(audience()), filters)
    return jsonify(system=_system_json(system), filters=_filters_json(filters),
                   min_answers=stats.MIN_ANSWERS, profile=profile_json(profile))


@bp.get("/compare")
def compare():
    """Two to four systems side by side, for the filters given."""
    slugs = request.args.getlist("s")
    if not MIN_SYSTEMS <= len(slugs) <= MAX_SYSTEMS or len(set(slugs)) != len(slugs):
        abort(400, description=f"Ange {MIN_SYSTEMS} till {MAX_SYSTEMS} olika system med "
                               "parametern s.")
    chosen, problems = chosen_systems(slugs, catalogue.listed_systems())
    if problems or len(chosen) < MIN_SYSTEMS:
        abort(404, description=" ".join(problems)
              or f"Ange {MIN_SYSTEMS} till {MAX_SYSTEMS} olika system med parametern s.")
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


@bp.get("/experiences")
def experiences():
    """Search experiences: the same search, filters and visibility as /search."""
    _positive_int("page", 1, MAX_PAGE)
    result = experience_search.search(request.args, audience())
    items = [experience_json(hit.experience) for hit in result.hits]
    return jsonify(items=items, page=result.page, total=result.total, pages=result.pages,
                   notices=list(result.notices), match=result.match,
                   suggestion=result.suggestion, corrected=result.corrected)


@bp.get("/experiences/<int:experience_id>")
def experience(experience_id: int):
    """One experience the viewer may read."""
    return jsonify(experience_json(experience_records.readable(experience_id, audience())))


# Networks -------------------------------------------------------------------------------

def _network_json(network, members: int, described: bool, inside: bool = False) -> dict:
    """A network; one seen by name only (closed, and the caller not in it) has no details,
    and only open networks show their description to non-members."""
    return {
        "slug": network.slug,
        "name": network.name,
        "kind": network.kind if described else None,
        "region": (network.region or None) if described else None,
        "access": network.access,
        "description": network.description
        if inside or (described and network.access == "open") else None,
        "members": members if described else None,
        "closed": network.is_closed,
        "is_demo": network.is_demo,
        "url": url_for("networks.detail", slug=network.slug),
        "api_url": url_for("api.network", slug=network.slug),
    }


def _time_json(moment) -> str:
    return stockholm(moment).isoformat(timespec="seconds")


def _meeting_json(meeting, member: bool) -> dict:
    answers = meetings.answers(meeting)
    return {
        "id": meeting.id,
        "title": meeting.title,
        "starts_at": _time_json(meeting.starts_at),
        "ends_at": _time_json(meeting.ends_at),
        "mode": meeting.mode,
        "address": meeting.address if meeting.mode != "digital" else None,
        "meeting_url": meeting.meeting_url or None if member and meeting.mode != "physical"
        else None,
        "agenda": meeting.agenda,
        "topics": meeting.topics,
        "systems": [_ref_json(system) for system in meeting.systems],
        "cancelled": meeting.is_cancelled,
        "answers": {"physical": answers.physical, "digital": answers.digital,
                    "coming": answers.coming, "maybe": answers.maybe, "no": answers.no},
        "url": url_for("meetings.detail", slug=meeting.network.slug, meeting_id=meeting.id),
        "ics_url": url_for("meetings.meeting_ics", slug=meeting.network.slug,
                           meeting_id=meeting.id) if member else None,
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
             "satisfaction": _mean_json(summary.profile.satisfaction),
             "nps": {"score": summary.profile.nps.shown, "n": summary.profile.nps.n,
                     "too_few": not summary.profile.nps.enough}}
            for summary in overview.summaries
        ],
        "compare_url": url_for("compare.index", s=overview.compare_slugs)
        if len(overview.compare_slugs) >= 2 else None,
    }


@bp.get("/networks")
def networks_list():
    """The networks the caller may see: open ones described, closed ones by name only."""
    viewer = audience()
    items = [_network_json(item.network, item.members, item.described,
                           networks.may_read(viewer, item.network))
             for item in networks.listed(viewer)]
    return jsonify(items=items, total=len(items))


@bp.get("/networks/<slug>")
def network(slug: str):
    """One network; its members (and moderators) also get what it runs and its meetings."""
    found = networks.by_slug(slug)
    viewer = audience()
    inside = networks.may_read(viewer, found)
    count = networks.member_counts([found.id]).get(found.id, 0)
    body = {"network": _network_json(found, count, True, inside), "member": networks.is_member(
        viewer, found), "min_answers": stats.MIN_ANSWERS, "overview": None,
        "upcoming_meetings": None}
    if inside:
        body["overview"] = _overview_json(network_overview.overview(found, viewer))
        member = networks.is_member(viewer, found)
        body["upcoming_meetings"] = [_meeting_json(m, member)
                                     for m in meetings.upcoming(found)]
    return jsonify(body)


@bp.get("/networks/<slug>/meetings")
def network_meetings(slug: str):
    """Every meeting of the network, soonest first (members and moderators)."""
    found = networks.by_slug(slug)
    networks.require_reader(audience(), found)
    member = networks.is_member(audience(), found)
    items = [_meeting_json(m, member) for m in meetings.upcoming(found)]
    items += [_meeting_json(m, member) for m in meetings.past(found)]
    return jsonify(items=items, total=len(items))


def _question_json(question) -> dict:
    return {
        "id": question.id,
        "title": question.title,
        "body": question.body,
        "author": network_questions.author_label(question),
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
    networks.require_reader(audience(), found)
    page = _positive_int("page", 1, MAX_PAGE)
    q = " ".join((request.args.get("q") or "").split())[:200]
    if q:
        result = network_questions.search(found, audience(), q, page)
        return jsonify(items=[_question_json(hit.question) for hit in result.hits],
                       page=result.page, total=result.total, pages=result.pages)
    listed = network_questions.newest(found, page)
    return jsonify(items=[_question_json(question) for question in listed.items],
                   page=listed.page, total=listed.total, pages=max(1, listed.pages))

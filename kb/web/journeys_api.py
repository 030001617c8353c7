"""A system's switch journey as JSON (/api/v1/systems/<slug>/switches) and the
experiences behind a switch count (/api/v1/switches): the same figures and lists as the
pages (kb.catalogue.switches), each count with the URL of the page listing exactly the
experiences behind it (`list_url`) and of the same list in the API (`api_url`)."""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from kb import catalogue, stats
from kb.core import vocab


def _links(**args) -> dict:
    """`list_url` (the /switches page) and `api_url` (/api/v1/switches) of one count."""
    query = catalogue.switch_args(**args)
    return {"list_url": url_for("systems.switch_list", **query),
            "api_url": url_for("api.switch_list", **query)}


def _satisfaction_json(satisfaction) -> dict:
    return {
        "average": satisfaction.mean.shown,
        "n": satisfaction.n,
        "too_few": not satisfaction.enough,
        "counts": {str(score): satisfaction.distribution.counts.get(score, 0)
                   for score in vocab.SATISFACTION},
    }


def _direction_json(view, direction, filters, leaving: bool) -> dict:
    slug = view.system.slug

    # The list behind a count of this direction, narrowed by `extra`.
    def listed(**extra) -> dict:
        if leaving:
            return _links(source=slug, filters=filters, **extra)
        return _links(target=slug, filters=filters, **extra)

    def pair(other) -> dict:
        if leaving:
            return _links(source=slug, target=other, filters=filters)
        return _links(source=other, target=slug, filters=filters)

    go_live = direction.go_live
    common = direction.most_common
    tips = view.left_tips if leaving else view.came_tips
    return {
        "organisations": direction.n,
        **listed(),
        "systems": [{"system": {"slug": other.system.slug, "name": other.system.name},
                     "organisations": other.n, "latest_year": other.latest,
                     **pair(other.system.slug)} for other in direction.others],
        "years": [{"year": item.year, "organisations": item.n, **listed(year=item.year)}
                  for item in direction.years],
        "reasons": {
            "answers_with_reason": direction.with_reason,
            **listed(has="reason"),
            "most_common": None if common is None else {
                "theme": common.key, "label": common.label, "answers": common.n,
                **listed(theme=common.key)},
            "themes": [{"theme": theme.key, "label": theme.label, "answers": theme.n,
                        **listed(theme=theme.key)} for theme in direction.themes],
        },
        "go_live_months": {
            "median": go_live.median if go_live.enough else None,
            "shortest": go_live.low if go_live.enough else None,
            "longest": go_live.high if go_live.enough else None,
            "n": go_live.n, "too_few": not go_live.enough,
            **listed(has="go_live"),
        },
        "satisfaction_before": {**_satisfaction_json(direction.before),
                                "stated_with_switch": direction.before_stated,
                                **listed(has="before")},
        "satisfaction_now": {**_satisfaction_json(direction.after), **listed()},
        "tips": [{"experience_id": quote.experience_id, "text": quote.text,
                  "context": quote.context, "visibility": quote.visibility,
                  "url": url_for("experiences.view", experience_id=quote.experience_id)}
                 for quote in tips],
    }


def journey_json(view: catalogue.JourneyView, filters: stats.Filters) -> dict:
    """`left`: the organisations that left the system (each once), where they went and
    when, why, how long it took, how satisfied before and now, their tips; `came`: the
    same for those who came."""
    return {
        "left": _direction_json(view, view.journey.left, filters, True),
        "came": _direction_json(view, view.journey.came, filters, False),
    }


def _before_json(entry) -> dict | None:
    """How satisfied the organisation was with the system it left, and where that comes
    from: stated with the switch, or its earlier experience – shown and linked only
    where the list may tie the two (kb.catalogue.switches.Listed.before_link)."""
    if entry.before is None:
        return None
    earlier = entry.before.earlier is not None
    return {
        "satisfaction": None if entry.before_withheld else entry.before.satisfaction,
        "source": "earlier_experience" if earlier else "stated_with_switch",
        "earlier_experience_url": url_for("experiences.view",
                                          experience_id=entry.before_link)
        if entry.before_link else None,
    }


def switch_list_json(page: catalogue.SwitchPage,
                     experience_json: Callable[[object], dict]) -> dict:
    """One page of the experiences behind a switch count (kb.catalogue.switch_page):
    `total` is the count, `heading` says in Swedish what the list is, each item is an
    experience as /api/v1/experiences gives it, with the satisfaction before the switch."""
    query = page.query
    return {
        "heading": page.heading,
        "query": {"from": query.source.slug if query.source else None,
                  "to": query.target.slug if query.target else None,
                  "since": query.since, "year": query.year, "theme": query.theme,
                  "has": query.has},
        "total": page.n, "page": page.page, "pages": page.pages,
        "per_page": catalogue.SWITCHES_PER_PAGE,
        **_links(**_switch_arg_names(query)),
        "items": [{**experience_json(entry.experience),
                   "satisfaction_before": _before_json(entry)} for entry in page.entries],
    }


def _switch_arg_names(query) -> dict:
    return {"source": query.source.slug if query.source else None,
            "target": query.target.slug if query.target else None,
            "filters": query.filters, "since": query.since, "year": query.year,
            "theme": query.theme, "has": query.has}

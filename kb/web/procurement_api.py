"""The procurement view of a segment as JSON (/api/v1/procurement): the same figures as
the page /upphandling (kb.procurement.outlook), each count null with `too_few` below
the minimum, or `withheld` where it would give such a count away."""

from __future__ import annotations

from flask import url_for


def _count_json(count) -> dict:
    return {"organisations": count.shown, "too_few": count.too_few,
            "withheld": count.withheld}


def _system_json(system) -> dict:
    return {"slug": system.slug, "name": system.name,
            "url": url_for("systems.detail", slug=system.slug)}


def outlook_json(outlook) -> dict:
    return {
        "years": outlook.years,
        "organisations": outlook.counted,
        "known": outlook.known,
        "summary": outlook.summary(),
        "window": _count_json(outlook.window_total),
        "totals": [{"year": year, **_count_json(count)}
                   for year, count in zip(outlook.years, outlook.totals, strict=True)],
        "systems": [
            {"system": _system_json(row.system), "window": _count_json(row.total),
             "years": [{"year": year, **_count_json(count)}
                       for year, count in zip(outlook.years, row.years, strict=True)]}
            for row in outlook.systems
        ],
        "routes": [{"code": route.code, "label": route.label, **_count_json(route.count)}
                   for route in outlook.routes],
        "routes_total": _count_json(outlook.routes_total),
    }

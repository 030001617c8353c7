"""The market view of a segment (which systems organisations like the reader's run),
its downloads, and each system's profile."""

from flask import Blueprint, Response, abort, render_template, request, url_for

from kb import community, stats
from kb import experiences as experiences_feature
from kb.access import policy
from kb.catalogue import exports, switches
from kb.catalogue import systems as catalogue
from kb.core.dates import utcnow
from kb.core.errors import Invalid
from kb.stats import table
from kb.web import charts
from kb.web.common import audience, figure_scope, page_number

bp = Blueprint("systems", __name__)


def _market(scope):
    systems = catalogue.listed_systems()
    return systems, stats.market(systems, policy.counted(audience()), scope.filters)


@bp.get("/systems")
def index():
    """The systems organisations of a segment run – a member's own sector and size
    unless another is chosen – ranked by organisations running them today, with
    satisfaction, a chart and the segment's switches."""
    scope = figure_scope()
    systems, market = _market(scope)
    flows = stats.market_flows(policy.counted(audience()), scope.filters)
    drawn = flows.largest(charts.FLOWS_DRAWN)
    return render_template(
        "systems/index.html",
        market=market,
        scope=scope,
        filters=scope.filters,
        catalogue=systems,
        chart=charts.market_chart("chart-market", market),
        flows=flows,
        flows_drawn=len(drawn),
        flow_chart=charts.flow_chart("chart-flows", flows, drawn),
        flow_links=_flow_links(flows),
        min_answers=stats.MIN_ANSWERS,
        today=utcnow().date(),
        fmt=table,
    )


def _flow_links(flows) -> dict:
    """The /switches list behind each count of the flows (stats.market_flows): per flow
    (from, to), and per system what it gained ("to") and lost ("from")."""
    def link(source=None, target=None) -> str:
        return url_for("systems.switch_list", **switches.switch_args(
            source, target, flows.filters, since=flows.since))

    links: dict = {(flow.source.slug, flow.target.slug): link(flow.source.slug, flow.target.slug)
                   for flow in flows.flows}
    for balance in flows.balances:
        links[("to", balance.system.slug)] = link(target=balance.system.slug)
        links[("from", balance.system.slug)] = link(source=balance.system.slug)
    return links


def _download_name(scope, suffix: str) -> str:
    parts = [value for value in (scope.filters.sector, scope.filters.size, scope.filters.role)
             if value]
    name = "-".join(["lonesystem", *parts]).replace("+", "plus")
    return f'attachment; filename="{name}.{suffix}"'


@bp.get("/systems.csv")
def csv_download():
    """The market view as CSV for Excel: one value a cell, n in columns of their own."""
    scope = figure_scope()
    systems, market = _market(scope)
    vendors = {system.id: system.vendor for system in systems}
    return Response(exports.as_csv(exports.market_table(market, vendors, utcnow().date())),
                    mimetype="text/csv",
                    headers={"Content-Disposition": _download_name(scope, "csv")})


@bp.get("/systems.xlsx")
def xlsx_download():
    """The market view as an Excel workbook: the systems, the switches, what counts."""
    scope = figure_scope()
    systems, market = _market(scope)
    vendors = {system.id: system.vendor for system in systems}
    today = utcnow().date()
    workbook = exports.as_xlsx([
        ("Lönesystem", exports.market_table(market, vendors, today)),
        ("Byten", exports.switches_table(market)),
        ("Om underlaget", exports.about_table(market.filters, today, "Lönesystem i urvalet")),
    ])
    return Response(workbook, mimetype=exports.XLSX_MIMETYPE,
                    headers={"Content-Disposition": _download_name(scope, "xlsx")})


@bp.get("/systems/<slug>")
def detail(slug: str):
    """A system's profile (every aggregate, filterable – a member's own segment unless
    another is chosen) and its experiences, newest first."""
    viewer = audience()
    system = catalogue.visible_system(slug, viewer)
    scope = figure_scope()
    filters = scope.filters
    profile = stats.profile(system, policy.counted(viewer), filters)
    list_options = community.ListOptions.from_args(request.args)  # sort, confirmed recently
    experiences = experiences_feature.system_experiences(system, viewer, filters, list_options,
                                                         page_number())
    return render_template(
        "systems/detail.html",
        system=system,
        experiences=experiences,
        profile=profile,
        filters=filters,
        scope=scope,
        public_profile=stats.profile(system, policy.counted(policy.VISITOR)),
        list_options=list_options,
        charts={
            "distribution": charts.distribution_chart("chart-distribution", profile),
            "sub_ratings": charts.sub_ratings_chart("chart-sub-ratings", profile),
            "capabilities": charts.capability_chart("chart-capabilities", profile),
            "years": charts.groups_chart(
                "chart-years", f"Nöjdhet per år för {system.name}", profile.by_year
            ),
        },
        legend=charts.legend(charts.CAPABILITY_LEGEND),
        journey=switches.journey_of(system, viewer, filters),
        journey_texts=switches,
        min_answers=stats.MIN_ANSWERS,
        fmt=table,
    )


@bp.app_template_global("switches_url")
def switches_url(source: str | None = None, target: str | None = None, filters=None,
                 **extra) -> str:
    """The list of the experiences behind a switch count (`switch_list`): `source` and
    `target` are slugs (None: any system), `filters` the segment (kb.stats.Filters),
    `extra` since, year or theme."""
    return url_for("systems.switch_list",
                   **switches.switch_args(source, target, filters, **extra))


@bp.get("/switches")
def switch_list():
    """Exactly the experiences behind a switch count, one per organisation: `from` and
    `to` (slugs; either may be left out), the market view's segment filters, `since`
    (a year), `year` and `theme`; 400 with a Swedish message for anything else."""
    viewer = audience()
    try:
        query = switches.read_query(request.args, viewer)
    except Invalid as error:
        abort(400, description=error.message)
    page = switches.switch_page(query, viewer, page_number())
    return render_template("systems/switches.html", page=page, query=query,
                           filters=query.filters, min_answers=stats.MIN_ANSWERS)


@bp.get("/systems/<slug>/switches")
def journey(slug: str):
    """A system's switch journey in a segment (a member's own unless another is chosen):
    who left it for what, when, why, how long it took and how satisfied they are now;
    who came and from where. Every count links to its /switches list."""
    viewer = audience()
    system = catalogue.visible_system(slug, viewer)
    scope = figure_scope()
    return render_template("systems/journey.html", system=system, scope=scope,
                           filters=scope.filters,
                           journey=switches.journey_of(system, viewer, scope.filters),
                           journey_texts=switches, min_answers=stats.MIN_ANSWERS)

"""The market view of a segment (which systems organisations like the reader's run),
its downloads, and each system's profile."""

from flask import Blueprint, Response, render_template, request

from kb import catalogue, charts, community, exports, policy, stats
from kb.dates import utcnow
from kb.listing import system_experiences
from kb.stats import table
from kb.views.common import audience, figure_scope, page_number

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
    return render_template(
        "systems/index.html",
        market=market,
        scope=scope,
        filters=scope.filters,
        catalogue=systems,
        chart=charts.market_chart("chart-market", market),
        min_answers=stats.MIN_ANSWERS,
        today=utcnow().date(),
        fmt=table,
    )


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
    system = catalogue.system_by_slug(slug)
    viewer = audience()
    scope = figure_scope()
    filters = scope.filters
    profile = stats.profile(system, policy.counted(viewer), filters)
    list_options = community.ListOptions.from_args(request.args)  # sort, confirmed recently
    experiences = system_experiences(system, viewer, filters, list_options, page_number())
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
        min_answers=stats.MIN_ANSWERS,
        fmt=table,
    )

"""Payroll systems side by side: a table that marks the best value of each row, a
decision report laid out for print, and the same figures as CSV and Excel."""

from flask import Blueprint, Response, abort, render_template, request, url_for

from kb import stats
from kb.access import policy
from kb.catalogue import decision, exports, switches
from kb.catalogue import systems as catalogue
from kb.catalogue.comparison import MAX_SYSTEMS, MIN_SYSTEMS, alternatives, chosen_systems
from kb.core.dates import utcnow
from kb.stats import table
from kb.stats.filters import Scope
from kb.web import charts
from kb.web.common import audience, figure_scope

bp = Blueprint("compare", __name__)

# Systems the comparison suggests beside those chosen, and the segment's systems the
# decision report lists.
SUGGESTED = 3
REPORT_MARKET_ROWS = 10


def _choice():
    """The catalogue, the chosen systems, what was wrong, and the scope."""
    systems = catalogue.listed_systems()
    chosen, problems = chosen_systems(request.args.getlist("s"), systems)
    return systems, chosen, problems, figure_scope()


@bp.get("/compare")
def index():
    """Two to four systems side by side, among organisations like the reader's (a
    member's own segment unless another is chosen); with fewer chosen, the segment's
    most common systems are suggested."""
    systems, chosen, problems, scope = _choice()
    reach = policy.counted(audience())
    profiles = stats.profiles(chosen, reach, scope.filters) if len(chosen) >= MIN_SYSTEMS else []
    # Suggestions only while fewer than two are chosen: they need every system's figures.
    market = None if profiles else stats.market(systems, reach, scope.filters)
    suggestions = alternatives(market, chosen, systems, SUGGESTED) if market else []
    preset = chosen if profiles else (chosen + suggestions)[:max(MIN_SYSTEMS, len(chosen))]
    return render_template(
        "compare/index.html",
        catalogue=systems,
        chosen=chosen,
        preset=preset,
        suggestions=suggestions,
        market=market,
        problems=problems,
        scope=scope,
        filters=scope.filters,
        profiles=profiles,
        public_profiles=stats.profiles(chosen, policy.counted(policy.VISITOR), scope.filters)
        if profiles else [],
        sections=table.comparison_table(profiles) if profiles else [],
        satisfaction_chart=charts.compare_satisfaction_chart("chart-compare-satisfaction",
                                                             profiles) if profiles else None,
        nps_chart=charts.compare_nps_chart("chart-compare-nps", profiles) if profiles else None,
        slots=range(MAX_SYSTEMS),
        min_answers=stats.MIN_ANSWERS,
        fmt=table,
    )


# The public version of the decision report: `underlag=publikt` counts and quotes what
# a visitor's would, whoever opens it – the version to share and print.
MATERIAL_ARG, PUBLIC_MATERIAL = "underlag", "publikt"


@bp.get("/compare/report")
def report():
    """The decision report: the comparison, the segment, what users say for and against
    each system (quoted from the answers the figures count), capability gaps and
    go-live times, the date and n of every figure; whether it includes what only the
    reader may see, with a link to the public version; laid out for print on A4."""
    public = request.args.get(MATERIAL_ARG) == PUBLIC_MATERIAL
    systems = catalogue.listed_systems()
    chosen, problems = chosen_systems(request.args.getlist("s"), systems)
    if problems or not chosen:
        abort(400, description=" ".join(problems) or "Välj de lönesystem som ska jämföras.")
    # The public version is the same for everyone: no member's own segment by default.
    scope = Scope.from_args(request.args) if public else figure_scope()
    viewer = policy.VISITOR if public else audience()
    reach = policy.counted(viewer)
    profiles = stats.profiles(chosen, reach, scope.filters)
    market = stats.market(systems, reach, scope.filters)
    args = {"s": [system.slug for system in chosen], **scope.query_args()}
    return render_template(
        "compare/report.html",
        chosen=chosen,
        profiles=profiles,
        standings=[market.standing(system.slug) for system in chosen],
        market=market,
        market_rows=market.systems[:REPORT_MARKET_ROWS],
        chosen_ids={system.id for system in chosen},
        voices=decision.voices_of([system.id for system in chosen], viewer, scope.filters),
        journeys=switches.journeys_of(chosen, viewer, scope.filters),
        journey_texts=switches,
        capabilities=decision.capabilities(profiles),
        gap_share=decision.GAP_SHARE,
        scope=scope,
        filters=scope.filters,
        sections=table.comparison_table(profiles)[:1],
        today=utcnow().date(),
        min_answers=stats.MIN_ANSWERS,
        fmt=table,
        public=public,
        member=audience().is_member,
        beyond_public=decision.beyond_public(stats.counted_visibilities(reach, scope.filters)),
        public_url=url_for("compare.report", **args, **{MATERIAL_ARG: PUBLIC_MATERIAL}),
        full_url=url_for("compare.report", **args),
        args=args,
    )


def _profiles_for_download():
    _systems, chosen, problems, scope = _choice()
    if problems or len(chosen) < MIN_SYSTEMS:
        abort(400, description=" ".join(problems) or "Välj två till fyra lönesystem att jämföra.")
    return chosen, scope.filters, stats.profiles(chosen, policy.counted(audience()),
                                                 scope.filters)


def _attachment(chosen, suffix: str) -> dict:
    name = "-".join(system.slug for system in chosen)[:150]
    return {"Content-Disposition": f'attachment; filename="jamforelse-{name}.{suffix}"'}


@bp.get("/compare.csv")
def csv_download():
    """The comparison as CSV for Excel: one row a system, one value a cell (n in
    columns of their own), UTF-8 with BOM, semicolons, decimal comma."""
    chosen, filters, profiles = _profiles_for_download()
    data = exports.as_csv(exports.comparison_table(profiles, filters, utcnow().date()))
    return Response(data, mimetype="text/csv", headers=_attachment(chosen, "csv"))


@bp.get("/compare.xlsx")
def xlsx_download():
    """The comparison as an Excel workbook with numeric cells, and what the figures count."""
    chosen, filters, profiles = _profiles_for_download()
    today = utcnow().date()
    workbook = exports.as_xlsx([
        ("Jämförelse", exports.comparison_table(profiles, filters, today)),
        ("Om underlaget", exports.about_table(filters, today, "Jämförelse av lönesystem")),
    ])
    return Response(workbook, mimetype=exports.XLSX_MIMETYPE, headers=_attachment(chosen, "xlsx"))

"""Payroll systems side by side: a table, a few charts and a CSV download."""

from flask import Blueprint, Response, abort, render_template, request

from kb import catalogue, charts, exports, policy, stats
from kb.comparison import MAX_SYSTEMS, MIN_SYSTEMS, chosen_systems
from kb.stats import table
from kb.views.common import audience

bp = Blueprint("compare", __name__)


@bp.get("/compare")
def index():
    """Two to four systems side by side, among organisations like the reader's."""
    systems = catalogue.listed_systems()
    chosen, problems = chosen_systems(request.args.getlist("s"), systems)
    filters = stats.Filters.from_args(request.args)
    profiles = []
    if len(chosen) >= MIN_SYSTEMS:
        profiles = stats.profiles(chosen, policy.counted(audience()), filters)
    elif request.args.getlist("s"):
        problems.append("Välj minst två lönesystem att jämföra.")
    return render_template(
        "compare/index.html",
        catalogue=systems,
        chosen=chosen,
        problems=problems,
        filters=filters,
        profiles=profiles,
        sections=table.comparison_table(profiles) if profiles else [],
        satisfaction_chart=charts.compare_satisfaction_chart("chart-compare-satisfaction",
                                                             profiles) if profiles else None,
        nps_chart=charts.compare_nps_chart("chart-compare-nps", profiles) if profiles else None,
        slots=range(MAX_SYSTEMS),
        min_answers=stats.MIN_ANSWERS,
        fmt=table,
    )


@bp.get("/compare.csv")
def csv_download():
    """The comparison table as CSV for Excel: UTF-8 with BOM, semicolons, decimal comma."""
    chosen, problems = chosen_systems(request.args.getlist("s"), catalogue.listed_systems())
    if problems or len(chosen) < MIN_SYSTEMS:
        abort(400, description=" ".join(problems) or "Välj två till fyra lönesystem att jämföra.")
    filters = stats.Filters.from_args(request.args)
    profiles = stats.profiles(chosen, policy.counted(audience()), filters)
    return Response(
        exports.comparison_csv(profiles, filters),
        mimetype="text/csv",
        headers={
            "Content-Disposition": "attachment; filename=\"jamforelse-"
            + "-".join(system.slug for system in chosen)[:150] + '.csv"',
        },
    )

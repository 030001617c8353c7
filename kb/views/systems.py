"""The payroll system catalogue and each system's profile."""

from flask import Blueprint, render_template, request

from kb import catalogue, charts, community, policy, stats
from kb.listing import system_experiences, systems_with_counts
from kb.stats import table
from kb.views.common import audience, page_number

bp = Blueprint("systems", __name__, url_prefix="/systems")


@bp.get("")
def index():
    """Every system with its number of experiences and average satisfaction."""
    return render_template("systems/index.html", systems=systems_with_counts(audience()))


@bp.get("/<slug>")
def detail(slug: str):
    """A system's profile (every aggregate, filterable) and its experiences, newest first."""
    system = catalogue.system_by_slug(slug)
    viewer = audience()
    filters = stats.Filters.from_args(request.args)
    profile = stats.profile(system, policy.counted(viewer), filters)
    list_options = community.ListOptions.from_args(request.args)  # sort, confirmed recently
    experiences = system_experiences(system, viewer, filters, list_options, page_number())
    return render_template(
        "systems/detail.html",
        system=system,
        experiences=experiences,
        profile=profile,
        filters=filters,
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

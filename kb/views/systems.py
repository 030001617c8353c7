"""The payroll system catalogue and each system's profile."""

from flask import Blueprint, render_template, request
from sqlalchemy import select

from kb import charts, community, stats
from kb.access import viewer
from kb.extensions import db
from kb.listing import experiences_query, systems_with_counts
from kb.models import Experience, PayrollSystem
from kb.paging import page_number
from kb.stats import table

bp = Blueprint("systems", __name__, url_prefix="/systems")


@bp.get("")
def index():
    """Every system with its number of experiences and average satisfaction."""
    return render_template("systems/index.html", systems=systems_with_counts(viewer()))


@bp.get("/<slug>")
def detail(slug: str):
    """A system's profile (every aggregate, filterable) and its experiences, newest first."""
    system = db.first_or_404(select(PayrollSystem).where(PayrollSystem.slug == slug))
    filters = stats.Filters.from_args(request.args)
    profile = stats.profile(system, viewer(), filters)
    list_options = community.ListOptions.from_args(request.args)  # sort, confirmed recently
    experiences = db.paginate(
        list_options.apply(experiences_query(viewer()).where(
            Experience.system_id == system.id, *filters.clauses())),
        page=page_number(),
        per_page=10,
        error_out=False,
    )
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

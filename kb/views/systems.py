"""The payroll system catalogue."""

from flask import Blueprint, render_template, request
from sqlalchemy import select

from kb.access import viewer
from kb.extensions import db
from kb.listing import experiences_query, systems_with_counts
from kb.models import Experience, PayrollSystem

bp = Blueprint("systems", __name__, url_prefix="/systems")


@bp.get("")
def index():
    """Every system with its number of experiences and average satisfaction."""
    return render_template("systems/index.html", systems=systems_with_counts(viewer()))


@bp.get("/<slug>")
def detail(slug: str):
    """A system's summary and its experiences, newest first."""
    system = db.first_or_404(select(PayrollSystem).where(PayrollSystem.slug == slug))
    experiences = db.paginate(
        experiences_query(viewer()).where(Experience.system_id == system.id),
        page=request.args.get("page", 1, type=int),
        per_page=10,
        error_out=False,
    )
    summary = next(
        ((n, average) for s, n, average in systems_with_counts(viewer()) if s.id == system.id),
        (0, None),
    )
    return render_template(
        "systems/detail.html", system=system, experiences=experiences,
        count=summary[0], average=summary[1],
    )

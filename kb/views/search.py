"""The search page: Swedish full text, filters and facets, all plain links and forms."""

from datetime import date

from flask import Blueprint, render_template, request
from sqlalchemy import select

from kb import search
from kb.access import viewer
from kb.extensions import db
from kb.models import PayrollSystem

bp = Blueprint("search", __name__)


@bp.get("/search")
def search_page():
    """Search experiences by words, system, sector, size, role, status, rating and year."""
    result = search.search_experiences(request.args.to_dict(flat=True), viewer())
    systems = db.session.execute(
        select(PayrollSystem.slug, PayrollSystem.name)
        .where(PayrollSystem.status != "pending")
        .order_by(PayrollSystem.name)
    ).all()
    years = list(range(date.today().year, 1999, -1))
    return render_template("search/index.html", result=result, params=result.params,
                           systems=systems, years=years)

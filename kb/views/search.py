"""The search page: Swedish full text, filters and facets, all plain links and forms."""

from datetime import date

from flask import Blueprint, render_template, request

from kb import catalogue, experience_search
from kb.views.common import audience

bp = Blueprint("search", __name__)


@bp.get("/search")
def search_page():
    """Search experiences by words, system, sector, size, role, status, rating and year."""
    result = experience_search.search(request.args, audience())
    years = list(range(date.today().year, 1999, -1))
    return render_template("search/index.html", result=result, params=result.params,
                           systems=catalogue.listed_systems(), years=years)

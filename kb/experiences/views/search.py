"""The search page: Swedish full text, filters and facets, all plain links and forms."""

from datetime import date

from flask import Blueprint, render_template, request

from kb.experiences import searching as experience_search
from kb.experiences.search_params import SearchParams
from kb.web.common import audience

bp = Blueprint("search", __name__)


@bp.get("/search")
def search_page():
    """Search experiences by words, system, sector, size, role, status, rating and year."""
    params = SearchParams.from_mapping(request.args)
    result = experience_search.search(params, audience())
    years = list(range(date.today().year, 1999, -1))
    return render_template("search/index.html", result=result, params=params, years=years)

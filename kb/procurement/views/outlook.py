"""The procurement view of a segment (/upphandling), and what the system and network
pages include of it."""

from flask import Blueprint, Response, render_template

from kb import stats
from kb.access import policy
from kb.core import vocab
from kb.procurement import contracts, exports
from kb.procurement.network_contracts import network_contracts
from kb.procurement.outlook import outlook as segment_outlook
from kb.web import charts
from kb.web.common import audience, figure_scope

bp = Blueprint("procurement", __name__, url_prefix="/upphandling")


@bp.get("")
def index():
    """How many organisations' contracts end in each of the next six years, per system,
    and how they procured last time, for a segment (a member's own unless another is
    chosen)."""
    scope = figure_scope()
    found = segment_outlook(audience(), scope.filters)
    return render_template(
        "procurement/index.html", outlook=found, scope=scope, filters=scope.filters,
        chart=charts.contract_end_chart("chart-contract-ends", found),
        min_answers=stats.MIN_ANSWERS)


@bp.get("/avtal.csv")
def csv_download():
    """The procurement view as CSV for Excel, the same counts as the page."""
    scope = figure_scope()
    found = segment_outlook(audience(), scope.filters)
    name = "-".join(["avtal", *(v for v in (scope.filters.sector, scope.filters.size) if v)])
    return Response("\ufeff" + exports.as_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="{name.replace("+", "plus")}.csv"'})


@bp.app_context_processor
def procurement_helpers():
    return {
        # The system page's include: the system's customers' contracts.
        # `public`: as a visitor sees it (the decision report's public version).
        "system_contracts": lambda system, filters=None, public=False: segment_outlook(
            policy.VISITOR if public else audience(), filters, system=system),
        # The network page's include: its members' contracts, one row per organisation.
        "network_contracts": lambda network: network_contracts(audience(), network),
        # The experience page's include: the contract as this reader may see it.
        "contract_of": lambda experience: contracts.view(audience(), experience),
        "contract_history": lambda experience: [
            (entry.stated_at, shown) for entry in contracts.history(experience)
            if (shown := contracts.view(audience(), experience, entry)) is not None],
        "procurement_vocab": vocab,
    }

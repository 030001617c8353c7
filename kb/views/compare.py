"""Payroll systems side by side: a table, a few charts and a CSV download."""

import csv
import io

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import select

from kb import charts, stats
from kb.access import viewer
from kb.extensions import db
from kb.models import PayrollSystem
from kb.stats import table

bp = Blueprint("compare", __name__)

MIN_SYSTEMS = 2
MAX_SYSTEMS = 4
# Spreadsheets run cells that start like this as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def catalogue() -> list[PayrollSystem]:
    """Systems that can be compared (not proposals waiting for approval), by name."""
    return list(db.session.scalars(
        select(PayrollSystem).where(PayrollSystem.status != "pending").order_by(PayrollSystem.name)
    ))


def chosen_systems(slugs: list[str], systems: list[PayrollSystem]):
    """The systems named by `s` (in order, without repeats) and what was wrong, in Swedish."""
    by_slug = {system.slug: system for system in systems}
    chosen, problems = [], []
    for slug in dict.fromkeys(slug.strip() for slug in slugs if slug.strip()):
        if slug not in by_slug:
            problems.append(f"Lönesystemet ”{slug[:80]}” finns inte.")
        else:
            chosen.append(by_slug[slug])
    if len(chosen) > MAX_SYSTEMS:
        problems.append(
            f"Du kan jämföra högst {MAX_SYSTEMS} system; de {MAX_SYSTEMS} första visas."
        )
        chosen = chosen[:MAX_SYSTEMS]
    return chosen, problems


@bp.get("/compare")
def index():
    """Two to four systems side by side, among organisations like the reader's."""
    systems = catalogue()
    chosen, problems = chosen_systems(request.args.getlist("s"), systems)
    filters = stats.Filters.from_args(request.args)
    profiles = []
    if len(chosen) >= MIN_SYSTEMS:
        profiles = stats.profiles(chosen, viewer(), filters)
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
    chosen, problems = chosen_systems(request.args.getlist("s"), catalogue())
    if problems or len(chosen) < MIN_SYSTEMS:
        abort(400, description=" ".join(problems) or "Välj två till fyra lönesystem att jämföra.")
    filters = stats.Filters.from_args(request.args)
    profiles = stats.profiles(chosen, viewer(), filters)
    return Response(
        "\ufeff" + comparison_csv(profiles, filters),
        mimetype="text/csv",
        headers={
            "Content-Disposition": "attachment; filename=\"jamforelse-"
            + "-".join(system.slug for system in chosen)[:150] + '.csv"',
        },
    )


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def comparison_csv(profiles, filters) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Avsnitt", "Mått", *(_safe(p.system.name) for p in profiles)])
    writer.writerow(["Urval", filters.describe(), *("" for _ in profiles)])
    for section in table.comparison_table(profiles):
        for row in section.rows:
            writer.writerow([section.title, _safe(row.label), *(_safe(c.text) for c in row.cells)])
    return out.getvalue()

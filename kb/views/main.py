"""Home page and health check."""

import os

from flask import Blueprint, current_app, render_template
from sqlalchemy import text

from kb.access import viewer
from kb.extensions import db
from kb.listing import newest_experiences, systems_with_counts
from kb.stats import common_switches

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The home page: search, the most reviewed systems, the newest experiences and the
    most common switches."""
    user = viewer()
    systems = systems_with_counts(user)  # counts follow the viewer's visibility
    return render_template(
        "main/index.html",
        systems=systems[:8],
        newest=newest_experiences(user, limit=6),
        switches=common_switches(user, limit=6),
        total_experiences=sum(n for _system, n, _average in systems),
        total_systems=len(systems),
    )


@bp.get("/healthz")
def healthz():
    """Database and index reachable: 200, otherwise 503 with the reason."""
    problems = []
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not reachable"
        db.session.rollback()
        problems.append(f"database: {type(error).__name__}")
    if not os.path.isdir(current_app.config["INDEX_DIR"]):
        problems.append("index: directory missing")
    if problems:
        return {"status": "unavailable", "problems": problems}, 503
    return {"status": "ok"}, 200

"""Home page and health check."""

import os

from flask import Blueprint, current_app, render_template
from sqlalchemy import func, select, text

from kb.extensions import db
from kb.models import Experience, PayrollSystem

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The home page: search, the most reviewed systems, the newest experiences and the
    most common switches."""
    from kb.access import viewer
    from kb.listing import newest_experiences, systems_with_counts
    from kb.stats import common_switches

    return render_template(
        "main/index.html",
        systems=systems_with_counts(viewer(), limit=8),
        newest=newest_experiences(viewer(), limit=6),
        switches=common_switches(viewer(), limit=6),
        total_experiences=db.session.scalar(
            select(func.count()).select_from(Experience).where(
                Experience.moderation_state == "published"
            )
        ),
        total_systems=db.session.scalar(select(func.count()).select_from(PayrollSystem)),
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

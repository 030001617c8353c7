"""Home page, the privacy policy and terms, and the health check."""

from flask import Blueprint, current_app, render_template

from kb import drafts, health, meetings, policy
from kb.listing import newest_experiences, systems_with_counts
from kb.stats import common_switches
from kb.views.common import audience

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The home page: search, the most reviewed systems, the newest experiences and the
    most common switches."""
    viewer = audience()
    systems = systems_with_counts(viewer)  # counts follow the viewer's visibility
    return render_template(
        "main/index.html",
        systems=systems[:8],
        newest=newest_experiences(viewer, limit=6),
        switches=common_switches(policy.counted(viewer), limit=6),
        total_experiences=sum(n for _system, n, _average in systems),
        total_systems=len(systems),
        meetings=meetings.upcoming_for(viewer),
    )


@bp.get("/integritet")
def privacy():
    """What kb stores about members, why, for how long, and how to take it out or delete it."""
    config = current_app.config
    return render_template("main/privacy.html", contact=config.get("CONTACT_EMAIL"),
                           draft_keep_days=drafts.KEEP_DAYS,
                           draft_parked_days=drafts.PARKED_DAYS,
                           keep_sent_days=config["MAIL_KEEP_SENT_DAYS"],
                           keep_failed_days=config["MAIL_KEEP_FAILED_DAYS"])


@bp.get("/villkor")
def terms():
    """The terms of membership."""
    return render_template("main/terms.html", contact=current_app.config.get("CONTACT_EMAIL"))


@bp.get("/healthz")
def healthz():
    """Database reachable, index readable, writable, complete and following the change
    log: 200; otherwise 503 with the reasons (kb.health). JSON either way."""
    body = health.report()
    return body, 200 if body["status"] == "ok" else 503, {"Cache-Control": "no-store"}

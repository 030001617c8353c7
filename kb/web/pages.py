"""Home page, the privacy policy and terms, and the health check."""

from flask import Blueprint, current_app, render_template

from kb import catalogue, experiences, stats
from kb.access import policy
from kb.extensions import db
from kb.operations import health
from kb.web import start
from kb.web.common import audience, current_member

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The home page: search, the systems most organisations run, the newest experiences
    and the most common switches – the market view of every organisation (kb.stats), so
    each organisation counts once per system and a mean resting on fewer than
    stats.MIN_ANSWERS organisations is withheld, as on every other page. A logged-in
    member's page starts with what is hers (kb.web.start): organisations like hers, her
    networks, answers to her questions, the systems she follows, what she should confirm."""
    viewer = audience()
    systems = catalogue.listed_systems()
    market = stats.market(systems, policy.counted(viewer))  # follows the viewer's reach
    member = current_member()
    return render_template(
        "main/index.html",
        # A logged-in member's own start (kb.web.start); a visitor's page is the same as ever.
        start=start.member_start(member, viewer, systems) if member is not None else None,
        standings=market.systems[:8],
        newest=experiences.newest_experiences(viewer, limit=6),
        switches=market.switches[:6],
        total_experiences=sum(s.profile.experiences for s in market.systems),
        total_systems=len(systems),
        vendors={system.id: system.vendor for system in systems},
        min_answers=stats.MIN_ANSWERS,
    )


@bp.get("/integritet")
def privacy():
    """What kb stores about members, why, for how long, and how to take it out or delete it."""
    config = current_app.config
    return render_template("main/privacy.html", contact=config.get("CONTACT_EMAIL"),
                           draft_keep_days=experiences.KEEP_DAYS,
                           draft_parked_days=experiences.PARKED_DAYS,
                           keep_sent_days=config["MAIL_KEEP_SENT_DAYS"],
                           keep_failed_days=config["MAIL_KEEP_FAILED_DAYS"])


@bp.get("/villkor")
def terms():
    """The terms of membership."""
    return render_template("main/terms.html", contact=current_app.config.get("CONTACT_EMAIL"))


@bp.get("/healthz")
def healthz():
    """Database reachable, index readable, writable, complete and following the change
    log: 200; otherwise 503 (kb.operations.health). JSON either way: the status and the
    reasons' codes for anyone, the full report (counts, lag, generation) for a logged-in
    moderator or admin."""
    body = health.report()
    status = 200 if body["status"] == "ok" else 503
    if not _operator():
        body = health.public(body)
    return body, status, {"Cache-Control": "no-store"}


def _operator() -> bool:
    """A moderator or admin is logged in (False when that cannot be told, as when the
    database does not answer)."""
    try:
        return policy.may_moderate(audience())
    except Exception:  # the member's row could not be read: a visitor's answer
        db.session.rollback()
        return False

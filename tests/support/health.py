"""/healthz as an operator reads it. Anyone gets the status (200 or 503) and the
reasons' codes; the full report – problems in words, counts, lag, generation – is for
a logged-in moderator or admin. These helpers log a browser in as one (made once per
database) and read the full report."""

from __future__ import annotations

from sqlalchemy import select

from kb.extensions import db
from tests.support.apps import PASSWORD
from tests.support.pages import Auth

OPERATOR = "drift@kb.example.se"


def add_operator(app) -> str:
    """A moderator to read the full report with (once per database); their address."""
    from kb.models import User, utcnow

    with app.app_context():
        if db.session.scalar(select(User.id).where(User.email == OPERATOR)) is None:
            user = User(email=OPERATOR, display_name="Driften", site_role="moderator",
                        professional_role="lonechef", email_confirmed_at=utcnow())
            user.set_password(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
            db.session.add(user)
            db.session.commit()
    return OPERATOR


def operator_health(client) -> tuple[int, dict]:
    """GET /healthz with a Flask test client logged in as a moderator (logged in the
    first time): the status and the full report."""
    if not getattr(client, "kb_operator", False):
        add_operator(client.application)
        response = Auth(client).login(OPERATOR)
        assert response.status_code == 302, "the operator could not log in"
        client.kb_operator = True
    response = client.get("/healthz")
    return response.status_code, response.get_json()

"""A refused report is explained next to its reason, and nothing of it is kept."""

from sqlalchemy import func, select

from kb.extensions import db
from kb.models import Flag
from tests.support.pages import csrf_token


def _flag(client, experience_id, reason):
    page = client.get(f"/experiences/{experience_id}")
    return client.post(f"/experiences/{experience_id}/flag",
                       data={"csrf_token": csrf_token(page), "reason": reason})


def _flags(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Flag))


def test_a_second_report_is_refused_next_to_the_reason(app, client, factory, auth):
    author = factory.user(email="author@kommun.se")
    experience = factory.experience(author, factory.system())
    factory.user(email="reporter@kommun.se")
    auth.login("reporter@kommun.se")
    assert _flag(client, experience, "Felaktiga uppgifter").status_code == 302
    again = _flag(client, experience, "Fortfarande fel")
    assert again.status_code == 422
    assert ('<p class="field-error" id="reason-error">Du har redan anmält den här '
            "erfarenheten.</p>") in again.text
    assert _flags(app) == 1


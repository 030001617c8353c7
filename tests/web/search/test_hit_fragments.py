"""A hit's line of facts is rendered once and kept, but never outlives what it shows:
the system's name, the author's name, the rating, the status and the badges."""

import re

from kb.extensions import db
from kb.models import Experience, PayrollSystem, User
from tests.support.pages import Auth


def facts(client, q: str = "pensionsrapportering") -> list[str]:
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 200
    return [re.sub(r"\s+", " ", line).strip()
            for line in re.findall(r'<p class="meta">(.*?)</p>', page.text, re.S)]


def change(app, model, row_id: int, **values) -> None:
    with app.app_context():
        row = db.session.get(model, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def test_the_line_of_facts_follows_every_change(app, client, factory):
    author = factory.user(display_name="Anna Andersson")
    system = factory.system(name="Lönesystem Ett")
    experience_id = factory.experience(
        author, system, satisfaction=4, title="Pensionsrapporteringen fungerar",
        pros="Pensionsrapporteringen till KPA går av sig själv.")
    [first] = facts(client)
    assert "Lönesystem Ett" in first and "★★★★☆" in first and "Anna Andersson" in first
    assert facts(client) == [first]  # the same line, now kept

    change(app, PayrollSystem, system, name="Lönesystem Två")
    [renamed] = facts(client)
    assert "Lönesystem Två" in renamed and "Lönesystem Ett" not in renamed

    change(app, Experience, experience_id, satisfaction=2)
    assert "★★☆☆☆" in facts(client)[0]

    change(app, User, author, display_name="Anna Berg")
    [named] = facts(client)
    assert "Anna Berg" in named and "Anna Andersson" not in named

    change(app, Experience, experience_id, anonymous=True)
    assert "Anna Berg" not in facts(client)[0]


def test_members_see_the_badge_and_visitors_never_a_kept_line_of_it(app, client, factory):
    factory.user(email="medlem@example.se")
    system = factory.system()
    experience_id = factory.experience(
        factory.user(), system, title="Pensionsrapporteringen fungerar",
        pros="Pensionsrapporteringen till KPA går av sig själv.")
    assert "Endast medlemmar" not in facts(client)[0]
    change(app, Experience, experience_id, visibility="members")
    assert facts(client) == []  # a visitor does not find it at all
    Auth(client).login("medlem@example.se")
    assert "Endast medlemmar" in facts(client)[0]
    change(app, Experience, experience_id, moderation_state="hidden")
    assert facts(client) == []

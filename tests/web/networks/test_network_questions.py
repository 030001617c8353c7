"""Asking a network: members ask and answer, the asker marks the answer that helped, and
the questions are searched with kb's Swedish search by the network's members only."""

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import NetworkQuestion, Notification
from tests.support.pages import main_content, post

QUESTION = "Hur har ni löst semesterberäkningen för timanställda i Heroma?"


@pytest.fixture
def world(factory, colleagues):
    """Anna leads Skåne with Bo; Cecilia leads Digital HR."""
    skane = factory.network(slug="skane", name="Lönechefsnätverket Skåne",
                            members={colleagues["anna"]: "leader", colleagues["bo"]: "member"})
    digital_hr = factory.network(slug="digital-hr", name="Digital HR",
                                 members={colleagues["cecilia"]: "leader"})
    return {**colleagues, "skane": skane, "digital-hr": digital_hr}


def ask(client, slug="skane", title=QUESTION, body="Vi kör procentregeln.") -> str:
    response = post(client, f"/networks/{slug}/questions/new", {"title": title, "body": body},
                    page=f"/networks/{slug}/questions/new")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_a_question_is_answered_and_the_answer_that_helped_is_marked(app, client, auth, world):
    auth.login("anna@malmo.se")
    url = ask(client)
    auth.logout()
    auth.login("bo@lund.se")
    assert "Ny fråga i Lönechefsnätverket Skåne" in client.get("/notifications").text
    answered = post(client, f"{url}/answers", {"body": "Vi räknar om varje månad."}, page=url)
    assert answered.status_code == 302
    answer_id = int(answered.headers["Location"].rsplit("svar-", 1)[1])
    # Only the asker marks the answer.
    assert post(client, f"{url}/answers/{answer_id}/helped", page=url).status_code == 403
    auth.logout()
    auth.login("anna@malmo.se")
    assert "Nytt svar på din fråga" in client.get("/notifications").text
    post(client, f"{url}/answers/{answer_id}/helped", page=url)
    page = main_content(client.get(url))
    assert "Svaret som hjälpte" in page and "Vi räknar om varje månad." in page
    assert "Besvarad" in main_content(client.get("/networks/skane/questions"))
    with app.app_context():
        assert db.session.get(NetworkQuestion, answer_id).helped is True


def _titles(client, q, slug="skane"):
    page = client.get(f"/networks/{slug}/questions", query_string={"q": q})
    assert page.status_code == 200
    return QUESTION in page.text.replace("<mark>", "").replace("</mark>", "")


def test_questions_are_found_with_swedish_inflections_and_compound_parts(app, client, auth,
                                                                        world):
    auth.login("anna@malmo.se")
    ask(client)
    ask(client, title="Vilka lönearter använder ni för OB-tillägg?", body="")
    auth.logout()
    auth.login("bo@lund.se")
    assert _titles(client, "semesterberäkning")  # inflection: semesterberäkningen
    assert _titles(client, "timanställd")  # inflection: timanställda
    assert _titles(client, "beräkning")  # a part of the compound semesterberäkningen
    assert _titles(client, "procentregeln")  # the question's own text
    assert not _titles(client, "lönearter")
    page = client.get("/networks/skane/questions?q=semesterberäkning").text
    assert "<mark>semesterberäkningen</mark>" in page.lower()
    # The index follows new answers.
    with app.app_context():
        first = db.session.scalar(select(NetworkQuestion.id).order_by(NetworkQuestion.id))
    url = f"/networks/skane/questions/{first}"
    assert post(client, f"{url}/answers", {"body": "Vi använder sammalöneregeln."},
                page=url).status_code == 302
    assert "1 fråga" in client.get("/networks/skane/questions?q=sammalöneregeln").text


def test_questions_never_leak_outside_the_network(app, client, auth, world):
    auth.login("anna@malmo.se")
    url = ask(client)
    auth.logout()
    # Another network's member, with a question of its own using the same words.
    auth.login("cecilia@ystad.se")
    ask(client, slug="digital-hr", title="Semesterberäkningen i vår nya HR-portal?")
    assert not _titles(client, "semesterberäkning", slug="digital-hr")
    assert client.get("/networks/skane/questions?q=semesterberäkning").status_code == 403
    assert client.get(url).status_code == 403
    assert post(client, f"{url}/answers", {"body": "Hej"}, page="/").status_code == 403
    assert "semesterberäkningen för timanställda" not in client.get(
        "/search?q=semesterberäkningen").text.lower()
    auth.logout()
    assert client.get(url).status_code == 302  # to login
    with app.app_context():
        told = set(db.session.scalars(select(Notification.user_id).where(
            Notification.question_id.is_not(None))))
    assert told == {world["bo"]}

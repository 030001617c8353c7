"""The Swedish reads right: no English framework messages, no wrong plural forms, no
punctuation run together, numbers as Swedes write them (kb.swedish, kb.parsing)."""

import re

import pytest

from kb.parsing import whole_number
from kb.swedish import decimal, plural, thousands
from tests.conftest import csrf_token, main_content
from tests.test_experiences import full_form, post_form

# Strings that must never reach a page: framework English, and known slips.
MISTAKES = [
    re.compile(r"CSRF|token is missing|Not a valid|This field is required|Invalid (value|input)"
               r"|Field must|is required\b"),
    re.compile(r"\b1 (erfarenheter|nya|olästa|anmälda|föreslagna)\b"),
    re.compile(r"\?:"),
    re.compile(r"ny sak|nya saker"),
    re.compile(r"Inte ett giltigt heltal"),
]


def visible_text(html: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())


def assert_reads_right(response):
    text = visible_text(main_content(response))
    for mistake in MISTAKES:
        found = mistake.search(text)
        if found:
            context = text[max(0, found.start() - 80):found.end() + 80]
            raise AssertionError(f"{found.group(0)!r} in: …{context}…")


def test_swedish_numbers_and_plurals():
    assert thousands(2566) == "2\u00a0566"
    assert thousands(-1200) == "\u22121\u00a0200"
    assert decimal(3.75) == "3,8"
    assert decimal(1234.5) == "1\u00a0234,5"
    assert plural(1, "erfarenhet", "erfarenheter") == "1 erfarenhet"
    assert plural(2566, "erfarenhet", "erfarenheter") == "2\u00a0566 erfarenheter"
    for typed in ("2566", "2 566", "2\u00a0566", " 2566 "):
        assert whole_number(typed) == 2566
    assert whole_number("tolv") is None and whole_number("12,5") is None


@pytest.fixture
def world(factory, app):
    from kb.extensions import db
    from kb.models import Notification

    heroma = factory.system(slug="heroma", name="Heroma")
    personec = factory.system(slug="personec-p", name="Personec P")
    primula = factory.system(slug="primula", name="Primula")
    member = factory.user(email="anna@kommun.se")
    factory.user(email="admin@kommun.se", site_role="admin")
    pending = factory.experience(member, heroma, moderation_state="pending")
    with app.app_context():
        db.session.add(Notification(user_id=member, kind="question", experience_id=pending))
        db.session.commit()
    return heroma, personec, primula


def test_pages_with_one_of_something(client, auth, world):
    auth.login("admin@kommun.se")
    assert_reads_right(client.get("/admin/"))
    auth.logout()
    auth.login("anna@kommun.se")
    assert_reads_right(client.get("/notifications"))


def test_form_errors_read_right(client, auth, world):
    auth.login("anna@kommun.se")
    data = full_form(*world)
    data.update(employees_paid="tolvtusen", switched_from_id="", go_live_months="999")
    response = post_form(client, "/experiences/new", data)
    assert response.status_code == 422
    assert_reads_right(response)
    text = visible_text(main_content(response))
    assert "Skriv ett heltal med siffror, till exempel 250." in text
    assert "Varför bytte ni? Ange vilket system ni bytte från" in text
    assert 'value="tolvtusen"' in response.text  # what was typed stays


def test_numbers_typed_with_spaces_are_numbers(client, auth, world):
    auth.login("anna@kommun.se")
    heroma, personec, primula = world  # Heroma she has written about already
    response = post_form(client, "/experiences/new", {**full_form(primula, personec, heroma),
                                                      "employees_paid": "12 400"})
    assert response.status_code == 302


def test_a_stale_form_is_explained_in_swedish(client, auth, world):
    auth.login("anna@kommun.se")
    response = client.post("/auth/logout", data={"csrf_token": "gammal"})
    assert response.status_code == 400
    assert_reads_right(response)
    assert "Formuläret hade gått ut" in response.text
    client.get("/")
    assert csrf_token(client.get("/"))

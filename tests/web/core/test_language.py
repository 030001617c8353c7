"""The Swedish reads right: no English framework messages, no wrong plural forms, no
punctuation run together, numbers as Swedes write them (kb.swedish, kb.parsing)."""

import re

import pytest

from kb.core.parsing import whole_number
from kb.core.swedish import decimal, plural, thousands
from tests.support.pages import csrf_token, full_form, main_content, post_form

# Strings that must never reach a page: framework English, and known slips.
MISTAKES = [
    re.compile(r"CSRF|token is missing|Not a valid|This field is required|Invalid (value|input)"
               r"|Field must|is required\b"),
    # Werkzeug's and Flask's own error texts.
    re.compile(r"Not Found|Bad Request|Method Not Allowed|Request Entity Too Large|Too Many "
               r"Requests|Internal Server Error|Forbidden|Unauthorized|requested URL|"
               r"The browser \(or proxy\)|not allowed for the requested|Please log in"),
    re.compile(r"\b1 (erfarenheter|nya|olästa|anmälda|föreslagna|medlemmar|organisationer"
               r"|månader|svar väntar)\b"),
    re.compile(r"\?:"),
    re.compile(r"ny sak|nya saker"),
    re.compile(r"Inte ett giltigt heltal"),
    # Numbers of four digits or more written together (2566, 3200), years aside.
    re.compile(r"(?<![\d/.,:-])(?!(?:19|20)\d\d\b)\d{4,}(?![\d/.,:-])"),
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


@pytest.fixture
def busy_world(factory, app):
    """A catalogue with enough experiences for figures, numbers in the thousands, and
    a member, a moderator and an admin."""
    heroma = factory.system(slug="heroma", name="Heroma")
    primula = factory.system(slug="primula", name="Primula")
    member = factory.user(email="anna@kommun.se")
    factory.user(email="admin@kommun.se", site_role="admin")
    switched = []
    for n in range(6):
        author = factory.user(email=f"kollega{n}@kommun.se")
        switched.append(factory.experience(
            author, heroma, employees_paid=2566 + n, satisfaction=1 + n % 5,
            switched_from_id=primula, switch_reason="Bättre AGI.", go_live_months=1 + n,
            helpful_count=n))
        factory.experience(author, primula, employees_paid=3200, satisfaction=4)
    first = factory.experience(member, heroma, employees_paid=12400)
    return heroma, switched[0], first


PAGES = {
    None: ["/", "/systems", "/systems/heroma", "/systems/heroma?sector=kommun",
           "/compare?s=heroma&s=primula", "/compare", "/search?q=lönekörningen",
           "/search?q=qwzxyv", "/search?system=heroma&system=primula&sector=kommun",
           "/auth/login", "/auth/register", "/auth/forgot", "/integritet", "/villkor",
           "/networks", "/experiences/{first}"],
    "anna@kommun.se": ["/experiences/new", "/experiences/{first}/edit", "/account",
                       "/notifications", "/compare/report?s=heroma&s=primula",
                       "/experiences/{first}"],
    "admin@kommun.se": ["/admin/", "/admin/queue", "/admin/flags", "/admin/systems",
                        "/admin/users", "/admin/audit", "/admin/invites"],
}


def test_every_page_type_reads_right(client, auth, busy_world):
    _heroma, _primula, first = busy_world
    for who, paths in PAGES.items():
        if who:
            auth.login(who)
        for path in paths:
            response = client.get(path.format(first=first))
            assert response.status_code == 200, path
            try:
                assert_reads_right(response)
            except AssertionError as error:
                raise AssertionError(f"{path}: {error}") from None
        if who:
            auth.logout()


def test_the_numbers_are_written_the_swedish_way(client, busy_world):
    _heroma, switched, first = busy_world
    page = main_content(client.get(f"/experiences/{first}"))
    assert "<dd>12\u00a0400</dd>" in page
    page = visible_text(main_content(client.get(f"/experiences/{switched}")))
    assert "2 566" in page and "1 månad till första skarpa lönekörning" in page


def test_framework_errors_are_in_swedish(client, auth, app, busy_world):
    _heroma, _primula, first = busy_world
    answers = {
        404: client.get("/finns-inte"),
        405: client.get("/auth/logout"),
        400: client.post("/auth/login", data={"email": "a@b.se", "password": "x"}),
        413: client.post("/auth/login", data={"email": "x" * (600 * 1024)}),
    }
    auth.login("anna@kommun.se")
    answers[403] = client.get("/admin/")
    for status, response in answers.items():
        assert response.status_code == status, status
        assert_reads_right(response)
        assert "<h1>" in main_content(response)


def test_the_error_summary_follows_the_order_of_the_fields(client, auth, busy_world):
    page = client.get("/auth/register")
    response = client.post("/auth/register", data={
        "csrf_token": csrf_token(page), "password": "kort", "password_again": "annat",
        "sector": "", "email": "inte-en-adress"})
    assert response.status_code in (200, 422)
    summary = re.search(r'<div class="error-summary".*?</ul>', response.text, re.S).group(0)
    links = re.findall(r'<a href="#([a-z_]+)', summary)
    shown = re.findall(r'<(?:input|select)[^>]*\bid="([a-z_]+)"', main_content(response))
    assert links and links == [name for name in shown if name in links]
    auth.login("anna@kommun.se")
    response = post_form(client, "/experiences/new", {"title": "x"})
    summary = re.search(r'<div class="error-summary".*?</ul>', response.text, re.S).group(0)
    links = [link.removesuffix("-0") for link in re.findall(r'<a href="#([a-z_]+(?:-0)?)',
                                                            summary)]
    from kb.experiences.forms import ExperienceForm

    assert links == [name for name in ExperienceForm.FIELD_ORDER if name in links]
    assert links.index("title") > links.index("satisfaction")

"""Hostile and random input: never a server error, always a Swedish message, input kept;
and no user text ever runs in a browser."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.core import vocab
from tests.support.budget import examples
from tests.support.pages import csrf_token, full_form, main_content, post_form

FIXTURES = settings(max_examples=examples(25), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from(["", " ", "\x00", "0", "-1", "99999999999999999999", "1e9", "NaN",
                     "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
                     "ÅÄÖ åäö", "x" * 6000, "\u202e", "None", "[]", "{}"]),
)

XSS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
]

EXPERIENCE_FIELDS = list(full_form(1, 2, 3))


def _has_swedish_error(page: str) -> bool:
    return 'class="field-error"' in page or 'class="error-summary"' in page


@FIXTURES
@given(values=st.dictionaries(st.sampled_from(EXPERIENCE_FIELDS), text, min_size=1, max_size=8))
def test_experience_form_survives_anything(client, factory, auth, values):
    systems = [factory.system() for _ in range(3)]
    email = f"m{len(systems)}-{systems[0]}@kb.se"
    factory.user(email=email)
    auth.login(email)
    data = {**full_form(*systems), **values}
    response = post_form(client, "/experiences/new", data)
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert _has_swedish_error(response.text)
        for field in ("title", "pros", "cons"):
            typed = data[field].replace("\x00", "").strip()
            if typed and len(typed) < 200 and "\r" not in typed:
                escaped = (typed.replace("&", "&amp;").replace("<", "&lt;")
                           .replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;"))
                assert escaped in response.text or typed in response.text
    auth.logout()


@FIXTURES
@given(values=st.dictionaries(
    st.sampled_from(["display_name", "email", "password", "password_again", "professional_role",
                     "organisation_name", "sector", "size_band", "invite_code"]),
    text, min_size=1, max_size=9))
def test_registration_survives_anything(client, values):
    page = client.get("/auth/register")
    response = client.post("/auth/register", data={**values, "csrf_token": csrf_token(page)})
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert _has_swedish_error(response.text)
    else:
        client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/"))})


@FIXTURES
@given(email=text, password=text)
def test_login_survives_anything(client, email, password):
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"email": email, "password": password,
                                                "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert _has_swedish_error(response.text)


@pytest.fixture
def heroma(factory):
    return factory.system(slug="heroma", name="Heroma")


@FIXTURES
@given(values=st.dictionaries(
    st.sampled_from(["q", "page", "system", "sector", "size", "role", "status", "min_rating",
                     "since", "sort", "action", "actor", "object_type", "s"]),
    text, max_size=6),
    path=st.sampled_from(["/", "/systems", "/systems/heroma", "/search", "/experiences/new",
                          "/auth/login", "/auth/register", "/admin/audit", "/account",
                          "/compare", "/compare.csv", "/api/v1/experiences", "/api/v1/systems",
                          "/api/v1/compare", "/notifications"]))
def test_query_parameters_never_break_a_page(client, heroma, values, path):
    response = client.get(path, query_string=values)
    assert response.status_code in (200, 302, 400, 404), (path, values, response.status_code)


def test_xss_payloads_in_every_text_field_are_shown_as_text(client, app, factory, auth):
    systems = [factory.system(slug=f"s{n}", name=f"System {n}") for n in range(3)]
    factory.user(email="author@kb.se", display_name=XSS[1])
    factory.experience(factory.user(email="old@kb.se"), systems[0])  # not a first experience
    auth.login("author@kb.se")
    data = full_form(*systems)
    data.pop("anonymous")
    texts = ["title", "pros", "cons", "tips", "body", "switch_reason"]
    for n, field in enumerate(texts):
        data[field] = f"{XSS[n % len(XSS)]} text {n}"
    data["title"] = "<script>alert('xss')</script>"
    response = post_form(client, "/experiences/new", data)
    assert response.status_code == 302
    pages = [client.get(response.headers["Location"]), client.get("/systems/s0"),
             client.get("/"), client.get("/account"), client.get("/search?q=text")]
    for page in pages:
        body = main_content(page)
        for payload in XSS:
            if "<" in payload:  # markup must arrive escaped
                assert payload not in body, (page.request.path, payload)
        assert not re.search(r"<(script|img|svg)[^>]*(onerror|onload|alert)", body)
        assert not re.search(r"(href|src)=[\"']?javascript:", body)
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in main_content(pages[0])


def test_every_capability_and_rating_value_outside_the_scale_is_refused(client, factory, auth):
    systems = [factory.system() for _ in range(3)]
    factory.user(email="author@kb.se")
    auth.login("author@kb.se")
    data = full_form(*systems)
    data["satisfaction"] = "6"
    data["recommend"] = "11"
    for key in vocab.CAPABILITIES:
        data[f"cap_{key}"] = "excellent"
    response = post_form(client, "/experiences/new", data)
    assert response.status_code == 422
    assert response.text.count('class="field-error"') >= 2 + len(vocab.CAPABILITIES)


# Every other form a member or an admin sends: (who, url, fields).
FORMS = [
    ("member", "/experiences/propose-system", ["name", "vendor", "website"]),
    ("member", "/experiences/{experience}/flag", ["reason"]),
    ("member", "/experiences/{experience}/comments", ["body", "parent_id"]),
    ("member", "/account/profile", ["profile-display_name", "profile-professional_role",
                                    "profile-organisation_name", "profile-sector",
                                    "profile-size_band"]),
    ("member", "/account/email", ["email-email", "email-current_password"]),
    ("member", "/account/password", ["password-current_password", "password-password",
                                     "password-password_again"]),
    ("admin", "/admin/invites", ["valid_days", "note"]),
    ("admin", "/admin/users/{member}/role", ["site_role", "reason"]),
    ("admin", "/admin/experiences/{experience}/hide", ["reason", "back"]),
]


@pytest.fixture
def world(factory):
    author = factory.user(email="author@kb.se")
    member = factory.user(email="member@kb.se")
    factory.user(email="admin@kb.se", site_role="admin")
    experience = factory.experience(author, factory.system(slug="heroma", name="Heroma"))
    return {"experience": experience, "member": member}


@pytest.mark.parametrize(("who", "url", "fields"), FORMS, ids=[url for _, url, _ in FORMS])
@FIXTURES
@given(data=st.data())
def test_every_form_survives_anything(client, auth, world, who, url, fields, data):
    values = data.draw(st.dictionaries(st.sampled_from(fields), text, max_size=len(fields)))
    auth.login(f"{who}@kb.se")
    token = csrf_token(client.get("/auth/login"))
    response = client.post(url.format(**world), data={**values, "csrf_token": token})
    allowed = {200, 302, 400, 422}
    if values.get("parent_id", "").strip():
        allowed.add(404)  # an answer to a question that does not exist
    assert response.status_code in allowed, (url, values, response.status_code)
    if response.status_code == 422:
        assert _has_swedish_error(response.text)
    auth.logout()


def test_numbers_too_large_for_the_database_name_nothing(client, factory, auth):
    author = factory.user(email="author@kb.se")
    factory.experience(author, factory.system(slug="heroma", name="Heroma"))
    huge = "99999999999999999999"
    for url in (f"/experiences/{huge}", f"/experiences/{2**31}", f"/systems/heroma?page={huge}",
                f"/search?page={huge}", f"/api/v1/experiences/{huge}"):
        assert client.get(url).status_code in (200, 400, 404), url
    auth.login("author@kb.se")
    token = csrf_token(client.get("/auth/login"))
    response = client.post("/experiences/1/comments",
                           data={"csrf_token": token, "body": "Svar", "parent_id": str(2**31)})
    assert response.status_code == 400
    assert client.get(f"/notifications?page={huge}").status_code == 200

"""Headers, cookies, throttling and the session at login."""

from tests.support.apps import PASSWORD
from tests.support.pages import csrf_token


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_behind_https(client):
    response = client.get("/", base_url="https://kb.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_inline_script_or_style_on_pages(client, factory, auth):
    system = factory.system(slug="heroma", name="Heroma")
    author = factory.user(email="author@kb.se")
    experience = factory.experience(author, system)
    auth.login("author@kb.se")
    for url in ("/", "/systems", "/systems/heroma", f"/experiences/{experience}",
                "/experiences/new", f"/experiences/{experience}/edit"):
        text = client.get(url).text
        assert "<script>" not in text and "<script " not in text.replace('<script src="', ""), url
        assert "style=" not in text, url
        assert "<style" not in text, url


def test_session_cookie_is_httponly_lax_and_secure_by_default(app_with):
    app = app_with(SESSION_COOKIE_SECURE=True)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    client = app.test_client()
    response = client.get("/auth/login", base_url="https://kb.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_session_is_renewed_at_login(client, factory, auth):
    factory.user(email="lena@region.se")
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "from before the login"
    auth.login("lena@region.se")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_login_is_throttled_per_account_with_a_swedish_page(app_with, factory):
    app = app_with(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="3 per minute",
                   LOGIN_LIMIT_PER_ADDRESS="100 per minute")
    client = app.test_client()
    factory.user(email="lena@region.se")
    token = csrf_token(client.get("/auth/login"))
    statuses = [
        client.post("/auth/login", data={"email": "lena@region.se", "password": "fel",
                                         "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    blocked = client.post("/auth/login", data={"email": "LENA@region.se", "password": PASSWORD,
                                               "csrf_token": token})
    assert blocked.status_code == 429
    assert "För många försök" in blocked.text
    # Another account from the same address is not locked out by this one.
    other = client.post("/auth/login", data={"email": "annan@region.se", "password": "fel",
                                             "csrf_token": token})
    assert other.status_code == 422


def test_login_is_throttled_per_address(app_with):
    app = app_with(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="100 per minute",
                   LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    statuses = [
        client.post("/auth/login", data={"email": f"user{n}@kb.se", "password": "fel",
                                         "csrf_token": token}).status_code
        for n in range(4)
    ]
    assert statuses == [422, 422, 422, 429]


def test_behind_a_trusted_proxy_the_forwarded_scheme_counts(app_with):
    app = app_with(TRUSTED_PROXIES=1)
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https",
                                                   "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" in response.headers
    untrusted = app_with().test_client().get(
        "/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in untrusted.headers

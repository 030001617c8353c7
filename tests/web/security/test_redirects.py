"""Every redirect to a target from user input goes through one check
(kb.views.common.safe_target): a path on this site is followed, anything that a
browser could take to another site is refused and the default is used."""

from __future__ import annotations

import ast
import pathlib

import pytest

from kb.web.common import safe_target
from tests.support.apps import PASSWORD
from tests.support.pages import csrf_token

# What browsers turn into another site: tabs and newlines are dropped ("/\t/evil"
# becomes "//evil"), backslashes read as slashes, protocol-relative and absolute URLs.
HOSTILE = [
    "/\t/evil.example/phish",
    "/\n/evil.example/phish",
    "/\r\n/evil.example",
    "\t//evil.example",
    "//evil.example/phish",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "evil.example/phish",
    "/\x00/evil.example",
    "/\x7f/evil.example",
]
SAFE = "/systems?sort=namn#lista"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_check_refuses_what_could_leave_the_site(target):
    assert safe_target(target) is None


def test_the_check_keeps_paths_on_this_site():
    for target in ("/", "/systems", SAFE, "/search?q=l%C3%B6n", "/%09/inte-en-flik"):
        assert safe_target(target) == target


@pytest.fixture
def world(app, factory):
    author = factory.user(email="skribent@kommun.se")
    factory.user(email="moderator@kommun.se", site_role="moderator")
    system = factory.system(slug="heroma", name="Heroma")
    experience = factory.experience(author, system, moderation_state="pending")
    return {"experience": experience}


def _login(client, email):
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": csrf_token(page)})
    assert response.status_code == 302


def _token(client) -> str:
    return csrf_token(client.get("/systems/heroma"))


def _login_with(client, target):
    page = client.get("/auth/login")
    return client.post("/auth/login", query_string={"next": target}, data={
        "email": "skribent@kommun.se", "password": PASSWORD, "csrf_token": csrf_token(page)})


def _register_with(client, target):
    """Register with a `next`, then log in on the page registering leads to: the
    `next` must survive both steps only when it is a path on this site."""
    page = client.get("/auth/register")
    email = f"ny{abs(hash(target))}@kommun.se"
    registered = client.post("/auth/register", query_string={"next": target}, data={
        "display_name": "Ny Medlem", "email": email, "accept_terms": "y",
        "password": PASSWORD, "password_again": PASSWORD, "professional_role": "lonechef",
        "organisation_name": "Exempelby kommun", "sector": "kommun", "size_band": "50-249",
        "csrf_token": csrf_token(page)})
    assert registered.status_code == 302, registered.text[:2000]
    login = registered.headers["Location"]
    assert login.startswith("/auth/login")
    return client.post(login, data={"email": email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client.get(login))})


def _follow_with(client, target):
    _login(client, "skribent@kommun.se")
    return client.post("/systems/heroma/follow", data={
        "follow": "1", "next": target, "csrf_token": _token(client)})


def _confirm_with(client, target, experience):
    _login(client, "skribent@kommun.se")
    return client.post(f"/experiences/{experience}/confirm", data={
        "next": target, "csrf_token": _token(client)})


def _later_with(client, target):
    _login(client, "skribent@kommun.se")
    return client.post("/experiences/confirmations/later",
                       data={"next": target, "csrf_token": _token(client)})


def _decide_with(client, target, experience):
    _login(client, "moderator@kommun.se")
    token = csrf_token(client.get("/admin/"))
    return client.post(f"/admin/experiences/{experience}/publish", data={
        "back": target, "reason": "", "csrf_token": token})


ROUTES = {
    "login next": (lambda client, target, world: _login_with(client, target), "/"),
    "register next": (lambda client, target, world: _register_with(client, target), "/"),
    "follow next": (lambda client, target, world: _follow_with(client, target),
                    "/systems/heroma"),
    "confirm next": (lambda client, target, world: _confirm_with(
        client, target, world["experience"]), "/experiences/{experience}"),
    "freshness later next": (lambda client, target, world: _later_with(client, target), "/"),
    "admin decision back": (lambda client, target, world: _decide_with(
        client, target, world["experience"]), "/admin/"),
}


@pytest.mark.parametrize("route", list(ROUTES))
def test_each_redirect_from_user_input_refuses_other_sites(app, world, route):
    send, default = ROUTES[route]
    default = default.format(**world)
    for target in HOSTILE:
        client = app.test_client()
        response = send(client, target, world)
        assert response.status_code == 302, (route, target)
        assert response.headers["Location"] == default, (route, target)
    client = app.test_client()
    assert send(client, SAFE, world).headers["Location"] == SAFE, route


def test_no_view_redirects_to_user_input_unchecked():
    """In every feature's views (kb/<feature>/views.py, kb/<feature>/views/*.py) and in
    kb/web, every value read from the request inside redirect(...) is read inside
    safe_target(...) (or by a helper that returns safe_target(...))."""
    kb = pathlib.Path(__file__).resolve().parents[3] / "kb"
    modules = sorted({*kb.glob("*/views.py"), *kb.glob("*/views/*.py"), *kb.glob("web/*.py")})
    assert len(modules) > 10, modules  # the views are where this test looks
    unchecked = []
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        checked_helpers = {
            node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and any(isinstance(n, ast.Return) and isinstance(n.value, ast.Call)
                    and getattr(n.value.func, "id", None) == "safe_target"
                    for n in ast.walk(node))
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "redirect":
                unchecked += [f"{path.relative_to(kb)}:{node.lineno}"
                              for arg in node.args if _reads_request_unchecked(arg,
                                                                              checked_helpers)]
    assert unchecked == []


def _reads_request_unchecked(node, checked_helpers) -> bool:
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {
            "safe_target", "url_for", *checked_helpers}:
        return False
    if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "request":
        return True
    return any(_reads_request_unchecked(child, checked_helpers)
               for child in ast.iter_child_nodes(node))

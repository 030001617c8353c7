"""/healthz tells anyone only whether this server is fit to answer and, if not, the
reasons' short codes: nothing that tells how many experiences there are (restricted
ones included), how far the index lags or which generation it serves. A logged-in
moderator or admin gets the full report, and so does `kb index-status`."""

import json
import shutil

import pytest

from kb.operations import health
from tests.support.health import operator_health


@pytest.fixture
def restricted(factory):
    """Seven experiences, some for members or one network only."""
    author = factory.member("anna@malmo.se", "Anna Andersson", "Malmö stad")
    system = factory.system(slug="heroma", name="Heroma")
    network = factory.network(slug="skane", members={author: "leader"})
    for n in range(4):
        factory.experience(author, system, title=f"Öppen erfarenhet {n}")
    for n in range(2):
        factory.experience(author, system, title=f"Medlemmarnas {n}", visibility="members")
    factory.network_experience(author, system, networks=[network])
    return 7


def _healthy(client) -> None:
    """A new server builds its index at its first check (503 meanwhile)."""
    if client.get("/healthz").status_code != 200:
        assert client.get("/healthz").status_code == 200


def test_a_visitor_gets_the_status_and_the_reasons_codes_only(app, client, restricted):
    _healthy(client)
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "reasons": []}
    assert answer.headers["Cache-Control"] == "no-store"
    assert str(restricted) not in answer.text
    shutil.rmtree(app.config["INDEX_DIR"])
    broken = client.get("/healthz")
    assert broken.status_code == 503
    assert broken.get_json() == {"status": "unavailable",
                                 "reasons": ["index_missing", "index_wrong"]}


def test_a_member_who_is_no_moderator_gets_no_more(client, auth, restricted):
    _healthy(client)
    auth.login("anna@malmo.se")
    assert client.get("/healthz").get_json() == {"status": "ok", "reasons": []}


def test_a_moderator_gets_the_full_report(client, restricted):
    _healthy(client)
    status, body = operator_health(client)
    assert status == 200 and body["status"] == "ok" and body["problems"] == []
    assert body["index"]["experiences"] == body["index"]["documents"] == restricted
    assert body["change_log"]["lag_seconds"] >= 0 and body["index"]["generation"]


def test_an_admin_too(client, auth, factory, restricted):
    factory.user(email="admin@kb.se", site_role="admin")
    _healthy(client)
    auth.login("admin@kb.se")
    body = client.get("/healthz").get_json()
    assert body["index"]["experiences"] == restricted


def test_kb_index_status_prints_the_counts(app, client, runner, restricted):
    _healthy(client)
    result = runner.invoke(args=["index-status"])
    assert result.exit_code == 0, result.output
    assert f"Experiences in the database: {restricted}" in result.output


def test_every_problem_has_a_public_code(app):
    with app.test_request_context():
        body = health.report()
    public = health.public(body)
    assert set(public) == {"status", "reasons"}
    assert set(public["reasons"]) <= set(health.REASONS)
    assert json.dumps(public).isascii()

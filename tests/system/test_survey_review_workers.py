"""From outside, over HTTP against gunicorn with two workers: an import by a fresh
member changes no public figure and no search result until a moderator approves it,
and a survey row never replaces a member's own answer. Every public view is asked
several times, so that both workers answer it."""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest

from tests.support.apps import PASSWORD, make_app
from tests.support.http import HttpClient
from tests.support.servers import (
    gunicorn_environment,
    start_gunicorn,
    stop_gunicorn,
    wait_for,
    wait_until_serving,
)
from tests.support.sheets import csv_bytes, multipart

WORKERS = 2
ASKED = 6  # times each public view is asked: both workers answer
HEADERS = ["Organisation", "Sektor", "Storlek", "Lönesystem", "Nöjdhet", "Rekommendation"]
ROWS = [["Kungälvs kommun", "Kommun", "1000-4999", "Heroma", "1", "0"]] + [
    [f"Testby{n} kommun", "Kommun", "1000-4999", "Heroma", "1", "0"] for n in range(40)]


def _prepare(database_url: str, instance) -> None:
    """Heroma with ten public answers of 4 and Kungälvs kommun's member's 5; a
    moderator; a fresh leader (confirmed just now)."""
    from kb import indexing
    from kb.database import upgrade_schema
    from kb.extensions import db
    from kb.models import Experience, Organisation, PayrollSystem, User, utcnow

    app = make_app(database_url, instance)
    with app.app_context():
        upgrade_schema()
        heroma = PayrollSystem(slug="heroma", name="Heroma", vendor="CGI")
        kungalv = Organisation(name="Kungälvs kommun", sector="kommun", size_band="1000-4999")
        db.session.add_all([heroma, kungalv])
        db.session.flush()

        def member(email, **fields):
            user = User(email=email, display_name=fields.pop("name", email.split("@")[0]),
                        professional_role="lonechef", email_confirmed_at=utcnow(), **fields)
            user.set_password(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
            db.session.add(user)
            db.session.flush()
            return user

        def answer(author, satisfaction, recommend, **fields):
            db.session.add(Experience(
                author_id=author.id, system_id=heroma.id, sector="kommun",
                size_band="1000-4999", reviewer_role="lonechef", usage_status="current",
                satisfaction=satisfaction, recommend=recommend, visibility="public",
                title=fields.pop("title", "Stabil lönekörning"), **fields))

        for n in range(10):
            answer(member(f"skribent{n}@kommun.se"), 4, 9)
        # Anna's link to Kungälvs kommun is verified: the sheet's row is the same one.
        answer(member("anna@kungalv.se", organisation_id=kungalv.id,
                      organisation_verified_at=utcnow(), organisation_verified_by="moderator"),
               5, 10,
               organisation_id=kungalv.id, title="Kungälv trivs med Heroma")
        member("moa@kb.se", name="Moa Moderator", site_role="moderator")
        member("ny@kb.se", name="Ny Ledare")
        db.session.commit()
        indexing.rebuild()
        db.session.remove()
        db.engine.dispose()


def _public(visitor: HttpClient) -> dict:
    """What a visitor sees of Heroma, asked ASKED times; every answer must agree."""
    seen = []
    for _ in range(ASKED):
        status, profile = visitor.json("/api/v1/systems/heroma")
        assert status == 200
        figures = profile["profile"]
        pages = {}
        for name, path in (("page", "/systems/heroma"), ("market", "/systems"),
                           ("search", "/search?q=Heroma"), ("testby", "/search?q=Testby7")):
            status, page, _headers = visitor.request(path)
            assert status == 200, path
            main = page.split("<main", 1)[1].split("</main>", 1)[0]
            pages[name] = re.sub(r"<[^>]+>", "", main)
        seen.append({"organisations": figures["organisations"],
                     "average": figures["satisfaction"]["average"],
                     "nps": figures["nps"]["score"], **pages})
    assert all(view == seen[0] for view in seen), "the workers disagree"
    return seen[0]


def _upload(leader: HttpClient, slug: str, content: bytes) -> str:
    page = f"/networks/{slug}/import"
    body = multipart({"csrf_token": leader.csrf(page)}, "enkat.csv", content)
    status, _page, headers = leader.request(
        page, body.decode("utf-8"),  # the client sends text as UTF-8: the same bytes
        headers={"Content-Type": "multipart/form-data; boundary=kbgrans"})
    assert status == 302, status
    return urllib.parse.urlparse(headers["Location"]).path


def test_an_import_moves_nothing_public_until_a_moderator_approves_it(empty_database_url,
                                                                       tmp_path):
    database_url = empty_database_url
    _prepare(database_url, tmp_path)
    env = gunicorn_environment(database_url, tmp_path)
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115  (closed below)
    process, base = start_gunicorn(env, log, WORKERS, timeout=60)
    try:
        wait_until_serving(base, process, time.monotonic() + 60)
        visitor = HttpClient(base)
        before = _public(visitor)
        assert before["organisations"] == 11 and "Testby7 kommun" not in before["testby"]

        leader = HttpClient(base)
        assert leader.login("ny@kb.se") == 302
        status, _page, headers = leader.post_form("/networks/new", {
            "name": "Lönechefer i väst", "kind": "lonechef", "region": "Väst",
            "access": "invite", "description": "Vi träffas."})
        assert status == 302, status
        slug = headers["Location"].rsplit("/", 1)[1]
        review = _upload(leader, slug, csv_bytes(rows=ROWS, headers=HEADERS, encoding="utf-8"))
        status, page, _headers = leader.request(review)
        token = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page)
        status, _page, _headers = leader.post_form(f"{review}/confirm", {
            "visibility": "public", "token": token.group(1)}, form_page=review)
        assert status == 302, status
        # The network's leader reads the answers at once ...
        assert wait_for(lambda: "Testby7 kommun" in leader.search("Testby7")[1], 20)
        # ... and nothing public moved, whichever worker answers.
        time.sleep(1.5)  # both workers' search catch-up intervals have passed
        assert _public(visitor) == before

        moderator = HttpClient(base)
        assert moderator.login("moa@kb.se") == 302
        status, queue, _headers = moderator.request("/admin/queue")
        links = re.findall(r'href="(/admin/imports/\d+)"', queue)
        assert len(links) == 1, "the import is one item of the queue"
        status, preview, _headers = moderator.request(links[0])
        assert "Testby39 kommun" in preview
        status, _page, _headers = moderator.post_form(f"{links[0]}/approve", {"reason": ""},
                                                      form_page=links[0])
        assert status == 302, status

        def approved():
            view = _public(visitor)
            return view if "Testby7 kommun" in view["testby"] else None

        after = wait_for(approved, 20)
        assert after, "the approved answers are public and findable on both workers"
        # Forty organisations more; Kungälv counts once, with its member's 5.
        assert after["organisations"] == 51
        assert after["average"] == pytest.approx((40 + 40 + 5) / 51, abs=0.01)
        assert after["page"] != before["page"] and after["market"] != before["market"]
    finally:
        stop_gunicorn(process)
        log.close()

"""Real-browser fixtures: kb served on loopback, Debian's Chromium driven by Playwright.

The app runs in a thread (werkzeug's server) on 127.0.0.1 and a free port, on a
fresh SQLite database and index seeded once per session. Without Chromium the
browser tests skip locally; with CI set they fail, so CI cannot pass without them.
A failing test leaves a full-page screenshot in test-artifacts/.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.apps import PASSWORD, make_app

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}
MEMBER = "anna@kommun.example.se"
COLLEAGUE = "bengt@region.example.se"
ADMIN = "admin@kommun.example.se"
# Enough for the member's segment (kommun, 1 000-4 999) to have figures and a chart.
DEMO_EXPERIENCES = 600
NETWORK = "lonechefsnatverket-skane"  # a demo network MEMBER is in


def pytest_collection_modifyitems(config, items):
    # The served app runs on SQLite of its own, so the PostgreSQL pass has nothing to add:
    # there the browser tests are deselected (they run, and must pass, in the SQLite pass).
    if os.environ.get("KB_TEST_DATABASE_URL"):
        browser = [item for item in items if item.nodeid.startswith("tests/browser/")]
        if browser:
            config.hook.pytest_deselected(items=browser)
            items[:] = [item for item in items if item not in browser]


@dataclass
class LiveServer:
    url: str
    app: object
    slugs: list[str]
    experience_ids: list[int]  # published, public demo experiences
    meeting_id: int = 0  # the demo network's coming meeting
    survey_import_id: int = 0  # a survey sheet uploaded to the demo network, not confirmed
    requirement_id: int = 0  # a demo requirement list open to everyone
    message_id: int = 0  # a procurement message to COLLEAGUE, not answered
    invitation: str = ""  # the token of a pending invitation by e-mail to the demo network

    @property
    def experience_id(self) -> int:
        return self.experience_ids[0]

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """kb on 127.0.0.1:<free port>, a fresh SQLite database and index, demo data."""
    from sqlalchemy import select

    from kb import indexing
    from kb.database import upgrade_schema
    from kb.extensions import db
    from kb.models import Experience, Organisation, PayrollSystem, User, utcnow
    from kb.tools import demo

    base = tmp_path_factory.mktemp("live")
    app = make_app(f"sqlite:///{base / 'kb.sqlite3'}", base)
    with app.app_context():
        upgrade_schema()
        demo.seed(DEMO_EXPERIENCES, seed=7)
        demo.seed_networks()
        # The member works in a kommun with 1 000-4 999 employees: her figures start there.
        for email, name, role, organisation in (
                (MEMBER, "Anna Andersson", "member", "Exempelkommunen Ystad"),
                (COLLEAGUE, "Bengt Berg", "member", "Exempelregionen"),
                (ADMIN, "Ada Admin", "admin", None)):
            user = User(email=email, display_name=name, site_role=role,
                        professional_role="lonechef", email_confirmed_at=utcnow())
            if organisation:
                user.organisation = Organisation(name=organisation, sector="kommun",
                                                 size_band="1000-4999")
            user.set_password(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
            db.session.add(user)
        db.session.commit()
        _add_community(db.session, MEMBER, ADMIN)
        meeting_id = _join_demo_network(db.session, MEMBER)
        survey_import_id = _upload_survey(app, db.session, ADMIN)
        requirement_id, message_id = _open_for_procurement(db.session, COLLEAGUE)
        invitation = _invite(db.session, ADMIN)
        indexing.rebuild()
        slugs = list(db.session.scalars(select(PayrollSystem.slug).order_by(PayrollSystem.id)))
        experience_ids = list(db.session.scalars(
            select(Experience.id).where(Experience.visibility == "public",
                                        Experience.moderation_state == "published")
            .order_by(Experience.id).limit(8)))
        db.session.remove()

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, _read_whole(app), threaded=True)
    # Links kb writes out in full (invite links, calendars, mail) start with BASE_URL:
    # here, this server's own address.
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="kb-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, slugs, experience_ids,
                         meeting_id, survey_import_id, requirement_id, message_id, invitation)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _read_whole(app):
    """The app with every answer read whole, and closed, before werkzeug's server sends
    it: that server skips closing an answer when the browser has hung up already (a
    context closed while the favicon was on its way), which leaves a static file open
    and fails a later test on the ResourceWarning."""
    def wsgi(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()
    return wsgi


def _add_community(session, member_email: str, admin_email: str) -> None:
    """A question with an answer, a report and an experience waiting for moderation,
    so the community and moderation pages have something to show."""
    from sqlalchemy import select

    from kb.models import Comment, Experience, Flag, User

    member = session.scalar(select(User).where(User.email == member_email))
    admin = session.scalar(select(User).where(User.email == admin_email))
    first, last = session.scalars(select(Experience).order_by(Experience.id).limit(10)).all()[::9]
    question = Comment(experience_id=first.id, author_id=member.id,
                       body="Hur lång tid tog semesterårsskiftet för er?")
    session.add(question)
    session.flush()
    session.add(Comment(experience_id=first.id, author_id=admin.id, parent_id=question.id,
                        body="Ungefär två dagar, med avstämningen."))
    session.add(Flag(experience_id=last.id, reporter_id=member.id,
                     reason="Texten nämner en kollega vid namn."))
    session.add(Experience(
        author_id=member.id, system_id=first.system_id, sector="kommun", size_band="250-999",
        reviewer_role="loneadministrator", usage_status="current", satisfaction=3,
        title="Väntar på granskning: okej lönesystem för en mellanstor kommun",
        pros="Lönekörningen fungerar.", moderation_state="pending"))
    session.commit()


def _join_demo_network(session, member_email: str) -> int:
    """The member joins the demo network (the meeting page and the network page are seen
    from inside); returns the id of its coming meeting."""
    from sqlalchemy import select

    from kb.models import Meeting, Network, NetworkMembership, User

    member = session.scalar(select(User).where(User.email == member_email))
    network = session.scalar(select(Network).where(Network.slug == NETWORK))
    session.add(NetworkMembership(network_id=network.id, user_id=member.id, status="active"))
    session.commit()
    return session.scalar(select(Meeting.id).where(Meeting.network_id == network.id))


def _upload_survey(app, session, leader_email: str) -> int:
    """The admin leads the demo network too and has uploaded its survey sheet (with an
    unknown system and a broken row), so the import pages have something to show."""
    from sqlalchemy import select

    from kb.models import Network, NetworkMembership, User
    from kb.networks import survey

    leader = session.scalar(select(User).where(User.email == leader_email))
    network = session.scalar(select(Network).where(Network.slug == NETWORK))
    session.add(NetworkMembership(network_id=network.id, user_id=leader.id, role="leader",
                                  status="active"))
    session.commit()
    sheet = ("Organisation;Sektor;Antal anställda;Lönesystem;Nöjdhet (1-5);Kommentar\r\n"
             "Exempelkommunen Ystad;Kommun;1 200;Heroma (CGI);4;Stabil lönekörning\r\n"
             "Exempelregionen;Region;9 000;Lönix 2000;Mycket nöjd;\r\n"
             "Exempelbolaget;Kommunalt bolag;80;Personec;12;\r\n").encode("cp1252")
    return survey.upload(network, leader, "enkat-2026.csv", sheet).id


def _open_for_procurement(session, member_email: str) -> tuple[int, int]:
    """The member says when her contract ends and that her organisation is open to
    procuring together (she sees the demo's open members as partners), and a demo member
    has written to her; returns the id of the demo's public requirement list and of the
    message, so the procurement pages have something to show."""
    from sqlalchemy import select

    from kb.models import (
        Experience,
        PayrollSystem,
        ProcurementMessage,
        ProcurementOpening,
        ProcurementRequirement,
        User,
        utcnow,
    )
    from kb.procurement import partners, this_year

    member = session.scalar(select(User).where(User.email == member_email))
    system = session.scalar(select(PayrollSystem).order_by(PayrollSystem.id))
    year = this_year()
    answer = Experience(
        author_id=member.id, system_id=system.id, organisation_id=member.organisation_id,
        sector="kommun", size_band="1000-4999", reviewer_role="lonechef",
        usage_status="current", satisfaction=4, moderation_state="published",
        title="Stabil lönekörning, avtalet löper ut snart", pros="Lönekörningen fungerar.",
        contract_end_year=year + 1, contract_extension="2 år", procurement_route="adda",
        confirmed_at=utcnow())
    session.add(answer)
    session.commit()
    partners.open_for(member, answer.id, year, year + partners.WINDOW_YEARS_AHEAD,
                      "skane", show_organisation=True)
    other = session.scalar(select(ProcurementOpening).where(
        ProcurementOpening.user_id != member.id).order_by(ProcurementOpening.id))
    message = ProcurementMessage(
        sender_id=other.user_id, recipient_id=member.id, created_at=utcnow(),
        sender_summary="Kommun, 1 000–4 999 anställda, Skåne län, Heroma, avtalet löper ut "
                       f"{year + 2}",
        body="Hej! Vi planerar en samordnad upphandling av lönesystem.\n\n"
             "Vill ni vara med? Vårt avtal löper ut samma år som ert.")
    session.add(message)
    session.commit()
    requirement_id = session.scalar(select(ProcurementRequirement.id).where(
        ProcurementRequirement.visibility == "public").order_by(ProcurementRequirement.id))
    return requirement_id, message.id


def _invite(session, leader_email: str) -> str:
    """The leader has invited two people by e-mail to the demo network (the members page
    lists the invitations); returns the token of one of them (the register page shows it)."""
    from sqlalchemy import select

    from kb.models import Network, NetworkInvite, User
    from kb.networks import invitations

    leader = session.scalar(select(User).where(User.email == leader_email))
    network = session.scalar(select(Network).where(Network.slug == NETWORK))
    invitations.invite_by_email(network, leader, "Cecilia Carlsson <cecilia@kommun.example.se>, "
                                              "david.danielsson@region.example.se")
    return session.scalar(select(NetworkInvite.token).where(
        NetworkInvite.email == "cecilia@kommun.example.se"))


def _require_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    reason = f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set KB_CHROMIUM)"
    if os.environ.get("CI"):
        pytest.fail(reason + " – CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                           headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        manager.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class ConsoleWatch:
    """Console errors and uncaught page errors seen by a page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        # A page answered 404 or 422 on purpose is logged as "Failed to load resource";
        # failed stylesheets, images and scripts are caught by _response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.errors.append(f"{response.status} for {response.url}")


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^\w.-]+", "_", nodeid)[-180:]


def _open_page(request, browser, device: str, **context_options):
    context = browser.new_context(locale="sv-SE", **DEVICES[device], **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = ConsoleWatch(page)
    return context, page, watch


def _close_page(request, context, page, watch, check_console: bool = True) -> None:
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    try:
        if failed or (check_console and watch.errors):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{_artifact_name(request.node.nodeid)}.png"),
                            full_page=True)
    finally:
        context.close()
    if check_console and not failed:
        assert watch.errors == [], "the browser reported errors:\n" + "\n".join(watch.errors)


@pytest.fixture(params=list(DEVICES))
def device(request):
    return request.param


@pytest.fixture
def page(request, browser, live_server, device):
    """A fresh browser context (no cookies) on a desktop or a phone viewport."""
    context, page, watch = _open_page(request, browser, device)
    page.watch = watch
    yield page
    _close_page(request, context, page, watch)


@pytest.fixture
def axe_page(request, browser, live_server):
    """A desktop page whose context ignores the CSP, so axe-core can be injected."""
    context, page, watch = _open_page(request, browser, "desktop", bypass_csp=True)
    yield page
    _close_page(request, context, page, watch, check_console=False)


def login(page, live_server, email: str, password: str = PASSWORD) -> None:
    page.goto(live_server("/auth/login"))
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Logga in").click()
    assert "/auth/login" not in page.url, page.locator("main").inner_text()


def open_menu(page) -> None:
    """Open the main menu where it is folded behind its button (on a phone)."""
    if page.locator(".site-menu > summary").is_visible() \
            and page.locator(".site-menu[open]").count() == 0:
        page.locator(".site-menu > summary").click()


# Every page type, as (name, who, path); the paths are filled in by `page_url`.
PAGE_TYPES = [
    ("home", None, "/"),
    ("systems", None, "/systems"),
    ("systems-member", MEMBER, "/systems"),
    ("system", None, "/systems/{slug}"),
    ("system-filtered", None, "/systems/{slug}?sector=kommun"),
    ("journey", None, "/systems/{slug}/switches"),
    ("switches", None, "/switches"),
    ("switches-narrowed", MEMBER, "/switches?from={slug}&has=go_live"),
    ("experience", MEMBER, "/experiences/{experience}"),
    ("experience-visitor", None, "/experiences/{experience}"),
    ("experience-form", MEMBER, "/experiences/new"),
    ("experience-form-errors", MEMBER, "POST /experiences/new"),
    ("propose-system", MEMBER, "/experiences/propose-system"),
    ("search", None, "/search?q=lönekörningen"),
    ("search-filtered", MEMBER, "/search?q=semester&sector=kommun&sort=newest"),
    ("search-empty", None, "/search?q=qwzxyv"),
    ("compare", None, "/compare?s={slug}&s={slug2}&s={slug3}"),
    ("compare-choose", None, "/compare"),
    ("compare-one", MEMBER, "/compare?s={slug}"),
    ("compare-report", MEMBER, "/compare/report?s={slug}&s={slug2}"),
    ("compare-report-visitor", None, "/compare/report?s={slug}&s={slug2}&s={slug3}"),
    ("login", None, "/auth/login"),
    ("register", None, "/auth/register"),
    ("register-invitation", None, "/auth/register?invitation={invitation}"),
    ("forgot-password", None, "/auth/forgot"),
    ("invalid-link", None, "/auth/reset/ogiltig-lank"),
    ("privacy", None, "/integritet"),
    ("terms", None, "/villkor"),
    ("account", MEMBER, "/account"),
    ("notifications", MEMBER, "/notifications"),
    ("admin", ADMIN, "/admin/"),
    ("admin-queue", ADMIN, "/admin/queue"),
    ("admin-flags", ADMIN, "/admin/flags"),
    ("admin-systems", ADMIN, "/admin/systems"),
    ("admin-users", ADMIN, "/admin/users"),
    ("admin-audit", ADMIN, "/admin/audit"),
    ("admin-invites", ADMIN, "/admin/invites"),
    ("networks", None, "/networks"),
    ("network", MEMBER, f"/networks/{NETWORK}"),
    ("network-visitor", None, f"/networks/{NETWORK}"),
    ("network-members", MEMBER, f"/networks/{NETWORK}/members"),
    ("network-members-leader", ADMIN, f"/networks/{NETWORK}/members"),
    ("network-questions", MEMBER, f"/networks/{NETWORK}/questions?q=semesterberäkning"),
    ("meeting", MEMBER, f"/networks/{NETWORK}/meetings/{{meeting}}"),
    ("network-form", MEMBER, "/networks/new"),
    ("survey-upload", ADMIN, f"/networks/{NETWORK}/import"),
    ("survey-review", ADMIN, f"/networks/{NETWORK}/import/{{survey_import}}"),
    ("procurement", None, "/upphandling"),
    ("procurement-member", MEMBER, "/upphandling?sector=kommun"),
    ("partners", COLLEAGUE, "/upphandling/partner"),
    ("partners-closed", MEMBER, "/upphandling/partner"),
    ("procurement-messages", COLLEAGUE, "/upphandling/meddelanden"),
    ("procurement-message", COLLEAGUE, "/upphandling/meddelanden/{message}"),
    ("requirements", MEMBER, "/upphandling/krav"),
    ("requirement", MEMBER, "/upphandling/krav/{requirement}"),
    ("requirement-form", MEMBER, "/upphandling/krav/ny"),
    ("not-found", None, "/finns-inte"),
]
PAGE_NAMES = [name for name, _who, _path in PAGE_TYPES]


def page_url(live_server: LiveServer, path: str) -> str:
    slugs = live_server.slugs
    return path.format(slug=slugs[0], slug2=slugs[1], slug3=slugs[2],
                       experience=live_server.experience_id, meeting=live_server.meeting_id,
                       survey_import=live_server.survey_import_id,
                       requirement=live_server.requirement_id, message=live_server.message_id,
                       invitation=live_server.invitation)


@pytest.fixture(scope="session")
def sessions(browser, live_server):
    """Cookies of a logged-in member and admin, logged in once per session."""
    states = {None: None}
    for email in {who for _name, who, _path in PAGE_TYPES if who}:
        context = browser.new_context()
        page = context.new_page()
        login(page, live_server, email)
        states[email] = context.storage_state()
        context.close()
    return states


def open_page_type(page, live_server, path: str) -> None:
    if path.startswith("POST "):
        # The form sent empty: it comes back with an error summary and messages.
        page.goto(live_server(path.removeprefix("POST ")))
        with page.expect_navigation():
            page.locator("main form").get_by_role("button", name="Spara erfarenheten",
                                                  exact=True).click()
        assert page.locator(".error-summary").is_visible()
    else:
        page.goto(live_server(page_url(live_server, path)))

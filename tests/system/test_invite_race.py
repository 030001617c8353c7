"""Against gunicorn with two workers, from outside over HTTP: three simultaneous
acceptances of one network invite let exactly one person in; three simultaneous
registrations with one invite code make exactly one account; and a meeting stored
with a line break in its title (and its network's name) still gives a valid .ics and
calendar feed. The workers share one SQLite file, as on one machine."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import create_engine, text

from tests.support.apps import PASSWORD, make_app
from tests.support.http import HttpClient
from tests.support.servers import (
    gunicorn_environment,
    start_gunicorn,
    stop_gunicorn,
    wait_until_serving,
)

WORKERS = 2
PEOPLE = 3
TOKEN = "en-enda-gang"
CODE = "en-kod-en-person"


def _prepare(database_url: str, instance) -> dict:
    """Schema; Anna leads Skåne (invite only) with a meeting whose title has a line
    break; three colleagues outside it; an admin's invite code."""
    from kb.database import upgrade_schema
    from kb.extensions import db
    from kb.models import (
        InviteCode,
        Meeting,
        Network,
        NetworkInvite,
        NetworkMembership,
        User,
        utcnow,
    )

    app = make_app(database_url, instance)
    with app.app_context():
        upgrade_schema()

        def person(email: str, name: str, role: str = "member") -> User:
            user = User(email=email, display_name=name, site_role=role,
                        professional_role="lonechef", email_confirmed_at=utcnow())
            user.set_password(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
            db.session.add(user)
            return user

        anna = person("anna@malmo.se", "Anna Andersson", "admin")
        colleagues = [person(f"kollega{n}@kommun{n}.se", f"Kollega {n}") for n in range(PEOPLE)]
        network = Network(slug="skane", name="Skåne\nX-WR-CALNAME:Falskt", kind="alla",
                          access="invite")
        db.session.add(network)
        db.session.flush()
        db.session.add(NetworkMembership(network_id=network.id, user_id=anna.id, role="leader",
                                         status="active", joined_at=utcnow()))
        now = utcnow()
        db.session.add(NetworkInvite(network_id=network.id, token=TOKEN, created_by_id=anna.id,
                                     expires_at=now + timedelta(days=7)))
        meeting = Meeting(network_id=network.id, uid="vartraff@kb", title="Vårträff\r\nBcc: x",
                          starts_at=now + timedelta(days=7),
                          ends_at=now + timedelta(days=7, hours=2), mode="physical",
                          address="Stortorget 1\nMalmö")
        db.session.add(meeting)
        db.session.add(InviteCode(code=CODE, created_by_id=anna.id,
                                  expires_at=now + timedelta(days=7)))
        db.session.commit()
        ids = {"network": network.id, "meeting": meeting.id,
               "colleagues": [c.id for c in colleagues]}
        db.session.remove()
        db.engine.dispose()
    return ids


def _together(requests) -> list:
    start = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = requests[n]()
        except OSError as error:
            results[n] = (0, repr(error), {})

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """gunicorn with two workers, registration by invite, on a prepared database."""
    root = tmp_path_factory.mktemp("invite-race")
    database_url = f"sqlite:///{root / 'kb.sqlite3'}"
    ids = _prepare(database_url, root)
    env = gunicorn_environment(database_url, root)
    env["KB_REGISTRATION"] = "invite"
    log = open(root / "gunicorn.log", "w")  # noqa: SIM115  (closed below)
    process, base = start_gunicorn(env, log, WORKERS)
    try:
        wait_until_serving(base, process, time.monotonic() + 60)
        yield {"base": base, "database_url": database_url, **ids}
    finally:
        stop_gunicorn(process)
        log.close()


def _sql(database_url: str, statement: str) -> list:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(statement)).all()
    finally:
        engine.dispose()


def test_three_simultaneous_acceptances_of_one_invite_let_exactly_one_in(served):
    link = f"/networks/skane/members/invite/{TOKEN}"
    posts = []
    for n in range(PEOPLE):
        person = HttpClient(served["base"])
        assert person.login(f"kollega{n}@kommun{n}.se") == 302
        form = person.csrf(link)
        posts.append(lambda person=person, form=form: person.request(
            link, {"csrf_token": form, "note": ""}))
    answers = _together(posts)
    statuses = [status for status, _page, _headers in answers]
    assert statuses.count(302) == 1 and set(statuses) <= {302, 404, 409}, statuses
    for status, page, _headers in answers:
        if status != 302:
            assert "Inbjudningslänken gäller inte längre" in page
    members = {row[0] for row in _sql(
        served["database_url"],
        f"SELECT user_id FROM network_membership WHERE network_id = {served['network']} "
        "AND status = 'active'")}
    assert len(members & set(served["colleagues"])) == 1


def test_three_simultaneous_registrations_with_one_code_make_one_account(served):
    posts = []
    for n in range(PEOPLE):
        person = HttpClient(served["base"])
        form = person.csrf("/auth/register")
        data = {"csrf_token": form, "invite_code": CODE, "display_name": f"Ny {n}",
                "email": f"ny{n}@region{n}.se", "password": PASSWORD,
                "password_again": PASSWORD, "professional_role": "lonechef",
                "organisation_name": f"Region {n}", "sector": "region",
                "size_band": "5000+", "accept_terms": "y"}
        posts.append(lambda person=person, data=data: person.request("/auth/register", data))
    statuses = [status for status, _page, _headers in _together(posts)]
    assert statuses.count(302) == 1 and set(statuses) <= {302, 422}, statuses
    accounts = _sql(served["database_url"],
                    "SELECT email FROM user_account WHERE email LIKE 'ny%'")
    assert len(accounts) == 1


def test_a_meeting_titled_with_a_line_break_still_gives_a_valid_ics(served):
    leader = HttpClient(served["base"])
    assert leader.login("anna@malmo.se") == 302
    for path in (f"/networks/skane/meetings/{served['meeting']}.ics",
                 "/networks/skane/meetings.ics"):
        status, body, headers = leader.request(path)
        assert status == 200, (path, body[:500])
        assert headers["Content-Type"].startswith("text/calendar")
        assert "\n" not in body.replace("\r\n", "")
        calendar = Calendar.from_ical(body)
        [event] = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == "Vårträff Bcc: x (Skåne X-WR-CALNAME:Falskt)"

"""Single-use links are single-use when several people use one at the same moment: of
three simultaneous acceptances of a network's invite link exactly one lets its person
in, and of three registrations with one invite code exactly one makes an account. The
others are refused in Swedish, and nobody gets a server error.

Each person has an app of their own on the one database (as gunicorn's workers do),
and the three requests are let go together from three threads."""

from __future__ import annotations

import threading

from sqlalchemy import select

from kb.extensions import db
from kb.models import InviteCode, NetworkInvite, NetworkMembership, User, utcnow
from tests.support.apps import PASSWORD
from tests.support.pages import Auth, csrf_token

PEOPLE = 3
USED = "Inbjudningslänken gäller inte längre"


def _together(requests) -> list:
    """Run the callables at the same moment, each in a thread; their results in order."""
    start = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = requests[n]()
        except Exception as error:  # noqa: BLE001  (reported by the test)
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_three_simultaneous_acceptances_of_one_invite_let_exactly_one_in(app, app_with,
                                                                        factory, skane):
    token = factory.invite(skane["network"], skane["anna"], token="en-enda-gang")
    people = [factory.member(f"kollega{n}@kommun{n}.se", f"Kollega {n}", f"Kommun {n}")
              for n in range(PEOPLE)]
    link = f"/networks/skane/members/invite/{token}"
    posts = []
    for n in range(PEOPLE):
        client = app_with().test_client()
        assert Auth(client).login(f"kollega{n}@kommun{n}.se").status_code == 302
        form = csrf_token(client.get(link))
        posts.append(lambda client=client, form=form: client.post(
            link, data={"csrf_token": form, "note": ""}))
    responses = _together(posts)
    statuses = [getattr(r, "status_code", repr(r)) for r in responses]
    # The one who wins is in; the others find the link used (409 when they raced for it,
    # 404 as for any used link when they came a moment after).
    assert statuses.count(302) == 1 and set(statuses) <= {302, 404, 409}, statuses
    for response in responses:
        if response.status_code != 302:
            assert USED in response.text
    with app.app_context():
        joined = set(db.session.scalars(select(NetworkMembership.user_id).where(
            NetworkMembership.network_id == skane["network"],
            NetworkMembership.status == "active")))
        invite = db.session.scalar(select(NetworkInvite))
    newcomers = joined & set(people)
    assert len(newcomers) == 1
    assert invite.used_by_id in newcomers and invite.used_at is not None


def test_the_same_member_accepting_twice_at_once_joins_once(app, app_with, factory, skane):
    token = factory.invite(skane["network"], skane["anna"], token="dubbelklick")
    link = f"/networks/skane/members/invite/{token}"
    posts = []
    for _ in range(PEOPLE):
        client = app_with().test_client()
        assert Auth(client).login("cecilia@ystad.se").status_code == 302
        form = csrf_token(client.get(link))
        posts.append(lambda client=client, form=form: client.post(
            link, data={"csrf_token": form, "note": ""}))
    statuses = [getattr(r, "status_code", repr(r)) for r in _together(posts)]
    assert statuses.count(302) == 1 and set(statuses) <= {302, 404, 409}, statuses
    with app.app_context():
        rows = db.session.scalars(select(NetworkMembership).where(
            NetworkMembership.user_id == skane["cecilia"])).all()
    assert [(row.status, row.role) for row in rows] == [("active", "member")]


def test_three_simultaneous_registrations_with_one_code_make_one_account(app, app_with,
                                                                        factory):
    admin = factory.user(email="admin@kb.se", site_role="admin")
    with app.app_context():
        db.session.add(InviteCode(code="en-kod-en-person", created_by_id=admin,
                                  expires_at=utcnow().replace(year=utcnow().year + 1)))
        db.session.commit()
    posts = []
    for n in range(PEOPLE):
        client = app_with(REGISTRATION="invite").test_client()
        form = csrf_token(client.get("/auth/register"))
        data = {"csrf_token": form, "invite_code": "en-kod-en-person",
                "display_name": f"Kollega {n}", "email": f"kollega{n}@kommun{n}.se",
                "password": PASSWORD, "password_again": PASSWORD,
                "professional_role": "lonechef", "organisation_name": f"Kommun {n}",
                "sector": "kommun", "size_band": "1000-4999", "accept_terms": "y"}
        posts.append(lambda client=client, data=data: client.post("/auth/register", data=data))
    responses = _together(posts)
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == [302, 422, 422], statuses
    for response in responses:
        if response.status_code == 422:
            assert "redan använd" in response.text
    with app.app_context():
        accounts = db.session.scalars(select(User.email).where(User.email != "admin@kb.se")).all()
        code = db.session.scalar(select(InviteCode))
        assert len(accounts) == 1
        assert db.session.get(User, code.used_by_id).email == accounts[0]

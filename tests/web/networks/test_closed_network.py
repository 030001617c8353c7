"""In a network a moderator has closed, every leader's action is refused – changing the
network, scheduling, changing and cancelling meetings, writing notes, answering
requests, inviting and revoking, removing and appointing, importing the survey – with
the Swedish reason (409), and nothing changes; the pages offer none of these tools.
Members keep reading it, and cannot answer its meetings either."""

import io
import re

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import (
    AuditLog,
    Meeting,
    MeetingItem,
    MeetingResponse,
    Network,
    NetworkInvite,
    NetworkMembership,
    Notification,
    SurveyImport,
    utcnow,
)
from tests.support.pages import post
from tests.support.sheets import GOOD_ROWS, csv_bytes, uploaded

CLOSED = "stängt av en moderator"


def _rows(model, *columns):
    return sorted(tuple(getattr(row, c) for c in columns)
                  for row in db.session.scalars(select(model)))


def _state(app) -> dict:
    """Everything a leader's action could change."""
    with app.app_context():
        return {
            "networks": _rows(Network, "id", "name", "description", "kind", "region", "access",
                              "auto_approve"),
            "memberships": _rows(NetworkMembership, "id", "user_id", "role", "status"),
            "meetings": _rows(Meeting, "id", "title", "starts_at", "sequence", "cancelled_at",
                              "notes", "agenda"),
            "items": _rows(MeetingItem, "id"),
            "responses": _rows(MeetingResponse, "meeting_id", "user_id", "answer"),
            "invites": _rows(NetworkInvite, "id", "revoked_at", "used_at"),
            "imports": _rows(SurveyImport, "id", "mapping", "imported_at"),
            "notifications": _rows(Notification, "id"),
            "audit": _rows(AuditLog, "id"),
        }


@pytest.fixture
def closed(app, client, auth, factory, skane):
    """Skåne with Dan as a member, Cecilia asking to join, a meeting, an invite and an
    uploaded survey sheet (its confirmation token read while it was open) – then closed
    by a moderator. Anna, its leader, is logged in."""
    dan = factory.member("dan@kb.se", "Dan Dahl", "Dals kommun")
    factory.membership(skane["network"], dan)
    request = factory.membership(skane["network"], skane["cecilia"], status="requested")
    with app.app_context():
        dan_membership = db.session.scalar(select(NetworkMembership.id).where(
            NetworkMembership.user_id == dan))
    meeting = factory.meeting(skane["network"], title="Vårträff")
    factory.invite(skane["network"], skane["anna"], token="inbjudan-skane")
    experience = factory.network_experience(skane["bo"], factory.system(name="Heroma"),
                                            networks=[skane["network"]])
    auth.login("anna@malmo.se")
    review = uploaded(client, "skane", csv_bytes(GOOD_ROWS))
    token = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"',
                      client.get(review).text).group(1)
    with app.app_context():
        invite = db.session.scalar(select(NetworkInvite.id))
        network = db.session.get(Network, skane["network"])
        network.closed_at, network.closed_reason = utcnow(), "Skräppost"
        db.session.commit()
    return {**skane, "dan": dan, "request": request, "dan_membership": dan_membership,
            "meeting": meeting, "invite": invite, "review": review, "token": token,
            "experience": experience}


def _meeting_form(**changes) -> dict:
    values = {"title": "Ändrad vårträff", "day": "2031-03-18", "start": "09:30",
              "end": "12:00", "mode": "physical", "address": "Stortorget 1"}
    values.update(changes)
    return values


def _actions(world) -> list[tuple[str, dict]]:
    meeting = f"/networks/skane/meetings/{world['meeting']}"
    members = "/networks/skane/members"
    return [
        ("/networks/skane/edit", {"name": "Nytt namn", "kind": "alla", "access": "open"}),
        ("/networks/skane/meetings/new", _meeting_form()),
        (f"{meeting}/edit", _meeting_form()),
        (f"{meeting}/cancel", {}),
        (f"{meeting}/notes", {"notes": "Vi pratade om AGI.",
                              "experience_ids": str(world["experience"])}),
        (f"{members}/{world['request']}/approve", {}),
        (f"{members}/{world['request']}/decline", {}),
        (f"{members}/{world['dan_membership']}/remove", {"reason": "Slutat"}),
        (f"{members}/{world['dan_membership']}/lead", {}),
        (f"{members}/invites", {"note": "Till Eva"}),
        (f"{members}/invites/{world['invite']}/revoke", {}),
        (world["review"], {"organisation": "0"}),
        (f"{world['review']}/confirm", {"visibility": "networks", "token": world["token"]}),
    ]


def test_every_leader_action_in_a_closed_network_is_refused(app, client, closed):
    before = _state(app)
    for url, data in _actions(closed):
        response = post(client, url, data, page="/networks/skane")
        assert response.status_code == 409, (url, response.status_code)
        assert CLOSED in response.text, url
    response = post(client, "/networks/skane/import",
                    {"file": (io.BytesIO(csv_bytes(GOOD_ROWS)), "enkat.csv")},
                    page="/networks/skane", content_type="multipart/form-data")
    assert response.status_code == 409 and CLOSED in response.text
    assert _state(app) == before


@pytest.mark.parametrize("path", ["/networks/skane/edit", "/networks/skane/meetings/new",
                                  "/networks/skane/meetings/{meeting}/edit",
                                  "/networks/skane/meetings/{meeting}/notes",
                                  "/networks/skane/import"])
def test_the_leaders_forms_are_not_offered_either(client, closed, path):
    response = client.get(path.format(meeting=closed["meeting"]))
    assert response.status_code == 409 and CLOSED in response.text


def test_the_pages_show_no_leader_tools_but_the_network_is_still_read(client, closed):
    meeting = client.get(f"/networks/skane/meetings/{closed['meeting']}")
    assert meeting.status_code == 200 and "Vårträff" in meeting.text
    for tool in ("/edit", "/notes", "/cancel", "/answer"):
        assert f"/networks/skane/meetings/{closed['meeting']}{tool}" not in meeting.text
    members = client.get("/networks/skane/members")
    assert members.status_code == 200 and "Cecilia Ek" in members.text
    for tool in ("/approve", "/decline", "/remove", "/lead", "/revoke", "/members/invites\""):
        assert tool not in members.text, tool
    assert "/networks/skane/edit" not in client.get("/networks/skane").text


def test_a_member_cannot_answer_a_meeting_of_a_closed_network(app, client, auth, closed):
    auth.logout()
    auth.login("bo@lund.se")
    url = f"/networks/skane/meetings/{closed['meeting']}"
    before = _state(app)
    response = post(client, f"{url}/answer", {"answer": "yes"}, page=url)
    assert response.status_code == 409 and CLOSED in response.text
    assert _state(app) == before


def test_reopened_the_leader_can_act_again(app, client, closed):
    with app.app_context():
        network = db.session.get(Network, closed["network"])
        network.closed_at = None
        db.session.commit()
    url = f"/networks/skane/meetings/{closed['meeting']}/cancel"
    assert post(client, url, page="/networks/skane").status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, closed["meeting"]).is_cancelled

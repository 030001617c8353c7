"""Line breaks and control characters in meeting titles, places and network names:
refused when typed, and harmless when stored before they were – a meeting's .ics and
the network's calendar feed stay valid calendars, every value on its own line."""

from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import select

from kb.extensions import db
from kb.models import Meeting, Network
from kb.web.forms import SINGLE_LINE
from tests.support.pages import post, start_network

NEXT_YEAR = date.today().year + 1
FORGED_TITLE = "Vårträff\r\nEND:VEVENT\nBEGIN:VEVENT\x1b[31m\u2028SUMMARY:Gratis lön"
FORGED_NAME = "Skåne\nX-WR-CALNAME:Falskt\r\n"


def _meeting_form(**changes) -> dict:
    values = {"title": "Vårträff om semesterberäkning", "day": f"{NEXT_YEAR}-03-18",
              "start": "09:30", "end": "12:00", "mode": "physical",
              "address": "Stortorget 1\nMalmö", "agenda": "1. AGI\n2. Semester"}
    values.update(changes)
    return values


def _content_lines(body: bytes) -> list[str]:
    """The .ics unfolded into its content lines (RFC 5545 3.1)."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def _assert_valid_calendar(body: bytes) -> Calendar:
    lines = _content_lines(body)
    for line in lines:
        assert not any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 or c in "\u2028\u2029"
                       for c in line), repr(line)
    assert sum(line == "BEGIN:VEVENT" for line in lines) == \
        sum(line == "END:VEVENT" for line in lines)
    return Calendar.from_ical(body)


@pytest.fixture
def forged(app, factory, skane):
    """Skåne's name and a meeting's title, place and agenda stored with line breaks and
    control characters, as before the forms refused them."""
    meeting = factory.meeting(skane["network"], title=FORGED_TITLE,
                              address="Stortorget 1\r\nMalmö\x07", agenda="1. AGI\x1b\r\n2. Lön",
                              mode="both", meeting_url="https://teams.example.se/m/1\r\nX:1")
    with app.app_context():
        db.session.get(Network, skane["network"]).name = FORGED_NAME
        db.session.commit()
    return {**skane, "meeting": meeting}


def test_a_meeting_titled_with_a_line_break_still_gives_a_valid_ics(client, auth, forged):
    auth.login("bo@lund.se")
    response = client.get(f"/networks/skane/meetings/{forged['meeting']}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = _assert_valid_calendar(response.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == ("Vårträff END:VEVENT BEGIN:VEVENT[31m SUMMARY:Gratis lön "
                                     "(Skåne X-WR-CALNAME:Falskt)")
    assert str(event["LOCATION"]) == "Stortorget 1, Malmö / https://teams.example.se/m/1 X:1"
    assert str(event["DESCRIPTION"]).startswith("1. AGI\n2. Lön\n\n")
    assert "X-WR-CALNAME:Falskt" not in [line for line in _content_lines(response.data)]


def test_the_network_feed_with_such_a_name_is_a_valid_calendar(app, client, auth, forged):
    auth.login("bo@lund.se")
    response = client.get("/networks/skane/meetings.ics")
    assert response.status_code == 200
    calendar = _assert_valid_calendar(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Skåne X-WR-CALNAME:Falskt (kb)"
    assert len(calendar.walk("VEVENT")) == 1


def test_the_feed_by_its_secret_address_too(app, client, auth, forged):
    auth.login("bo@lund.se")
    page = client.get("/networks/skane/meetings").text
    token = page.split("meetings.ics?token=", 1)[1].split('"', 1)[0].split("&", 1)[0]
    auth.logout()
    response = client.get(f"/networks/skane/meetings.ics?token={token}")
    assert response.status_code == 200
    _assert_valid_calendar(response.data)


@pytest.mark.parametrize("field, value", [
    ("title", "Vårträff\nom semester"),
    ("title", "Vårträff\x1b[31m"),
    ("title", "Vårträff \u202eom semester"),
    ("topics", "AGI\r\nSemester"),
    ("meeting_url", "https://teams.example.se/m/1\nX"),
])
def test_a_meeting_form_refuses_line_breaks_and_control_characters(app, client, auth, skane,
                                                                  field, value):
    auth.login("anna@malmo.se")
    changes = {field: value}
    if field == "meeting_url":
        changes["mode"] = "digital"
    response = post(client, "/networks/skane/meetings/new", _meeting_form(**changes),
                    page="/networks/skane/meetings/new")
    assert response.status_code == 422
    assert SINGLE_LINE in response.text
    with app.app_context():
        assert db.session.scalar(select(Meeting.id)) is None


def test_an_address_may_have_lines_but_no_control_characters(app, client, auth, skane):
    auth.login("anna@malmo.se")
    response = post(client, "/networks/skane/meetings/new",
                    _meeting_form(address="Stortorget 1\x07\nMalmö"),
                    page="/networks/skane/meetings/new")
    assert response.status_code == 422
    assert "Får inte innehålla styrtecken." in response.text
    response = post(client, "/networks/skane/meetings/new", _meeting_form(),
                    page="/networks/skane/meetings/new")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Meeting.address)).splitlines() == ["Stortorget 1",
                                                                           "Malmö"]


@pytest.mark.parametrize("field, value", [
    ("name", "Lönenätverket\nSkåne"),
    ("name", "Lönenätverket\tSkåne"),
    ("region", "Skåne\r\nX-WR-CALNAME:Falskt"),
])
def test_a_network_name_or_region_with_a_line_break_is_refused(app, client, auth, colleagues,
                                                               field, value):
    auth.login("anna@malmo.se")
    values = {"name": "Lönenätverket Skåne", "kind": "lonechef", "access": "open",
              "region": "Skåne", field: value}
    response = post(client, "/networks/new", values, page="/networks/new")
    assert response.status_code == 422
    assert SINGLE_LINE in response.text
    with app.app_context():
        assert db.session.scalar(select(Network.id)) is None


def test_changing_a_network_refuses_them_too(app, client, auth, colleagues):
    auth.login("anna@malmo.se")
    slug = start_network(client)
    response = post(client, f"/networks/{slug}/edit",
                    {"name": "Nytt\nnamn", "kind": "lonechef", "access": "invite"},
                    page=f"/networks/{slug}/edit")
    assert response.status_code == 422 and SINGLE_LINE in response.text
    with app.app_context():
        assert db.session.scalar(select(Network.name)) == "Lönechefsnätverket Skåne"

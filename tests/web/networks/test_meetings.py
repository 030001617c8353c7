"""A network's meetings: scheduling in Swedish time, answers counted apart, notes and
what was discussed, notifications, and calendar files that calendar programs accept."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from kb.access import policy
from kb.community import notification_mail
from kb.core.swedish import WEEKDAYS
from kb.extensions import db
from kb.models import Meeting, Notification, User
from tests.support.pages import link_in, main_content, outbox, post

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NEXT_YEAR = date.today().year + 1


@pytest.fixture
def world(factory, skane):
    """Skåne with Dan as a member too; Cecilia outside."""
    dan = factory.member("dan@kb.se", "Dan Dahl", "Dals kommun")
    factory.membership(skane["network"], dan)
    return {**skane, "dan": dan, "heroma": factory.system(slug="heroma", name="Heroma")}


def meeting_values(**changes):
    values = {"title": "Vårträff om semesterberäkning", "day": f"{NEXT_YEAR}-03-18",
              "start": "09:30", "end": "12:00", "mode": "both",
              "address": "Stortorget 1\nMalmö", "meeting_url": "https://teams.example.se/m/123",
              "agenda": "1. Semesterårsskiftet\n2. AGI", "topics": "semesterberäkning, AGI"}
    values.update(changes)
    return values


def schedule(client, **changes) -> str:
    response = post(client, "/networks/skane/meetings/new", meeting_values(**changes),
                    page="/networks/skane/meetings/new")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_a_leader_schedules_a_meeting_in_swedish_time(app, client, auth, world):
    auth.login("anna@malmo.se")
    url = schedule(client, system_ids=str(world["heroma"]))
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        # 09:30 in March is CET (UTC+1): stored as 08:30 UTC.
        assert meeting.starts_at == datetime(NEXT_YEAR, 3, 18, 8, 30)
        assert [s.name for s in meeting.systems] == ["Heroma"]
        told = set(db.session.scalars(select(Notification.user_id).where(
            Notification.meeting_id == meeting.id)))
    assert told == {world["bo"], world["dan"]}  # not the leader herself
    page = main_content(client.get(url))
    assert "kl. 09.30" in page and "12.00" in page and "https://teams.example.se/m/123" in page
    auth.logout()
    auth.login("bo@lund.se")
    assert "Vårträff om semesterberäkning" in main_content(client.get("/"))
    assert "Nytt möte i Lönechefsnätverket Skåne" in client.get("/notifications").text
    assert "Vårträff" in main_content(client.get("/networks/skane"))


def test_answers_are_counted_with_physical_and_digital_apart(app, client, auth, world):
    auth.login("anna@malmo.se")
    url = schedule(client)
    for email, answer in (("anna@malmo.se", {"answer": "yes", "attendance": "physical"}),
                          ("bo@lund.se", {"answer": "yes", "attendance": "digital"}),
                          ("dan@kb.se", {"answer": "maybe"})):
        auth.logout()
        auth.login(email)
        assert post(client, f"{url}/answer", answer, page=url).status_code == 302
    # Changing one's answer replaces it.
    post(client, f"{url}/answer", {"answer": "no"}, page=url)
    page = main_content(client.get(url))
    assert "På plats: <strong>1</strong>" in page and "Digitalt: <strong>1</strong>" in page
    assert "Kanske: <strong>0</strong>" in page and "Kommer inte: <strong>1</strong>" in page
    # Coming to a meeting that is both needs how; the choice is kept on the error.
    refused = post(client, f"{url}/answer", {"answer": "yes"}, page=url)
    assert refused.status_code == 422 and "på plats eller digitalt" in refused.text
    auth.logout()
    auth.login("cecilia@ystad.se")  # not a member
    assert post(client, f"{url}/answer", {"answer": "yes", "attendance": "digital"},
                page="/").status_code == 403
    assert client.get(url).status_code == 403


def test_the_meeting_link_is_for_members_only(app, client, auth, world, factory):
    auth.login("anna@malmo.se")
    url = schedule(client)
    auth.logout()
    factory.user(email="mod@kb.se", site_role="moderator")
    auth.login("mod@kb.se")  # moderators read the meeting, but it is not their meeting
    page = client.get(url).text
    assert "Vårträff" in page and "teams.example.se" not in page
    assert client.get(f"{url}.ics").status_code == 403


def _ics(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.data)


def test_the_ics_file_parses_with_the_right_local_time_uid_and_sequence(app, client, auth,
                                                                       world):
    auth.login("anna@malmo.se")
    url = schedule(client, day=f"{NEXT_YEAR}-06-10", start="13:00", end="15:30")
    calendar = _ics(client.get(f"{url}.ics"))
    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Stockholm"
    [event] = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    # Summer time: 13:00 in Stockholm is 11:00 UTC, whatever zone the calendar is in.
    assert start.replace(tzinfo=None) == datetime(NEXT_YEAR, 6, 10, 13, 0)
    assert start.utcoffset() == timedelta(hours=2)
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("DTEND").astimezone(STOCKHOLM).hour == 15
    assert event.decoded("SEQUENCE") == 0 and "DTSTAMP" in event
    assert str(event["STATUS"]) == "CONFIRMED"
    uid = str(event["UID"])
    assert "Stortorget 1" in str(event["LOCATION"])
    assert "https://teams.example.se/m/123" in str(event["DESCRIPTION"])

    changed = post(client, f"{url}/edit", meeting_values(day=f"{NEXT_YEAR}-06-11",
                                                          start="13:00", end="15:30"),
                   page=f"{url}/edit")
    assert changed.status_code == 302
    [event] = _ics(client.get(f"{url}.ics")).walk("VEVENT")
    assert str(event["UID"]) == uid and event.decoded("SEQUENCE") == 1
    assert event.decoded("DTSTART").day == 11
    post(client, f"{url}/cancel", page=url)
    [event] = _ics(client.get(f"{url}.ics")).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and event.decoded("SEQUENCE") == 2
    auth.logout()
    auth.login("bo@lund.se")
    assert "Mötet ”Vårträff om semesterberäkning” i Lönechefsnätverket Skåne är inställt" in \
        client.get("/notifications").text


def test_the_feed_is_for_members_with_a_session_or_their_secret_token(app, client, auth,
                                                                      world):
    auth.login("anna@malmo.se")
    schedule(client)
    schedule(client, title="Höstträff", day=f"{NEXT_YEAR}-10-07")
    auth.logout()
    assert client.get("/networks/skane/meetings.ics").status_code == 302  # to login
    auth.login("bo@lund.se")
    events = _ics(client.get("/networks/skane/meetings.ics")).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "Höstträff (Lönechefsnätverket Skåne)",
        "Vårträff om semesterberäkning (Lönechefsnätverket Skåne)"]
    page = client.get("/networks/skane/meetings").text
    feed = page.split('id="feed-url" type="text" readonly value="', 1)[1].split('"')[0]
    token_path = feed.split("://", 1)[1].split("/", 1)[1]
    auth.logout()
    # A calendar program: no session, the token in the URL.
    assert len(_ics(client.get("/" + token_path)).walk("VEVENT")) == 2
    assert client.get("/networks/skane/meetings.ics?token=fel").status_code == 404
    # Leaving the network stops the token.
    auth.login("bo@lund.se")
    post(client, "/networks/skane/members/leave", page="/networks/skane")
    auth.logout()
    assert client.get("/" + token_path).status_code == 404
    auth.login("cecilia@ystad.se")
    assert client.get("/networks/skane/meetings.ics").status_code == 403


def test_after_the_meeting_notes_link_what_was_discussed(app, client, auth, world, factory):
    shared = factory.network_experience(world["bo"], world["heroma"],
                                        networks=[world["network"]],
                                        title="Semesterårsskiftet i Heroma")
    auth.login("anna@malmo.se")
    url = schedule(client)
    question = post(client, "/networks/skane/questions/new",
                    {"title": "Hur gör ni semesterårsskiftet i Heroma?"},
                    page="/networks/skane/questions/new")
    question_id = int(question.headers["Location"].rsplit("/", 1)[1])
    saved = post(client, f"{url}/notes", {"notes": "Vi gick igenom semesterårsskiftet.",
                                          "experience_ids": str(shared),
                                          "question_ids": str(question_id)},
                 page=f"{url}/notes")
    assert saved.status_code == 302
    auth.logout()
    auth.login("bo@lund.se")
    page = main_content(client.get(url))
    assert "Vi gick igenom semesterårsskiftet." in page
    assert f"/experiences/{shared}" in page
    assert f"/networks/skane/questions/{question_id}" in page
    auth.logout()
    auth.login("dan@kb.se")  # a member, not a leader
    assert client.get(f"{url}/notes").status_code == 403


def test_bad_meeting_input_gets_swedish_messages_and_keeps_what_was_typed(app, client, auth,
                                                                         world):
    auth.login("anna@malmo.se")
    response = post(client, "/networks/skane/meetings/new",
                    meeting_values(end="09:00", meeting_url="", day="18/3"),
                    page="/networks/skane/meetings/new")
    assert response.status_code == 422
    text = response.text
    assert "Ange ett datum" in text and "Ange en möteslänk för ett digitalt möte" in text
    assert "Vårträff om semesterberäkning" in text
    response = post(client, "/networks/skane/meetings/new",
                    meeting_values(end="09:00"), page="/networks/skane/meetings/new")
    assert response.status_code == 422 and "Mötet måste sluta efter att det börjar" in \
        response.text


def test_the_meeting_mail_names_the_meeting_its_time_and_its_calendar_file(app, client, auth,
                                                                            world):
    auth.login("anna@malmo.se")
    url = schedule(client)
    auth.logout()
    [mail] = outbox(app, recipient="bo@lund.se")
    assert "Vårträff om semesterberäkning" in mail.text
    assert "(Lönechefsnätverket Skåne)" in mail.text
    weekday = WEEKDAYS[date(NEXT_YEAR, 3, 18).weekday()]
    assert f"Tid: {weekday} 18 mars {NEXT_YEAR} kl. 09.30" in mail.text
    [calendar_link] = re.findall(r"https?://[^/\s]+(/networks/skane/meetings/\d+\.ics)",
                                 mail.text)
    auth.login("bo@lund.se")
    # The link opens the meeting itself, not a list to look for it in.
    opened = client.get(link_in(mail.text, "/notifications/"))
    assert opened.headers["Location"].endswith(url.rsplit("/networks", 1)[1])
    [event] = _ics(client.get(calendar_link)).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Vårträff om semesterberäkning")


def test_a_meeting_mail_names_nothing_to_someone_who_has_left_the_network(app, world):
    with app.app_context():
        meeting = Meeting(network_id=world["network"], uid="m-1@kb", title="Hemligt möte",
                          starts_at=datetime(NEXT_YEAR, 3, 18, 8, 30),
                          ends_at=datetime(NEXT_YEAR, 3, 18, 11, 0), mode="physical")
        db.session.add(meeting)
        db.session.flush()
        outsider = db.session.get(User, world["cecilia"])
        notification = Notification(user_id=outsider.id, kind="meeting",
                                    network_id=world["network"], meeting_id=meeting.id)
        db.session.add(notification)
        db.session.flush()
        item = notification_mail.describe(notification, policy.audience_of(outsider),
                                          quote=True)
        assert item.title is None and item.calendar_url is None and item.when is None

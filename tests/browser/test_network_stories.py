"""Networks in a real browser: start one, invite a colleague by link, both see what the
network runs; answer a meeting and take it into a calendar."""

import re
import uuid
from datetime import datetime

from icalendar import Calendar

from tests.browser.conftest import (
    COLLEAGUE,
    MEMBER,
    NETWORK,
    _close_page,
    _open_page,
    login,
)


def test_start_a_network_invite_a_colleague_and_both_see_its_systems(request, browser,
                                                                    live_server, device):
    name = f"Lönechefer i test {uuid.uuid4().hex[:6]}"
    leader_context, leader, leader_watch = _open_page(request, browser, device)
    colleague_context, colleague, colleague_watch = _open_page(request, browser, device)
    try:
        login(leader, live_server, MEMBER)
        leader.goto(live_server("/networks"))
        leader.get_by_role("link", name="Starta ett nätverk").click()
        leader.fill("#name", name)
        leader.check("#kind-0")  # lönechefer
        leader.fill("#region", "Skåne")
        leader.check("#access-1")  # closed: by invite only
        with leader.expect_navigation():
            leader.get_by_role("button", name="Starta nätverket").click()
        assert leader.get_by_role("heading", name=name, level=1).is_visible()
        leader.get_by_role("navigation", name=name).get_by_role("link",
                                                              name="Medlemmar").click()
        with leader.expect_navigation():
            leader.get_by_role("button", name="Skapa inbjudningslänk").click()
        link = leader.locator("#invite-link").input_value()
        assert "/members/invite/" in link

        login(colleague, live_server, COLLEAGUE)
        colleague.goto(link)
        with colleague.expect_navigation():
            colleague.get_by_role("button", name=re.compile("Gå med i")).click()
        assert colleague.get_by_text(f"Välkommen till {name}!").is_visible()
        network_url = colleague.url
        for page in (colleague, leader):
            page.goto(network_url)
            table = page.locator("table.network-systems")
            heading = page.get_by_role("heading", name="Vad kör vi i nätverket?")
            assert heading.is_visible()
            if table.count():  # members who shared a current experience
                assert table.locator("tbody tr").count() >= 1
            members = page.get_by_role("navigation", name=name).get_by_role("link",
                                                                         name="Medlemmar")
            members.click()
            assert page.get_by_role("row", name=re.compile("Anna Andersson")).is_visible()
            assert page.get_by_role("row", name=re.compile("Bengt Berg")).is_visible()
        # The link is used up.
        response = colleague.goto(link)
        assert response.status == 404
    finally:
        _close_page(request, colleague_context, colleague, colleague_watch)
        _close_page(request, leader_context, leader, leader_watch)


def test_the_demo_network_shows_what_its_members_run(page, live_server):
    login(page, live_server, MEMBER)
    page.goto(live_server(f"/networks/{NETWORK}"))
    table = page.locator("table.network-systems")
    assert table.is_visible()
    text = table.inner_text()
    assert "Exempelkommunen Malmö" in text and "Heroma" in text
    assert page.get_by_role("link", name="Jämför nätverkets system sida vid sida").is_visible()
    assert page.get_by_text("Vårträff: semesterårsskiftet").first.is_visible()


def test_answer_a_meeting_and_add_it_to_the_calendar(page, live_server):
    login(page, live_server, MEMBER)
    page.goto(live_server(f"/networks/{NETWORK}/meetings/{live_server.meeting_id}"))
    assert page.get_by_role("heading", name="Vårträff: semesterårsskiftet").is_visible()
    digital = page.locator(".meeting-answers li", has_text="Digitalt")
    before = int(re.search(r"\d+", digital.inner_text()).group(0))
    answered_before = page.get_by_role("button", name="Ändra mitt svar").count() > 0
    page.check("#answer-0")  # kommer
    page.check("#attendance-1")  # digitalt
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Svara|Ändra mitt svar")).click()
    assert page.get_by_text("Tack! Ditt svar är sparat.").is_visible()
    after = int(re.search(r"\d+", page.locator(".meeting-answers li",
                                                has_text="Digitalt").inner_text()).group(0))
    # One answer per member: answering again (the other device) changes no count.
    assert after == before + (0 if answered_before else 1)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Lägg till i kalendern")).click()
    with open(download.value.path(), "rb") as ics:
        calendar = Calendar.from_ical(ics.read())
    [event] = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    shown = page.locator("dd time").first.get_attribute("datetime")
    assert start == datetime.fromisoformat(shown)
    assert start.replace(tzinfo=None).strftime("%H:%M") == "09:30"
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Stockholm"

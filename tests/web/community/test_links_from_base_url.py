"""Every absolute link kb hands out is built on BASE_URL (https://kb.example.se in the
tests), never on the request's Host header: a request with a forged Host gets no link
to that host in a mail, a calendar file or feed, an invite link, a shareable
comparison link or a page's og:url."""

import re

import pytest
from icalendar import Calendar

from tests.support.pages import Auth, outbox, post, register

FORGED = "ond.example"
BASE = "https://kb.example.se"


@pytest.fixture
def client(app):
    """A browser whose every request names the forged host (its cookies too)."""
    client = app.test_client()
    opened = client.open

    def open_on_forged_host(*args, **kwargs):
        kwargs.setdefault("base_url", f"http://{FORGED}")
        return opened(*args, **kwargs)

    client.open = open_on_forged_host
    return client


@pytest.fixture
def auth(client):
    return Auth(client)


def _absolute_links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def _assert_only_base(text: str) -> None:
    assert FORGED not in text
    links = [link for link in _absolute_links(text) if "example" in link]
    assert links, "no absolute link to check"
    for link in links:
        assert link.startswith(BASE + "/") or link == BASE, link


@pytest.fixture
def world(factory):
    anna = factory.member("anna@malmo.se", "Anna Andersson", "Malmö stad")
    bo = factory.member("bo@lund.se", "Bo Berg", "Lunds kommun")
    network = factory.network(slug="skane", name="Lönechefsnätverket Skåne", kind="lonechef",
                              members={anna: "leader", bo: "member"})
    meeting = factory.meeting(network, title="Vårträff")
    factory.system(slug="heroma", name="Heroma")
    factory.system(slug="personec", name="Personec")
    return {"anna": anna, "bo": bo, "network": network, "meeting": meeting}


def test_a_forged_host_reaches_the_app(client, world):
    """The test's premise: the Host header is what the app sees of the request."""
    response = client.get("/")
    assert response.status_code == 200
    assert response.request.host == FORGED


def test_og_url_is_on_the_sites_own_address(client, world):
    page = client.get("/systems/heroma?sektor=kommun").text
    [og_url] = re.findall(r'<meta property="og:url" content="([^"]*)"', page)
    assert og_url == f"{BASE}/systems/heroma?sektor=kommun"
    assert FORGED not in page


def test_calendar_files_and_feeds_link_to_the_sites_own_address(client, auth, world):
    auth.login("bo@lund.se")
    meetings = client.get("/networks/skane/meetings").text
    [feed] = re.findall(r'id="feed-url" type="text" readonly value="([^"]+)"', meetings)
    assert feed.startswith(f"{BASE}/networks/skane/meetings.ics?token=")
    ics = client.get(f"/networks/skane/meetings/{world['meeting']}.ics")
    assert ics.status_code == 200
    _assert_only_base(ics.data.decode().replace("\r\n ", ""))
    [event] = Calendar.from_ical(ics.data).walk("VEVENT")
    assert str(event["URL"]) == f"{BASE}/networks/skane/meetings/{world['meeting']}"
    token = feed.split("token=", 1)[1].replace("&amp;", "&")
    auth.logout()
    subscribed = client.get(f"/networks/skane/meetings.ics?token={token}")
    assert subscribed.status_code == 200
    _assert_only_base(subscribed.data.decode().replace("\r\n ", ""))


def test_an_invite_link_is_on_the_sites_own_address(client, auth, world):
    auth.login("anna@malmo.se")
    response = post(client, "/networks/skane/members/invites", {"note": "Till Eva"},
                    page="/networks/skane/members", follow_redirects=True)
    [link] = re.findall(r'id="invite-link" type="text" readonly value="([^"]+)"',
                        response.text)
    assert link.startswith(f"{BASE}/networks/skane/members/invite/")
    assert FORGED not in response.text


def test_the_shareable_comparison_link_is_on_the_sites_own_address(client, world):
    page = client.get("/compare?s=heroma&s=personec").text
    assert f"{BASE}/compare?" in page
    assert FORGED not in page


def test_mail_caused_by_a_request_with_a_forged_host_links_to_the_site(app, client, auth,
                                                                      world):
    assert register(client).status_code == 302
    assert post(client, "/auth/forgot", {"email": "anna@malmo.se"},
                page="/auth/forgot").status_code in (200, 302)
    auth.login("anna@malmo.se")
    meeting = f"/networks/skane/meetings/{world['meeting']}"
    assert post(client, f"{meeting}/cancel", page=meeting).status_code == 302
    mails = outbox(app)
    assert {m.recipient for m in mails} >= {"karin@kommun.se", "anna@malmo.se", "bo@lund.se"}
    for mail in mails:
        _assert_only_base(mail.text)
        _assert_only_base(mail.html)
        assert FORGED not in str(mail.headers)

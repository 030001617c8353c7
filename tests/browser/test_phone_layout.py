"""Phone first where the numbers are: at 390 × 844 (a phone) and at 1 280 × 800 (a
laptop) no page of kb scrolls sideways; the market table shows each system's
satisfaction on the first screen of the table, without scrolling it sideways; a system
page shows its score and n on the first screen; the navigation is one line or a menu
button that opens without script; the satisfaction-versus-share chart fits the screen
and shows its systems; long lists are capped with a way to see them all."""

import pytest

from tests.browser.conftest import (
    ADMIN,
    COLLEAGUE,
    DEVICES,
    MEMBER,
    NETWORK,
    ConsoleWatch,
    _close_page,
    page_url,
)

VIEWPORTS = {
    "phone": {**DEVICES["phone"], "viewport": {"width": 390, "height": 844}},
    "laptop": {"viewport": {"width": 1280, "height": 800}},
}

# Every kind of page, as (name, who, path): paths filled in by conftest.page_url.
PAGES = [
    ("home", None, "/"),
    ("home-member", MEMBER, "/"),
    ("systems", None, "/systems"),
    ("systems-member", MEMBER, "/systems"),
    ("system", None, "/systems/{slug}"),
    ("system-member", MEMBER, "/systems/{slug}"),
    ("journey", None, "/systems/{slug}/switches"),
    ("journey-member", MEMBER, "/systems/{slug}/switches"),
    ("switches", None, "/switches"),
    ("switches-narrowed", MEMBER, "/switches?from={slug}&has=go_live"),
    ("compare", None, "/compare?s={slug}&s={slug2}&s={slug3}"),
    ("compare-report", MEMBER, "/compare/report?s={slug}&s={slug2}"),
    ("search", None, "/search?q=lönekörningen"),
    ("experience", MEMBER, "/experiences/{experience}"),
    ("experience-form", MEMBER, "/experiences/new"),
    ("network", MEMBER, f"/networks/{NETWORK}"),
    ("network-members-leader", ADMIN, f"/networks/{NETWORK}/members"),
    ("meeting", MEMBER, f"/networks/{NETWORK}/meetings/{{meeting}}"),
    ("account", MEMBER, "/account"),
    ("login", None, "/auth/login"),
    ("register", None, "/auth/register"),
    ("register-invitation", None, "/auth/register?invitation={invitation}"),
    ("moderation-queue", ADMIN, "/admin/queue"),
    ("procurement", None, "/upphandling"),
    ("procurement-member", MEMBER, "/upphandling?sector=kommun"),
    ("partners", COLLEAGUE, "/upphandling/partner"),
    ("partners-closed", MEMBER, "/upphandling/partner"),
    ("procurement-messages", COLLEAGUE, "/upphandling/meddelanden"),
    ("procurement-message", COLLEAGUE, "/upphandling/meddelanden/{message}"),
    ("requirements", MEMBER, "/upphandling/krav"),
    ("requirement", MEMBER, "/upphandling/krav/{requirement}"),
    ("requirement-form", MEMBER, "/upphandling/krav/ny"),
]

SCROLLS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
OPEN_ALL = "() => document.querySelectorAll('details').forEach(d => d.open = true)"
# What reaches past the right edge, to say why a page scrolls.
WIDEST = """() => [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || ''))"""


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def open_as(request, browser, live_server, sessions, viewport):
    """A function opening a page of the viewport's size as someone (None: a visitor)."""
    opened = []

    def open_page(who, path):
        context = browser.new_context(locale="sv-SE", storage_state=sessions[who],
                                      **VIEWPORTS[viewport])
        context.set_default_timeout(10_000)
        page = context.new_page()
        watch = ConsoleWatch(page)
        opened.append((context, page, watch))
        page.goto(live_server(page_url(live_server, path)))
        return page

    yield open_page
    for context, page, watch in opened:
        _close_page(request, context, page, watch)


@pytest.mark.parametrize("name", [name for name, _who, _path in PAGES])
def test_no_page_scrolls_sideways(open_as, name):
    _name, who, path = next(p for p in PAGES if p[0] == name)
    page = open_as(who, path)
    width, inner = page.evaluate(SCROLLS)
    assert width <= inner, page.evaluate(WIDEST)
    # What is folded away must fit too, once opened.
    page.evaluate(OPEN_ALL)
    width, inner = page.evaluate(SCROLLS)
    assert width <= inner, page.evaluate(WIDEST)


@pytest.mark.parametrize("who", [None, MEMBER])
def test_the_market_table_shows_satisfaction_on_its_first_screen(open_as, who):
    page = open_as(who, "/systems")
    table = page.locator("table.market-table")
    rows = table.locator("tbody tr")
    assert rows.count() >= 3
    inner_width, inner_height = page.evaluate("() => [window.innerWidth, window.innerHeight]")
    table_top = table.bounding_box()["y"]
    for index in range(rows.count()):
        cell = rows.nth(index).locator("td.satisfaction-cell")
        assert cell.is_visible()
        box = cell.bounding_box()
        # Beside the system's name, inside the screen (and the table's own box): no
        # sideways scrolling to see it.
        assert box["x"] >= 0 and box["x"] + box["width"] <= inner_width + 0.5
        wrap = cell.locator("xpath=ancestor::div[contains(@class,'table-wrap')]")
        wrap_box = wrap.bounding_box()
        assert box["x"] + box["width"] <= wrap_box["x"] + wrap_box["width"] + 0.5
        if index == 0:
            assert box["y"] + box["height"] - table_top <= inner_height
            text = cell.inner_text()
            assert "n=" in text


def test_the_rest_of_the_market_table_opens_on_demand(open_as, viewport):
    page = open_as(None, "/systems")
    nps = page.locator("table.market-table thead th", has_text="NPS")
    if viewport == "phone":
        assert not nps.is_visible()
        page.locator(".more-columns > summary").click()
    assert nps.is_visible()
    width, inner = page.evaluate(SCROLLS)
    assert width <= inner


def test_a_system_page_shows_its_score_and_n_on_the_first_screen(open_as):
    page = open_as(None, "/systems/{slug}")
    score = page.locator(".headline-score")
    assert score.is_visible()
    text = score.inner_text()
    assert "n=" in text or "för få svar" in text
    box = score.bounding_box()
    inner_height = page.evaluate("() => window.innerHeight")
    assert box["y"] + box["height"] <= inner_height


@pytest.mark.parametrize("who", [None, MEMBER, ADMIN])
def test_the_navigation_is_one_line_or_a_menu_button(open_as, viewport, who):
    page = open_as(who, "/")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    links = nav.get_by_role("link")
    visible = [links.nth(i) for i in range(links.count()) if links.nth(i).is_visible()]
    tops = {round(link.bounding_box()["y"]) for link in visible}
    if len(tops) > 1 or not visible:
        # Folded behind a menu button that opens without script.
        page.evaluate("() => { for (const s of document.scripts) s.remove(); }")
        button = page.locator(".site-menu > summary")
        assert button.is_visible()
        box = page.locator("header.site-header").bounding_box()
        assert box["height"] <= 130
        button.click()
        assert nav.get_by_role("link", name="Lönesystem").is_visible()
        assert nav.get_by_role("link", name="Nätverk").is_visible()
    else:
        assert nav.get_by_role("link", name="Lönesystem").is_visible()


def test_the_market_chart_fits_the_screen_and_shows_its_systems(open_as):
    page = open_as(MEMBER, "/systems")
    chart = page.locator("svg.chart-scatter")
    assert chart.is_visible()
    box = chart.bounding_box()
    inner_width = page.evaluate("() => window.innerWidth")
    assert box["x"] >= 0 and box["x"] + box["width"] <= inner_width + 0.5
    dots = chart.locator("circle.dot")
    assert dots.count() >= 2
    # Every point on the screen, inside the picture: none off to the side of a box that
    # scrolls (the chart that looked empty on a phone had its points there).
    for index in range(dots.count()):
        dot = dots.nth(index).bounding_box()
        assert box["x"] <= dot["x"] and dot["x"] + dot["width"] <= box["x"] + box["width"]
        assert dot["x"] + dot["width"] <= inner_width
    # Its text is readable: 12 px or more as drawn.
    sizes = page.evaluate("""() => [...document.querySelectorAll('svg.chart-scatter text')]
      .filter(t => t.getClientRects().length)
      .map(t => t.getBoundingClientRect().height)""")
    assert sizes and min(sizes) >= 11


def test_long_lists_are_capped_with_a_way_to_see_them_all(open_as):
    page = open_as(None, "/systems")
    switches = page.locator("section[aria-labelledby=switches-heading] table tbody tr")
    assert 0 < switches.count() <= 10
    more = page.get_by_role("link", name="Visa alla")
    if more.count():
        with page.expect_navigation():
            more.first.click()
        assert page.locator("section[aria-labelledby=switches-heading] table tbody tr") \
            .count() > 10

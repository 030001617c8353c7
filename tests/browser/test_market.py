"""What kommuner of my size run, in a real browser; and the decision report on paper."""

import re

import pytest

from tests.browser.conftest import MEMBER, login

A4_POINTS = (595, 842)  # 210 × 297 mm


def _ranking(page) -> list[tuple[str, int]]:
    rows = page.locator("table.market-table tbody tr")
    found = []
    for index in range(rows.count()):
        row = rows.nth(index)
        name = row.locator("th").inner_text().strip()
        current = int(row.locator("td").nth(1).inner_text().replace("\u00a0", "").strip())
        found.append((name, current))
    return found


def test_a_kommun_member_sees_what_kommuner_of_her_size_run(page, live_server):
    login(page, live_server, MEMBER)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link",
                                                                 name="Lönesystem").click()
    page.wait_for_url(re.compile(r"/systems$"))
    note = page.locator(".scope-note")
    assert "din organisations sektor och storlek" in note.inner_text()
    assert page.locator("#market-sector").input_value() == "kommun"
    assert page.locator("#market-size").input_value() == "1000-4999"
    own = _ranking(page)
    assert own and [n for _name, n in own] == sorted((n for _name, n in own), reverse=True)
    # The satisfaction-versus-share chart (the flows diagram is a picture on the page too).
    chart = page.get_by_role("img", name="Nöjdhet mot andel av urvalet")
    assert chart.is_visible() and chart.locator("circle.dot").count() >= 1
    with page.expect_navigation():
        note.get_by_role("link", name="Visa alla organisationer").click()
    everyone = _ranking(page)
    assert everyone != own
    assert len(everyone) > len(own)  # private firms' systems join in


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_the_decision_report_prints_on_a4_without_navigation(page, live_server):
    first, second = live_server.slugs[0], live_server.slugs[1]
    login(page, live_server, MEMBER)
    page.goto(live_server(f"/compare?s={first}&s={second}"))
    with page.expect_navigation():
        page.get_by_role("link", name="Beslutsunderlag (för utskrift)").click()
    assert page.locator("h1").inner_text().startswith("Beslutsunderlag")
    assert page.get_by_role("navigation", name="Huvudmeny").is_visible()

    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Huvudmeny").is_visible()
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("footer.site-footer").is_visible()
    assert page.locator("form:visible, select:visible, button:visible").count() == 0
    assert page.locator(".report-section").count() == 5
    breaks = page.evaluate("() => [...document.querySelectorAll('.report-section')]"
                           ".map(s => getComputedStyle(s).breakBefore)")
    assert breaks == ["auto"] + ["page"] * 4
    # Nothing is wider than A4's printable width (210 mm less 2 × 14 mm at 96 dpi).
    page.set_viewport_size({"width": 688, "height": 1000})
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => "
        "e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)")
    assert overflow == []

    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert sizes, "the PDF has no pages"
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {A4_POINTS}
    # Five sections, each from a new page: at least five pages, and not a flood of them.
    assert 5 <= len(sizes) <= 12

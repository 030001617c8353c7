"""kb on a 390 × 844 phone: no page scrolls sideways, a comparison of four systems shows
all four, chart text is never under 12 px, the first search result is on the first
screen; and the experience form forgives (a rating cleared, a draft restored)."""

import re
import time

import pytest
from sqlalchemy import select

from tests.browser.conftest import (
    COLLEAGUE,
    DEVICES,
    PAGE_NAMES,
    PAGE_TYPES,
    _close_page,
    _open_page,
    login,
    open_page_type,
)

WIDTH, HEIGHT = DEVICES["phone"]["viewport"].values()

# Elements reaching past the right edge that are not inside a box of their own that
# scrolls (a wide table, the market chart): those would scroll the page.
OVERFLOWING = """() => {
  const edge = document.documentElement.clientWidth;
  const inScrollBox = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > edge + 1 && !inScrollBox(e))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || ''));
}"""

# Each chart text's size as drawn: its font size in the picture's units times the
# picture's scale on the screen.
SVG_TEXT_PX = """() => [...document.querySelectorAll('svg.chart text')]
  .filter(t => t.getClientRects().length)
  .map(t => {
    const svg = t.closest('svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale];
  })"""


@pytest.fixture
def phone(request, browser, live_server, sessions):
    """A function opening a phone page as someone (None: a visitor)."""
    opened = []

    def open_as(who):
        context, page, watch = _open_page(request, browser, "phone",
                                          storage_state=sessions[who])
        opened.append((context, page, watch))
        return page

    yield open_as
    for context, page, watch in opened:
        _close_page(request, context, page, watch)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_page_scrolls_sideways_on_a_phone(phone, live_server, name):
    _name, who, path = next(p for p in PAGE_TYPES if p[0] == name)
    page = phone(who)
    open_page_type(page, live_server, path)
    # Open every folded part too: what is behind it must fit as well.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, "
                           "document.documentElement.clientWidth]")
    assert widths == [WIDTH, WIDTH], page.evaluate(OVERFLOWING)
    assert page.evaluate(OVERFLOWING) == []


def test_a_comparison_of_four_systems_shows_all_four(phone, live_server):
    slugs = live_server.slugs[:4]
    page = phone(None)
    page.goto(live_server("/compare?" + "&".join(f"s={slug}" for slug in slugs)))
    table = page.locator("table.compare-table")
    names = table.locator("thead th a")
    assert names.count() == 4
    for index in range(4):
        box = names.nth(index).bounding_box()
        assert box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    # Every row's four figures are on the screen side by side, under the measure.
    row = table.locator("tbody tr").filter(has=page.locator("th[scope=row]")).first
    cells = [row.locator("td").nth(i).bounding_box() for i in range(4)]
    assert all(c["x"] >= 0 and c["x"] + c["width"] <= WIDTH + 0.5 for c in cells)
    assert len({round(c["y"]) for c in cells}) == 1
    assert cells == sorted(cells, key=lambda c: c["x"])


@pytest.mark.parametrize("path", ["/systems", "/systems/{slug}",
                                  "/compare?s={slug}&s={slug2}&s={slug3}&s={slug4}"])
def test_chart_text_is_never_smaller_than_12_px(phone, live_server, path):
    slugs = dict(zip(("slug", "slug2", "slug3", "slug4"), live_server.slugs, strict=False))
    page = phone(None)
    page.goto(live_server(path.format(**slugs)))
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    sizes = page.evaluate(SVG_TEXT_PX)
    assert len(sizes) > 5
    too_small = [(text, round(px, 1)) for text, px in sizes if px < 12]
    assert too_small == []


@pytest.mark.parametrize("path", ["/search?q=lönekörningen",
                                  "/search?q=semester&sector=kommun&sector=region&sort=newest"])
def test_the_first_search_result_is_on_the_first_screen(phone, live_server, path):
    page = phone(None)
    page.goto(live_server(path))
    first = page.locator(".search-hit h3 a").first
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= HEIGHT
    # The filters are one tap away, and take several values.
    page.get_by_text("Avgränsa", exact=False).first.click()
    boxes = page.locator("#facet-sector input[type=checkbox]")
    assert boxes.count() >= 2 and boxes.first.is_visible()


def _remove_drafts(app, email):
    from kb.extensions import db
    from kb.models import ExperienceDraft, User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        for draft in db.session.scalars(select(ExperienceDraft)
                                        .where(ExperienceDraft.user_id == user.id)):
            db.session.delete(draft)
        db.session.commit()
        db.session.remove()


def _stored(app, title):
    from kb.extensions import db
    from kb.models import Experience

    with app.app_context():
        experience = db.session.scalar(select(Experience).where(Experience.title == title))
        values = (experience.id, experience.rating_support, experience.recommend)
        db.session.remove()
    return values


def test_a_member_clears_a_sub_rating(page, live_server, device):
    login(page, live_server, COLLEAGUE)
    title = {"desktop": "Agda PS bedömt och sedan inte", "phone": "BL Lön bedömt och sedan inte"}
    title = title[device]
    page.goto(live_server("/experiences/new"))
    page.select_option("#system_id", label={"desktop": "Agda PS", "phone": "BL Lön"}[device])
    page.select_option("#sector", "region")
    page.select_option("#size_band", "5000+")
    page.select_option("#reviewer_role", "lonechef")
    page.check("#usage_status-0")
    page.check("#satisfaction-3")
    page.get_by_role("group", name="Support").get_by_label("2").check()
    page.get_by_role("group", name=re.compile("rekommendera")).get_by_label("8").check()
    page.fill("#title", title)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara erfarenheten", exact=True).click()
    experience_id, support, recommend = _stored(live_server.app, title)
    assert (support, recommend) == (2, 8)

    page.goto(live_server(f"/experiences/{experience_id}/edit"))
    page.get_by_role("group", name="Support").get_by_label("Ej bedömt").check()
    page.get_by_role("group", name=re.compile("rekommendera")).get_by_label("Ej bedömt").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Spara erfarenheten", exact=True).click()
    assert page.get_by_text("Dina ändringar är sparade.").is_visible()
    assert _stored(live_server.app, title)[1:] == (None, None)
    page.goto(live_server(f"/experiences/{experience_id}/edit"))
    assert page.get_by_role("group", name="Support").get_by_label("Ej bedömt").is_checked()


def test_leaving_the_form_and_coming_back_restores_what_was_typed(page, live_server, device):
    login(page, live_server, COLLEAGUE)
    _remove_drafts(live_server.app, COLLEAGUE)
    title = f"Halvfärdig text om lönekörningen ({device})"
    page.goto(live_server("/experiences/new"))
    page.select_option("#system_id", label="Crona Lön")
    page.get_by_role("group", name="Stabilitet och driftsäkerhet").get_by_label("4").check()
    page.fill("#title", title)
    page.fill("#cons", "Semesteromläggningen tog två dagar.")
    # Away without saving – a link in the menu – and back.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Huvudmeny").get_by_role("link",
                                                                     name="Lönesystem").click()
    page.goto(live_server("/experiences/new"))
    assert page.locator("#title").input_value() == title
    assert page.locator("#cons").input_value() == "Semesteromläggningen tog två dagar."
    assert page.get_by_role("group", name="Stabilitet och driftsäkerhet") \
        .get_by_label("4").is_checked()
    assert page.locator("#system_id option:checked").inner_text() == "Crona Lön"
    assert page.get_by_text("sparat som utkast").is_visible()
    # Starting over empties the form.
    with page.expect_navigation():
        page.get_by_role("button", name="Börja om med ett tomt formulär").click()
    assert page.locator("#title").input_value() == ""
    _remove_drafts(live_server.app, COLLEAGUE)


def test_a_slow_draft_save_is_not_lost_by_following_a_link(page, live_server, device,
                                                           monkeypatch):
    """A link followed from a changed form waits for the draft to arrive, so the form
    shows what was typed at once on coming back, even when saving is slow."""
    from kb.experiences import drafts

    real_save = drafts.save

    def slow_save(*args, **kwargs):
        time.sleep(0.8)
        return real_save(*args, **kwargs)

    login(page, live_server, COLLEAGUE)
    _remove_drafts(live_server.app, COLLEAGUE)
    monkeypatch.setattr(drafts, "save", slow_save)
    title = f"Skrivet i hast ({device})"
    page.goto(live_server("/experiences/new"))
    page.select_option("#system_id", label="Crona Lön")
    page.fill("#title", title)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Huvudmeny").get_by_role("link",
                                                                     name="Lönesystem").click()
    page.goto(live_server("/experiences/new"))
    assert page.locator("#title").input_value() == title
    monkeypatch.undo()
    _remove_drafts(live_server.app, COLLEAGUE)

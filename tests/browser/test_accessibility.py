"""axe-core (WCAG 2.1 A and AA rules) in Chromium on every page type, and the
experience form filled in with the keyboard alone."""

import re
from importlib import resources

import pytest

from tests.browser.conftest import (
    MEMBER,
    PAGE_NAMES,
    PAGE_TYPES,
    _close_page,
    _open_page,
    login,
    open_page_type,
)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe_source():
    # axe-core as shipped (pinned) by the axe-playwright-python package.
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def violations(page, axe_source) -> list[str]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] in BLOCKING:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            found.append(f"{violation['impact']} {violation['id']}: {violation['help']} "
                         f"({len(violation['nodes'])} elements: {targets})")
    return found


# Every page type on a desktop and on a phone (390 × 844).
CASES = [(name, device) for device in ("desktop", "phone") for name in PAGE_NAMES]


@pytest.mark.parametrize(("name", "device"), CASES)
def test_no_serious_accessibility_violations(request, browser, live_server, sessions,
                                             axe_source, name, device):
    _name, who, path = next(p for p in PAGE_TYPES if p[0] == name)
    # The CSP (script-src 'self') is bypassed only so that axe itself can be injected.
    context, page, watch = _open_page(request, browser, device, bypass_csp=True,
                                      storage_state=sessions[who])
    try:
        open_page_type(page, live_server, path)
        assert violations(page, axe_source) == []
    finally:
        _close_page(request, context, page, watch)


def test_the_experience_form_can_be_filled_in_with_the_keyboard_alone(request, browser,
                                                                     live_server):
    context, page, watch = _open_page(request, browser, "desktop")
    try:
        fill_in_with_the_keyboard(page, live_server)
    finally:
        _close_page(request, context, page, watch)


def fill_in_with_the_keyboard(page, live_server) -> None:
    login(page, live_server, MEMBER)
    page.goto(live_server("/experiences/new"))
    texts = {"employees_paid": "450", "title": "Allt med tangentbordet: stabil lönekörning",
             "pros": "Lönekörningen går i tid."}
    reached = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; return {tag: e.tagName.toLowerCase(), "
            "type: e.type || '', name: e.name || '', text: (e.innerText || '').trim(), "
            "checked: !!e.checked, value: e.value || ''}; }")
        name, tag = focused["name"], focused["tag"]
        reached.append(name or tag)
        if tag == "select" and name in ("system_id", "sector", "size_band", "reviewer_role"):
            page.keyboard.press("ArrowDown")
        elif name in texts:
            page.keyboard.type(texts[name])
        elif name == "usage_status" and not focused["checked"]:
            page.keyboard.press("Space")
        elif name == "satisfaction" and not focused["checked"]:
            page.keyboard.press("Space")
            for _step in range(3):
                page.keyboard.press("ArrowRight")
        elif tag == "button" and focused["text"] == "Spara erfarenheten":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"Tab never reached the submit button; focus went: {reached}")
    assert re.search(r"/experiences/\d+([?#].*)?$", page.url), page.locator("main").inner_text()
    assert page.get_by_role("heading", name="Allt med tangentbordet").is_visible()
    main = page.locator("main").inner_text()
    assert "450" in main.replace("\u00a0", "").replace(" ", "")
    for required in ("system_id", "sector", "size_band", "reviewer_role", "usage_status",
                     "satisfaction", "title"):
        assert required in reached

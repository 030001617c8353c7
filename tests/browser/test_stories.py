"""A payroll manager's stories in a real browser, on a desktop and on a phone."""

import re
import uuid

from tests.browser.conftest import DEVICES, MEMBER, login, open_menu
from tests.support.apps import PASSWORD
from tests.support.pages import link_in, outbox


def test_register_confirm_and_see_yourself_logged_in(page, live_server):
    email = f"karin.{uuid.uuid4().hex[:8]}@region.example.se"
    page.goto(live_server("/"))
    open_menu(page)  # on a phone "Bli medlem" is behind the menu button
    page.get_by_role("link", name="Bli medlem").first.click()
    page.fill("#display_name", "Karin Karlsson")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.select_option("#professional_role", index=1)
    page.fill("#organisation_name", "Region Exempel")
    page.select_option("#sector", "region")
    page.select_option("#size_band", "5000+")
    page.check("#accept_terms")
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa konto").click()
    assert "/auth/register" not in page.url, page.locator("main").inner_text()
    assert page.get_by_text(f"Vi har skickat ett mejl till {email}").is_visible()
    login(page, live_server, email)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    open_menu(page)
    assert nav.get_by_role("link", name="Karin Karlsson").is_visible()
    assert nav.get_by_role("button", name="Logga ut").is_visible()
    assert page.get_by_role("complementary", name="Bekräfta din e-postadress").is_visible()

    [confirmation] = outbox(live_server.app, recipient=email)
    page.goto(live_server(link_in(confirmation.text, "/auth/confirm/")))
    with page.expect_navigation():
        page.get_by_role("button", name="Bekräfta e-postadressen").click()
    assert page.get_by_text("Din e-postadress är bekräftad").is_visible()
    assert page.get_by_role("complementary", name="Bekräfta din e-postadress").count() == 0


def test_record_an_experience_and_find_it(page, live_server, device):
    digits_as_letters = str.maketrans("0123456789", "ghijklmnop")
    word = "kvartsbokslut" + uuid.uuid4().hex[:6].translate(digits_as_letters)
    login(page, live_server, MEMBER)
    page.goto(live_server("/experiences/new"))
    # One system per device: a member has one experience of each system.
    page.select_option("#system_id", label={"desktop": "Heroma", "phone": "Personec P"}[device])
    page.select_option("#sector", "kommun")
    page.select_option("#size_band", "1000-4999")
    page.fill("#employees_paid", "3200")
    page.select_option("#reviewer_role", "lonechef")
    page.check("#usage_status-0")
    page.check("#satisfaction-3")
    page.fill("#title", f"Pålitlig lönekörning och smidigt {word}")
    page.fill("#pros", f"AGI-filen går alltid igenom. {word.capitalize()} går snabbt.")
    page.fill("#cons", "Semesterberäkningen kräver handpåläggning.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara erfarenheten").click()
    assert re.search(r"/experiences/\d+([?#].*)?$", page.url), page.locator("main").inner_text()
    assert page.get_by_text("Tack! Din erfarenhet är sparad").is_visible()
    assert page.get_by_role("heading", name=re.compile(word)).is_visible()

    page.fill("#header-q", word)
    with page.expect_navigation():
        page.locator("#header-q").press("Enter")
    assert page.get_by_role("heading", name="1 erfarenhet").is_visible()
    assert page.locator(".search-hit").get_by_role("link", name=re.compile(word)).is_visible()


def test_search_and_filter(page, live_server, device):
    page.goto(live_server("/"))
    page.fill("#header-q", "lönekörningen")
    with page.expect_navigation():
        page.locator("#header-q").press("Enter")
    assert "/search?q=" in page.url
    heading = page.locator("#results-heading")
    total = int(re.search(r"(\d+) erfarenhet", heading.inner_text()).group(1))
    assert total > 1
    assert page.locator(".search-hit mark").count() > 0  # highlighted words

    # Two sectors at once: either one. On a desktop a tick searches at once; on a phone
    # the filters are a panel to open, and "Visa resultat" searches.
    sectors = page.get_by_role("group", name="Sektor")
    if device == "phone":
        page.locator("#filters > summary").click()
        sectors.get_by_label(re.compile(r"^Kommun \(")).check()
        sectors.get_by_label(re.compile(r"^Region \(")).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Visa resultat").click()
    else:
        with page.expect_navigation():
            sectors.get_by_label(re.compile(r"^Kommun \(")).check()
        with page.expect_navigation():
            page.get_by_role("group", name="Sektor").get_by_label(re.compile(r"^Region \(")).check()
    assert "sector=kommun" in page.url and "sector=region" in page.url
    filtered = int(re.search(r"(\d+) erfarenhet", page.locator("#results-heading")
                             .inner_text()).group(1))
    assert 0 < filtered < total
    for meta in page.locator(".search-hit .meta").all_inner_texts():
        assert "kommun" in meta.lower() or "region" in meta.lower()

    # A chip takes one value away again, without any script.
    chips = page.locator(".active-filters")
    assert chips.get_by_role("link", name="Ta bort filtret Sektor: Region").is_visible()
    with page.expect_navigation():
        chips.get_by_role("link", name="Ta bort filtret Sektor: Region").click()
    assert "sector=kommun" in page.url and "sector=region" not in page.url


def test_compare_two_systems(page, live_server):
    first, second = live_server.slugs[0], live_server.slugs[1]
    page.goto(live_server("/compare"))
    page.select_option("#compare-s1", first)
    page.select_option("#compare-s2", second)
    with page.expect_navigation():
        page.locator("main form.compare-form").get_by_role("button", name="Jämför").click()
    assert f"s={first}" in page.url and f"s={second}" in page.url
    table = page.locator("table.compare-table")
    assert table.is_visible() or table.count() == 1
    headers = table.locator("thead th").all_inner_texts()
    assert len([h for h in headers if h.strip()]) >= 2


def test_flag_an_experience(page, live_server, device):
    login(page, live_server, MEMBER)
    # One experience per device: a member reports an experience only once.
    experience_id = live_server.experience_ids[1 + list(DEVICES).index(device)]
    page.goto(live_server(f"/experiences/{experience_id}"))
    page.get_by_text("Anmäl erfarenheten").click()
    page.fill("#reason", "Texten innehåller personuppgifter om en namngiven kollega.")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka anmälan").click()
    assert page.get_by_text("Tack! En moderator tittar på anmälan.").is_visible()


def test_a_second_experience_of_a_system_updates_the_first(page, live_server, device):
    login(page, live_server, MEMBER)
    system = {"desktop": "Primula", "phone": "Flex HRM Lön"}[device]

    def fill(title: str, satisfaction: int) -> None:
        page.goto(live_server("/experiences/new"))
        page.select_option("#system_id", label=system)
        page.select_option("#sector", "kommun")
        page.select_option("#size_band", "1000-4999")
        page.select_option("#reviewer_role", "lonechef")
        page.check("#usage_status-0")
        page.check(f"#satisfaction-{satisfaction - 1}")
        page.fill("#title", title)

    fill("Första intrycket av lönekörningen", 2)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara erfarenheten").click()
    first_url = page.url
    fill("Ett år senare går lönekörningen bättre", 4)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara erfarenheten").click()
    assert page.get_by_role("heading", name=f"Du har redan en erfarenhet av {system}").is_visible()
    assert page.locator("#title").input_value() == "Ett år senare går lönekörningen bättre"
    with page.expect_navigation():
        page.get_by_role("button", name="Uppdatera min tidigare erfarenhet med det jag fyllt i") \
            .click()
    assert page.url.split("?")[0] == first_url.split("?")[0]
    assert page.get_by_role("heading", name="Ett år senare går lönekörningen bättre").is_visible()

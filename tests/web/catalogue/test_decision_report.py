"""The comparison as a decision tool: the report a lönechef takes to the steering
group, cards that say who wrote, and link previews that keep members' text inside."""

import re

from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience
from tests.support.pages import main_content


def test_the_report_has_every_section_with_date_and_n(client, app, factory):
    factory.market_segment()
    response = client.get("/compare/report?s=heroma&s=personec-p&sector=kommun&size=1000-4999")
    assert response.status_code == 200
    html = main_content(response)
    assert "Beslutsunderlag: Heroma, Personec P" in html
    assert "Urval: <strong>Kommun · 1 000–4 999 anställda</strong>" in html
    assert re.search(r'Underlag den <time datetime="\d{4}-\d\d-\d\d">', html)
    headings = re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', html)
    assert headings == ["1. Jämförelsen i korthet", "2. Urvalet: vad kommun · 1 000–4 999 "
                        "anställda kör", "3. Det användarna lyfter fram",
                        "4. Funktioner och luckor", "5. Byten och införande"]
    assert html.count('class="report-section"') == 5
    assert "80\u00a0% (8 av 10)" in html  # Heroma's share of the segment, with its n
    assert 'class="best-mark">Bäst</span>' in html
    assert "9 månader (6–12, n=7)" in html  # go-live times of those who switched
    assert "Personec P klarade inte HÖK." in html
    # No forms in the report itself: only the site's header has any.
    assert "<form" not in html and "<select" not in html


def test_the_report_quotes_only_what_the_reader_may_read(client, app, factory, auth):
    fixture = factory.figures_world()
    with app.app_context():
        secret = db.session.scalar(select(Experience).where(Experience.title == "Erfarenhet 6"))
        secret.pros = "Hemligt beröm som bara medlemmar får läsa."
        pending = Experience(author_id=fixture.member, system_id=fixture.heroma,
                             sector="kommun", size_band="1000-4999", reviewer_role="lonechef",
                             usage_status="current", satisfaction=5, title="Väntar",
                             pros="Väntande beröm.", moderation_state="pending")
        db.session.add(pending)
        db.session.commit()
    visitor = main_content(client.get("/compare/report?s=heroma&s=personec-p"))
    assert "Lönekörningen fungerar." in visitor  # public pros are quoted
    assert "Hemligt beröm" not in visitor and "Väntande beröm" not in visitor
    assert "Anna Andersson" not in visitor  # quotes name role, sector and size only
    auth.login("anna@kommun.se")
    member = main_content(client.get("/compare/report?s=heroma&s=personec-p"))
    assert "Hemligt beröm som bara medlemmar får läsa." in member
    assert "Väntande beröm" not in member  # not even the author's own pending one


def test_the_report_asks_for_systems(client, factory):
    factory.figures_world()
    assert client.get("/compare/report").status_code == 400
    assert "finns inte" in client.get("/compare/report?s=heroma&s=okand").text


def test_the_print_stylesheet_leaves_out_navigation_and_forms_and_fits_a4(client):
    response = client.get("/static/kb.css")
    css = response.text
    response.close()
    assert "@page { size: A4;" in css
    printed = css.split("@media print {", 1)[1]
    hidden = printed.split("{ display: none !important; }", 1)[0]
    for selector in (".site-header", ".site-footer", "form", ".downloads", ".no-print"):
        assert selector in hidden
    assert ".report-section { break-before: page; }" in printed


def test_a_comparison_links_to_its_report(client, factory):
    factory.figures_world()
    html = main_content(client.get("/compare?s=heroma&s=personec-p&sector=kommun"))
    assert ('href="/compare/report?sector=kommun&amp;s=heroma&amp;s=personec-p">'
            "Beslutsunderlag (för utskrift)</a>") in html


def test_a_member_comparison_starts_with_her_segment(client, app, factory, auth):
    factory.market_segment()
    auth.login("karin@exempelby.se")
    html = main_content(client.get("/compare?s=heroma&s=personec-p"))
    assert "Urval: <strong>Kommun · 1 000–4 999 anställda</strong>" in html
    assert "din organisations sektor och storlek" in html
    everyone = main_content(client.get("/compare?s=heroma&s=personec-p&urval=alla"))
    assert "Urval: <strong>Alla organisationer</strong>" in everyone
    # From a system page: that system chosen, the segment's alternatives suggested.
    system_page = main_content(client.get("/systems/heroma"))
    assert "Urval: <strong>Kommun · 1 000–4 999 anställda</strong>" in system_page
    link = re.search(r'href="(/compare\?[^"]+)">Jämför Heroma med andra system', system_page)
    opened = main_content(client.get(link.group(1).replace("&amp;", "&")))
    assert "error-summary" not in opened
    assert "Jämför med Personec P" in opened
    # Every organisation stays every organisation on the way on.
    all_page = main_content(client.get("/systems/heroma?urval=alla"))
    assert "Urval: <strong>Alla organisationer</strong>" in all_page
    assert 'href="/compare?s=heroma&amp;urval=alla">Jämför Heroma med andra system' in all_page


# --------------------------------------------------------------------------- cards


def test_every_card_and_page_says_role_sector_size_and_years_in_use(client, app, factory):
    system = factory.system(slug="heroma", name="Heroma")
    named = factory.user(display_name="Karin Karlsson")
    experience = factory.experience(named, system, reviewer_role="systemforvaltare",
                                    sector="region", size_band="5000+", in_use_since=2016,
                                    anonymous=False)
    with app.app_context():
        confirmed = db.session.get(Experience, experience).confirmed_at.year
    years = confirmed - 2016
    context = (f"Systemförvaltare HR/lön, region, 5 000 anställda eller fler, i bruk sedan "
               f"2016 ({years} år)")
    card = main_content(client.get("/systems/heroma"))
    assert "Karin Karlsson" in card and context in card
    page = main_content(client.get(f"/experiences/{experience}"))
    assert "Karin Karlsson" in page and context in page
    anonymous = factory.experience(factory.user(display_name="Dold Person"), system,
                                   anonymous=True, in_use_since=None)
    page = main_content(client.get(f"/experiences/{anonymous}"))
    assert "Dold Person" not in page
    assert "Lönechef, kommun, 1 000–4 999 anställda" in page


# --------------------------------------------------------------------------- previews


def og(html: str, name: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{name}" content="([^"]*)">', html)
    assert match, name
    return match.group(1)


def test_pages_carry_link_previews_with_the_key_figure(client, factory):
    factory.figures_world()
    system = client.get("/systems/heroma").text
    assert og(system, "og:title") == "Heroma"
    assert og(system, "og:description") == (
        "Heroma (CGI): genomsnittlig nöjdhet 3,2 av 5 bland 6 organisationer, NPS 0.")
    assert og(system, "twitter:card") == "summary"
    assert og(system, "og:url") == "https://kb.example.se/systems/heroma"  # BASE_URL
    compare = client.get("/compare?s=heroma&s=personec-p").text
    assert og(compare, "og:title") == "Jämför Heroma, Personec P"
    assert og(compare, "og:description").startswith(
        "Heroma: nöjdhet 3,2 av 5 (n=6) · Personec P: för få svar")


def test_a_members_only_experience_previews_neutrally_even_for_a_member(client, app,
                                                                       factory, auth):
    fixture = factory.figures_world()
    with app.app_context():
        secret = db.session.scalar(select(Experience).where(Experience.title == "Erfarenhet 6"))
        secret_id = secret.id
    auth.login("anna@kommun.se")
    page = client.get(f"/experiences/{secret_id}").text
    assert "<h1>Erfarenhet 6</h1>" in page  # the member reads it...
    head = page.split("</head>", 1)[0]
    assert og(head, "og:title") == "En erfarenhet av Heroma"
    assert "bara medlemmar" in og(head, "og:description")
    assert "Erfarenhet 6" not in head.split("<title>", 1)[1].split("</title>", 1)[1]
    assert "Lönekörningen fungerar" not in head  # ...but its text stays out of previews
    public = client.get(f"/experiences/{secret_id - 1}").text
    assert og(public, "og:title") == "Erfarenhet 5 – Heroma"
    assert fixture.heroma

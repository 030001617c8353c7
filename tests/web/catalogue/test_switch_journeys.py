"""Every switch count links to a list of exactly that many organisations' experiences
(/switches), a system's switch journey on its page, its own view and in the API, and
the form's "how satisfied were you with the old system" – for visitors and members
alike only from what they may read."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_core import OpenAPI
from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience
from kb.web.openapi import openapi_document
from tests.support.checks import checked_get
from tests.support.pages import full_form, main_content, post_form

HEADING = re.compile(r'<h1 id="switches-heading">(\d+) organisation(?:er)? bytte')
ENTRY = 'class="card switch-entry"'


@pytest.fixture
def spec():
    return OpenAPI.from_dict(openapi_document())


@pytest.fixture
def world(factory):
    """Personec P -> Heroma: four public switches by four kommuner (one of them told by
    two members), one members-only, one shared with a network only, one hidden by a
    moderator, one anonymous; Hogia -> Heroma: one."""
    personec = factory.system(slug="personec-p", name="Personec P")
    heroma = factory.system(slug="heroma", name="Heroma")
    hogia = factory.system(slug="hogia", name="Hogia Lön")
    network = factory.network(slug="vast", name="Lönechefer i väst")
    factory.user(email="medlem@kommun.se")
    insider = factory.user(email="insider@kommun.se")
    factory.membership(network, insider)

    def switch(name, source=personec, **fields):
        org = factory.organisation(name)
        writer = factory.user(organisation_id=org)
        values = {"switch_reason": "Supporten svarade inte på våra frågor.",
                  "go_live_months": 8, "tips": f"Tips från {name}: börja med lönearterna.",
                  "title": f"Bytet i {name}", "satisfaction": 4}
        values.update(fields)
        return factory.experience(writer, heroma, organisation_id=org, switched_from_id=source,
                                  **values), org

    ids = {}
    for n in range(4):
        ids[f"public{n}"], org = switch(f"Kommun {n}")
    second = factory.user(organisation_id=org)
    ids["same_org"] = factory.experience(second, heroma, organisation_id=org,
                                         switched_from_id=personec, title="Samma kommun igen")
    ids["members"], _ = switch("Medlemskommunen", visibility="members")
    ids["network"], _ = switch("Nätverkskommunen", networks=[network])
    ids["hidden"], _ = switch("Dolda kommunen", moderation_state="hidden")
    ids["anonymous"], _ = switch("Anonyma kommunen", anonymous=True,
                                 title="Bytet gick bra", tips="Börja i tid.")
    ids["hogia"], _ = switch("Hogiakommunen", source=hogia, switch_reason="Dyrt.")
    return {"personec": personec, "heroma": heroma, "hogia": hogia, "ids": ids}


def _listed(client, url):
    """The heading's count and the number of experiences a /switches page lists."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = main_content(response)
    match = HEADING.search(page)
    assert match, page[:500]
    return int(match.group(1)), page.count(ENTRY), page


def _links(page, text_pattern=r"[^<]+"):
    """(href, text) of every link to /switches on a page."""
    return [(html.unescape(href), text) for href, text in
            re.findall(r'<a href="(/switches\?[^"]*)"[^>]*>(' + text_pattern + ")</a>", page)]


def _number(text):
    return int(re.sub(r"\D", "", text))


def test_a_visitor_lists_exactly_the_public_switches_each_organisation_once(client, world):
    n, entries, page = _listed(client, "/switches?from=personec-p&to=heroma")
    assert n == entries == 5  # four kommuner (one told twice) and the anonymous one
    assert "5 organisationer bytte från Personec P till Heroma" in page
    # Kommun 3 counts once: by the answer most recently confirmed.
    assert "Samma kommun igen" in page and "Bytet i Kommun 3" not in page
    for hidden in ("Medlemskommunen", "Nätverkskommunen", "Dolda kommunen"):
        assert hidden not in page
    # The anonymous one never shows its organisation.
    assert "Anonyma kommunen" not in page
    assert "Supporten svarade inte på våra frågor." in page
    assert "8 månader" in page and "börja med lönearterna" in page


def test_members_and_network_members_see_more_never_the_hidden(client, world, auth):
    auth.login("medlem@kommun.se")
    n, entries, page = _listed(client, "/switches?from=personec-p&to=heroma")
    assert n == entries == 6 and "Nätverkskommunen" not in page
    auth.logout()
    auth.login("insider@kommun.se")
    n, entries, page = _listed(client, "/switches?from=personec-p&to=heroma")
    assert n == entries == 7 and "Dolda kommunen" not in page


def test_the_market_views_switch_counts_link_to_lists_of_that_many(client, world):
    page = main_content(client.get("/systems"))
    links = _links(page, r"\d+")
    assert links
    for href, text in links:
        n, entries, _ = _listed(client, href)
        assert n == entries == _number(text), href
    assert ("/switches?from=personec-p&to=heroma", "5") in links


def test_the_market_view_keeps_its_segment_in_the_links(client, world, factory):
    page = main_content(client.get("/systems?sector=kommun&recent=1"))
    href = next(href for href, _text in _links(page, r"\d+") if "to=heroma" in href)
    assert parse_qs(urlsplit(href).query) == {
        "from": ["personec-p"], "to": ["heroma"], "sector": ["kommun"], "recent": ["1"]}


def test_the_home_pages_common_switches_link_to_lists_of_that_many(client, world, auth):
    for login in (None, "insider@kommun.se"):
        if login:
            auth.login(login)
        page = main_content(client.get("/"))
        links = _links(page, r"\d+ organisation(?:er)?")
        assert links
        for href, text in links:
            n, entries, _ = _listed(client, href)
            assert n == entries == _number(text), href


def test_the_system_page_shows_the_journey_and_every_count_leads_to_its_list(client, world):
    page = main_content(client.get("/systems/personec-p"))
    assert "Lämnade Personec P" in page
    assert "Vanligaste skälet: <strong>support</strong>" in page
    links = _links(page, r"\d+ (?:organisation|organisationer|svar)|\d+")
    assert len(links) >= 4
    for href, text in links:
        n, entries, _ = _listed(client, href)
        assert n == entries
        assert n == _number(text), (href, text)
    heroma = main_content(client.get("/systems/heroma"))
    assert "Kom till Heroma" in heroma
    assert "Tips från Kommun" in heroma
    # The profile's switch lines link too.
    came = _links(heroma, r"\d+ organisation(?:er)?")
    assert ("/switches?from=hogia&to=heroma", "1 organisation") in came


def test_the_journey_view_and_the_minimum_answers_rule(client, world):
    response = client.get("/systems/heroma/switches")
    assert response.status_code == 200
    page = main_content(response)
    assert "Byten från och till Heroma" in page
    # Six organisations came: satisfaction now has a mean; go-live too (five told it).
    assert "4,0 (n=6)" in page
    assert "8 månader i median (alla angav 8 månader; n=5)" in page
    only_hogia = main_content(client.get("/systems/hogia/switches"))
    assert "för få svar för ett medelvärde (n=1; betyget 4)" in only_hogia
    # One answer is never "the most common reason".
    assert "Vanligaste skälet" not in only_hogia


def test_bad_parameters_answer_400_in_swedish(client, world):
    cases = {
        "/switches?from=finns-inte": "Lönesystemet ”finns-inte” (bytte från) finns inte",
        "/switches?to=heroma&sector=planet": "Okänd sektor: planet",
        "/switches?from=personec-p&since=förra": "är inget årtal",
        "/switches?from=heroma&to=heroma": "välj två olika",
        "/switches?theme=vadsomhelst": "Okänd grupp av skäl",
        "/switches?recent=kanske": "kanske",
    }
    for url, message in cases.items():
        response = client.get(url)
        assert response.status_code == 400, url
        assert message in html.unescape(response.text), url


def test_since_and_an_empty_list(client, world):
    n, entries, page = _listed(client, "/switches?to=hogia")
    assert n == entries == 0
    assert "Ingen organisation i urvalet" in page
    n, entries, _ = _listed(client, "/switches?from=personec-p&since=2000")
    assert n == entries == 5


def test_the_api_journey_matches_its_lists(client, world, spec, auth):
    body = checked_get(client, spec, "/api/v1/systems/personec-p/switches").json
    assert body["left"]["organisations"] == 5
    assert body["left"]["systems"][0]["system"]["slug"] == "heroma"
    assert body["left"]["reasons"]["most_common"]["theme"] == "support"
    for url in [body["left"]["list_url"], body["left"]["systems"][0]["list_url"],
                *(theme["list_url"] for theme in body["left"]["reasons"]["themes"])]:
        n, entries, _ = _listed(client, url)
        assert n == entries
    assert body["left"]["satisfaction_now"]["average"] == 4.0
    auth.login("insider@kommun.se")
    member = checked_get(client, spec, "/api/v1/systems/personec-p/switches").json
    assert member["left"]["organisations"] == 7
    bad = client.get("/api/v1/systems/personec-p/switches?size=enorm")
    assert bad.status_code == 400 and "Okänd" in bad.json["error"]["message"]


def test_the_decision_report_has_the_journeys(client, world):
    page = main_content(client.get("/compare/report?s=personec-p&s=heroma"))
    assert "Bytesresor: Personec P" in page and "Bytesresor: Heroma" in page
    assert "/switches?from=personec-p" in html.unescape(page)


def test_the_form_asks_how_satisfied_they_were_with_the_old_system(client, factory, auth, app):
    heroma = factory.system(slug="heroma", name="Heroma")
    personec = factory.system(slug="personec-p", name="Personec P")
    primula = factory.system(slug="primula", name="Primula")
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    form = client.get("/experiences/new").text
    assert "Hur nöjda var ni med det tidigare systemet när ni lämnade det?" in form

    data = full_form(heroma, personec, primula)
    data.update(switched_from_id="", switch_reason="", previous_satisfaction="2")
    refused = post_form(client, "/experiences/new", data)
    assert refused.status_code == 422
    assert "Ange vilket system ni bytte från" in refused.text

    data.update(switched_from_id=str(personec), previous_satisfaction="2")
    saved = post_form(client, "/experiences/new", data)
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Experience.previous_satisfaction)) == 2
    shown = main_content(client.get(saved.headers["Location"]))
    assert "Nöjdhet med Personec P när de lämnade det: 2 av 5" in shown

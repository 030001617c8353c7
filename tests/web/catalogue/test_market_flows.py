"""The market view's flows between systems (/systems): for the chosen segment a flow
diagram of the last five years' switches with a table beside it, each system's net
gain or loss, and every count a link to the /switches list of exactly its experiences."""

import html
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from kb.core.dates import utcnow
from tests.support.pages import main_content

THIS_YEAR = utcnow().year
SINCE = THIS_YEAR - 4
SEGMENT = "/systems?sector=kommun&size=1000-4999"
LISTED = re.compile(r'<h1 id="switches-heading">(\d+) organisation(?:er)? bytte')


@pytest.fixture
def world(factory):
    """Kommuner 1000-4999: Personec P -> Heroma by three kommuner (one told by two
    members) and one more members-only; Heroma -> Personec P by one; Hogia -> Heroma in
    2012 (too long ago). A private firm: Personec P -> Hogia."""
    personec = factory.system(slug="personec-p", name="Personec P")
    heroma = factory.system(slug="heroma", name="Heroma")
    hogia = factory.system(slug="hogia", name="Hogia Lön Plus")
    factory.user(email="medlem@kommun.se")

    def switch(name, source, target, year, sector="kommun", size="1000-4999", **fields):
        org = factory.organisation(name, sector=sector, size_band=size)
        factory.experience(factory.user(organisation_id=org), target, organisation_id=org,
                           switched_from_id=source, in_use_since=year, sector=sector,
                           size_band=size, switch_reason="Supporten svarade inte.", **fields)
        return org

    twice = switch("Kommun A", personec, heroma, THIS_YEAR - 1)
    factory.experience(factory.user(organisation_id=twice), heroma, organisation_id=twice,
                       switched_from_id=personec, in_use_since=THIS_YEAR - 1)
    switch("Kommun B", personec, heroma, SINCE)
    switch("Kommun C", personec, heroma, THIS_YEAR)
    switch("Kommun D", personec, heroma, THIS_YEAR - 2, visibility="members")
    switch("Kommun E", heroma, personec, THIS_YEAR - 3)
    switch("Kommun F", hogia, heroma, 2012)
    switch("Företaget", personec, hogia, THIS_YEAR - 1, sector="privat", size="50-249")


def _flows_section(page: str) -> str:
    match = re.search(r'<section aria-labelledby="flows-heading".*?</section>', page, re.S)
    assert match, "no flows section"
    return match.group(0)


def _table(section: str, css: str) -> list[list[str]]:
    table = re.search(rf'<table class="[^"]*{css}[^"]*">.*?</table>', section, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", table, re.S)
                      .group(1), re.S)
    return [[cell for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


def _text(cell: str) -> str:
    return html.unescape(re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "",
                                cell)).strip()


def _href(cell: str) -> str:
    return html.unescape(re.search(r'href="([^"]+)"', cell).group(1))


def _listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(LISTED.search(main_content(response)).group(1))


def test_the_segment_s_flows_are_a_table_with_links_to_their_experiences(client, world):
    section = _flows_section(main_content(client.get(SEGMENT)))
    assert f"Flöden mellan lönesystemen sedan {SINCE}" in section
    rows = _table(section, "flows-table")
    assert [[_text(cell) for cell in row[:3]] for row in rows] == [
        ["Personec P", "Heroma", "3"], ["Heroma", "Personec P", "1"]]
    link = _href(rows[0][3])
    path, query = urlsplit(link).path, parse_qs(urlsplit(link).query)
    assert path == "/switches"
    assert query == {"from": ["personec-p"], "to": ["heroma"], "sector": ["kommun"],
                     "size": ["1000-4999"], "since": [str(SINCE)]}
    # The link's text says what it opens, for a screen reader.
    assert "3 erfarenheter om bytet från Personec P till Heroma" in rows[0][3]
    # Every count is exactly the list it links to.
    for row in rows:
        assert _listed(client, _href(row[3])) == int(_text(row[2]))


def test_each_system_s_net_gain_or_loss_links_to_who_came_and_who_left(client, world):
    section = _flows_section(main_content(client.get(SEGMENT)))
    rows = _table(section, "flows-net")
    assert [[_text(cell) for cell in row] for row in rows] == [
        ["Heroma", "3", "1", "+2"], ["Personec P", "1", "3", "−2"]]
    heroma = rows[0]
    came, left = parse_qs(urlsplit(_href(heroma[1])).query), \
        parse_qs(urlsplit(_href(heroma[2])).query)
    assert came["to"] == ["heroma"] and "from" not in came and came["since"] == [str(SINCE)]
    assert left["from"] == ["heroma"] and "to" not in left
    assert _listed(client, _href(heroma[1])) == 3
    assert _listed(client, _href(heroma[2])) == 1


def test_the_diagram_draws_one_band_per_flow_beside_the_table(client, world):
    section = _flows_section(main_content(client.get(SEGMENT)))
    svg = re.search(r"<svg.*?</svg>", section, re.S).group(0)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == f"Byten mellan lönesystem sedan {SINCE}"
    bands = [p for p in root.iter(f"{ns}path") if p.get("class") == "flow-band"]
    assert len(bands) == 2
    assert section.index("<svg") < section.index('class="data-table compact flows-table"')


def test_members_see_the_flows_of_what_members_may_read(client, auth, world):
    auth.login("medlem@kommun.se")
    section = _flows_section(main_content(client.get(SEGMENT)))
    rows = _table(section, "flows-table")
    assert [_text(cell) for cell in rows[0][:3]] == ["Personec P", "Heroma", "4"]
    assert _listed(client, _href(rows[0][3])) == 4


def test_every_organisation_and_an_empty_segment(client, world):
    every = _flows_section(main_content(client.get("/systems")))
    pairs = [[_text(cell) for cell in row[:3]] for row in _table(every, "flows-table")]
    assert ["Personec P", "Hogia Lön Plus", "1"] in pairs
    link = _href(_table(every, "flows-table")[0][3])
    assert set(parse_qs(urlsplit(link).query)) == {"from", "to", "since"}
    empty = _flows_section(main_content(client.get("/systems?sector=region")))
    assert "Ingen i urvalet har berättat om ett byte" in empty
    assert "<svg" not in empty

"""The switch filters (switched_from, switched_to) and direction read into the words
(`byta från Personec P`) on /search and GET /api/v1/experiences."""

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from kb.search.index import schema_fingerprint


@dataclass
class World:
    heroma: int
    personec: int
    primula: int
    hogia: int
    ids: dict


@pytest.fixture
def world(factory):
    with factory.batch():
        author = factory.user()
        heroma = factory.system(slug="heroma", name="Heroma", aliases="Heroma Lön\nCGI Heroma")
        personec = factory.system(slug="personec-p", name="Personec P",
                                  aliases="Personec\nVisma Personec P")
        primula = factory.system(slug="primula", name="Primula", aliases="Primula Lön")
        hogia = factory.system(slug="hogia-lon", name="Hogia Lön Plus", aliases="Hogia")
        ids = {}

        def add(key, system, title, switched_from=None, **fields):
            ids[key] = factory.experience(author, system, title=title,
                                          switched_from_id=switched_from, **fields)

        add("to_heroma", heroma, "Bytet från Personec P till Heroma gick bra", personec,
            pros="Semesterberäkningen fungerar bättre än i Personec.",
            switch_reason="Personec P blev för dyrt.")
        add("to_primula", primula, "Vi lämnade Personec för Primula", personec,
            pros="Supporten svarar snabbt.", switch_reason="Supporten i Personec var dålig.")
        add("from_heroma", personec, "Bytet från Heroma till Personec P", heroma,
            pros="Personec P har bra semesterberäkning.",
            switch_reason="Vi ville byta från Heroma för att få bättre rapporter.")
        add("from_primula", hogia, "Från Primula till Hogia", primula,
            pros="Hogia är enkelt.", switch_reason="Primula var för stort för oss.")
        add("stays", personec, "Personec P fungerar för oss",
            pros="Vi funderar inte på att byta från Personec P. Semesterberäkning ok.")
        add("heroma_only", heroma, "Heroma och semesterberäkning",
            pros="Semesterberäkningen i Heroma är bra.")
        # A switch from a system to itself is no switch to it.
        add("same", heroma, "Ny version av Heroma", heroma, pros="Uppgraderingen gick bra.")
        # Members only: a visitor never counts it.
        add("members", heroma, "Internt: bytet från Personec P", personec,
            visibility="members", pros="Bra.")
    return World(heroma, personec, primula, hogia, ids)


def api(client, **args):
    response = client.get("/api/v1/experiences", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def item_ids(body) -> list[int]:
    return [item["id"] for item in body["items"]]


def page_ids(page) -> list[int]:
    return [int(n) for n in re.findall(r'<h3><a href="/experiences/(\d+)">', page.text)]


def chips(page) -> list[tuple[str, str]]:
    """The chips: (text without the hidden words, the link that removes it)."""
    found = []
    for href, inner in re.findall(r'<a class="chip" href="([^"]*)">(.*?)</a>', page.text, re.S):
        inner = re.sub(r'<span class="visually-hidden">.*?</span>', "", inner)
        text = re.sub(r"<[^>]+>", "", inner).replace("×", "").strip()
        found.append((unescape(text), unescape(href)))
    return found


def facet(page, param: str) -> dict[str, tuple[int, bool]]:
    group = re.search(rf'<fieldset class="facet" id="facet-{param}">(.*?)</fieldset>',
                      page.text, re.S)
    if group is None:
        return {}
    return {label: (int(n), " checked" in box) for box, label, n in re.findall(
        r'<input type="checkbox"([^>]*)>\s*<label[^>]*>(.*?) '
        r'<span class="count">\((\d+)\)</span>', group.group(1))}


def args_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# Direction read into the words ---------------------------------------------------------


@pytest.mark.parametrize("q", ["byta från Personec", "varför bytte ni från Personec P",
                               "byta från Personek P", "lämnade Personec",
                               "flytt från personec"])
def test_every_hit_of_a_switch_from_left_that_system(client, world, q):
    body = api(client, q=q)
    assert body["items"], q
    assert all(item["switched_from"]["slug"] == "personec-p" for item in body["items"])
    assert world.ids["from_heroma"] not in item_ids(body)  # the first hit
    assert [system["slug"] for system in body["understood"]["switched_from"]] == ["personec-p"]
    assert body["understood"]["switched_to"] == []
    assert body["understood"]["labels"] == ["bytte från Personec P"]
    page = client.get("/search", query_string={"q": q})
    assert sorted(page_ids(page)) == sorted(item_ids(body))


def test_a_switch_from_and_to_needs_both(client, world):
    body = api(client, q="bytt från Personec P till Heroma")
    assert item_ids(body) == [world.ids["to_heroma"]]
    assert body["items"][0]["system"]["slug"] == "heroma"
    assert body["items"][0]["switched_from"]["slug"] == "personec-p"
    assert body["understood"]["labels"] == ["bytte från Personec P", "bytte till Heroma"]
    body = api(client, q="gick över till Heroma")
    assert item_ids(body) == [world.ids["to_heroma"]]  # not the one from Heroma to Heroma


def test_the_rest_of_the_words_is_searched_as_text(client, world):
    body = api(client, q="byta från Personec supporten")
    assert item_ids(body) == [world.ids["to_primula"]]
    assert body["understood"]["text"] == "supporten"


def test_a_direction_alone_lists_the_filtered_experiences_as_a_filter_does(client, world):
    typed = api(client, q="varför bytte ni från Personec P")
    filtered = api(client, switched_from="personec-p")
    assert item_ids(typed) == item_ids(filtered)
    assert typed["total"] == filtered["total"] == 2  # members only left out
    assert typed["match"] == "all" and typed["notices"] == []


def test_the_chip_says_what_was_understood_and_takes_it_away(client, world):
    page = client.get("/search", query_string={"q": "bytt från Personec P till Heroma"})
    shown = dict(chips(page))
    assert set(shown) == {"Tolkat som: bytte från Personec P", "Tolkat som: bytte till Heroma"}
    for href in shown.values():
        assert args_of(href) == {"q": ["bytt från Personec P till Heroma"], "literal": ["1"]}
    assert "Ta bort tolkningen" in page.text
    assert "Rensa alla filter" not in page.text  # a reading is no filter to clear
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page.text)))
    assert "Visar erfarenheter från organisationer som har bytt från Personec P till " \
           "Heroma." in text
    assert "Sök i stället på ”bytt från Personec P till Heroma” som vanlig text" in text
    # Without the interpretation: the words as text, no chip, and the form keeps it so.
    literal = client.get(next(iter(shown.values())))
    assert chips(literal) == []
    assert world.ids["from_heroma"] in page_ids(literal)
    assert '<input type="hidden" name="literal" value="1">' in literal.text
    # The interpreted values are not ticked: the form must not make them filters.
    assert facet(page, "switched_from") == {"Personec P": (1, False)}


def test_literal_survives_in_page_links(client, factory, world):
    with factory.batch():
        author = factory.user()
        for n in range(21):
            factory.experience(author, world.personec, title=f"Byta från Personec {n}")
    page = client.get("/search", query_string={"q": "byta från Personec", "literal": "1"})
    assert "Tolkat som" not in page.text
    following = re.search(r'<a rel="next" href="([^"]*)"', page.text).group(1)
    assert args_of(unescape(following))["literal"] == ["1"]
    # Interpreted, the same words find only the switches.
    assert len(page_ids(client.get("/search", query_string={"q": "byta från Personec"}))) == 2


@pytest.mark.parametrize("q", ["Heroma", "heroma", "Personec P", "semesterberäkning",
                               "till exempel semesterberäkning", "från och med",
                               "byta lönesystem", "Heroma semesterberäkning",
                               "erfarenheter från Heroma"])
def test_a_query_without_a_direction_is_unchanged(client, world, q):
    body = api(client, q=q)
    literal = api(client, q=q, literal="1")
    assert body["understood"] is None
    assert {k: v for k, v in body.items()} == literal
    assert "Tolkat som" not in client.get("/search", query_string={"q": q}).text


def test_literal_searches_the_words_in_the_api(client, world):
    body = api(client, q="byta från Heroma", literal="ja")
    assert body["understood"] is None
    assert world.ids["from_heroma"] in item_ids(body)
    refused = client.get("/api/v1/experiences?q=byta&literal=kanske")
    assert refused.status_code == 400
    assert "literal ska vara 1 eller 0" in refused.get_json()["error"]["message"]


# The filters ---------------------------------------------------------------------------


def test_switched_from_and_to_filter_with_counts(client, world):
    body = api(client, switched_from="personec-p")
    assert sorted(item_ids(body)) == sorted([world.ids["to_heroma"], world.ids["to_primula"]])
    page = client.get("/search?switched_from=personec-p")
    assert facet(page, "switched_from") == {"Personec P": (2, True), "Heroma": (2, False),
                                            "Primula": (1, False)}
    assert facet(page, "switched_to") == {"Heroma": (1, False), "Primula": (1, False)}
    assert chips(page) == [("Bytte från: Personec P", "/search")]

    page = client.get("/search")
    # Heroma's own "switch" from Heroma is no switch to it.
    assert facet(page, "switched_to") == {"Heroma": (1, False), "Hogia Lön Plus": (1, False),
                                          "Personec P": (1, False), "Primula": (1, False)}
    body = api(client, switched_to="heroma")
    assert item_ids(body) == [world.ids["to_heroma"]]


def test_several_values_widen_and_the_two_filters_narrow(client, world):
    body = api(client, switched_from=["personec-p", "heroma"])
    assert sorted(item_ids(body)) == sorted([world.ids["to_heroma"], world.ids["to_primula"],
                                             world.ids["from_heroma"], world.ids["same"]])
    body = api(client, switched_from=["personec-p", "heroma"], switched_to=["heroma", "primula"])
    assert sorted(item_ids(body)) == sorted([world.ids["to_heroma"], world.ids["to_primula"]])
    page = client.get("/search?switched_from=personec-p&switched_from=heroma"
                      "&switched_to=primula")
    assert page_ids(page) == [world.ids["to_primula"]]
    shown = dict(chips(page))
    assert args_of(shown["Bytte från: Heroma"]) == {"switched_from": ["personec-p"],
                                                    "switched_to": ["primula"]}
    assert args_of(shown["Bytte till: Primula"]) == {"switched_from": ["personec-p", "heroma"]}
    clear = re.search(r'<a class="chips-clear" href="([^"]*)"', page.text).group(1)
    assert args_of(unescape(clear)) == {}


def test_a_member_counts_what_members_may_read(client, auth, factory, world):
    factory.user(email="medlem@example.se")
    auth.login("medlem@example.se")
    assert api(client, switched_from="personec-p")["total"] == 3
    page = client.get("/search?switched_from=personec-p")
    assert facet(page, "switched_from")["Personec P"] == (3, True)


def test_an_unknown_or_malformed_system_is_left_out_with_a_notice(client, world):
    page = client.get("/search?switched_from=finns-inte&switched_to=%3Cscript%3E")
    assert page.status_code == 200
    assert "Det finns inget lönesystem ”finns-inte” – filtret ”Bytte från” används inte " \
           "för det." in unescape(page.text)
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    assert len(page_ids(page)) == 7  # unfiltered: every public experience
    body = api(client, switched_from=["finns-inte", "personec-p"])
    assert len(body["items"]) == 2
    assert body["notices"] == [
        "Det finns inget lönesystem ”finns-inte” – filtret ”Bytte från” används inte för det."]


def test_the_index_knows_the_system_switched_from():
    """An index built without the field has another fingerprint, so it is judged built
    by another version of kb and rebuilt (kb.indexing.validity)."""
    from kb.search import index, schema

    real = schema_fingerprint()
    built = schema.build_schema

    def without_field():
        old = built()
        old.remove("switched_from_id")
        return old

    saved = index._fingerprint
    try:
        index._fingerprint = None
        index.build_schema = without_field
        assert index.schema_fingerprint() != real
    finally:
        index.build_schema = built
        index._fingerprint = saved
    assert "switched_from_id" in built().names()


def test_a_correction_keeps_the_direction(client, world):
    body = api(client, q="byta från Personec supprten")
    assert body["suggestion"] == body["corrected"] == "byta från Personec support"
    assert item_ids(body) == [world.ids["to_primula"]]
    page = client.get("/search", query_string={"q": "byta från Personec supprten"})
    link = re.search(r'Menade du <a href="([^"]*)"', page.text).group(1)
    assert args_of(unescape(link)) == {"q": ["byta från Personec support"]}

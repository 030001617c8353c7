"""Direction in a search query (kb.experiences.direction): Swedish phrases of
switching that name a catalogue system become switch filters; everything else is
left as it is."""

import pytest

from kb.experiences.direction import Named, mentions_switch, understand

CATALOGUE = [
    Named("heroma", "Heroma", ("Heroma Lön", "CGI Heroma")),
    Named("personec-p", "Personec P", ("Personec", "Visma Personec P", "Visma Personec")),
    Named("primula", "Primula", ("Primula Lön", "Tietoevry Primula", "Primula Web")),
    Named("hogia-lon", "Hogia Lön Plus", ("Hogia Lön", "Hogia Lön Plus", "Hogia")),
    Named("visma-lon-300-600", "Visma Lön 300/600", ("Visma Lön 300", "Visma Lön 600")),
    Named("visma-lon-smart", "Visma Lön Smart", ("Lön Smart", "Visma Lön Smart")),
    Named("fortnox-lon", "Fortnox Lön", ("Fortnox", "Fortnox Lön")),
    Named("flex-hrm-lon", "Flex HRM Lön", ("Flex HRM", "Flex Lön")),
    Named("sap-successfactors-ecp", "SAP SuccessFactors Employee Central Payroll",
          ("SAP ECP", "SuccessFactors")),
]


def read(q):
    found = understand(q, CATALOGUE)
    if found is None:
        return None
    return found.from_slugs, found.to_slugs, found.text


@pytest.mark.parametrize(("q", "left", "came_to", "rest"), [
    ("byta från Personec", ("personec-p",), (), ""),
    ("byta från Personec P", ("personec-p",), (), ""),
    ("Byta FRÅN personec p", ("personec-p",), (), ""),
    ("bytt från Personec P till Heroma", ("personec-p",), ("heroma",), ""),
    ("bytte från Personec P", ("personec-p",), (), ""),
    ("byter från Hogia", ("hogia-lon",), (), ""),
    ("bytet från Primula", ("primula",), (), ""),
    ("systembytet från Primula till Heroma", ("primula",), ("heroma",), ""),
    ("lämnade Heroma", ("heroma",), (), ""),
    ("varför lämnade ni Hogia?", ("hogia-lon",), (), ""),
    ("gick över till Heroma", (), ("heroma",), ""),
    ("vi gick över till Fortnox", (), ("fortnox-lon",), ""),
    ("bytte till Heroma", (), ("heroma",), ""),
    ("ersatte Personec med Heroma", ("personec-p",), ("heroma",), ""),
    ("varför bytte ni från Personec P", ("personec-p",), (), ""),
    ("Varför bytte ni från Personec P?", ("personec-p",), (), ""),
    ("flytt från Primula", ("primula",), (), ""),
    ("migrering från Primula till Hogia", ("primula",), ("hogia-lon",), ""),
    ("migreringen från Visma Personec till SAP ECP", ("personec-p",),
     ("sap-successfactors-ecp",), ""),
    ("övergången från Heroma", ("heroma",), (), ""),
    ("bytte ut Personec mot Heroma", ("personec-p",), ("heroma",), ""),
    ("lämnade Hogia för Fortnox", ("hogia-lon",), ("fortnox-lon",), ""),
    ("byte från Personec eller Heroma", ("personec-p", "heroma"), (), ""),
    ("byta lönesystem från Primula", ("primula",), (), ""),
    ("byta från lönesystemet Heroma", ("heroma",), (), ""),
    ("från Heroma till Primula", ("heroma",), ("primula",), ""),
    # Folded letters and the genitive.
    ("lamnade Heroma", ("heroma",), (), ""),
    ("byta fran Hogia", ("hogia-lon",), (), ""),
    ("bytet från Heromas", ("heroma",), (), ""),
    # A first word no other system starts with names that system.
    ("byta från Flex", ("flex-hrm-lon",), (), ""),
    # The rest of the words is searched as text.
    ("byta från Heroma semesterberäkning", ("heroma",), (), "semesterberäkning"),
    ("supporten efter bytet från Personec P till Heroma", ("personec-p",), ("heroma",),
     "supporten efter"),
    ("migrera data till Heroma", (), ("heroma",), "data"),
    ('byta från Hogia "AGI-filen"', ("hogia-lon",), (), '"AGI-filen"'),
    ("Primula efter bytet från Heroma", ("heroma",), (), "Primula efter"),
])
def test_phrasings_of_a_switch(q, left, came_to, rest):
    assert read(q) == (left, came_to, rest)


@pytest.mark.parametrize(("q", "left", "came_to"), [
    ("byta från Personek P", ("personec-p",), ()),
    ("bytte från Personek", ("personec-p",), ()),
    ("lämnade heroma", ("heroma",), ()),
    ("lämnade Herona", ("heroma",), ()),
    ("bytt från Primla till Hogia", ("primula",), ("hogia-lon",)),
    ("gick över till Fortnix", (), ("fortnox-lon",)),
    ("byta från Sucessfactors", ("sap-successfactors-ecp",), ()),
])
def test_small_misspellings_of_names(q, left, came_to):
    assert read(q)[:2] == (left, came_to)


@pytest.mark.parametrize("q", [
    "byta lönesystem",
    "från och med",
    "till exempel",
    "från och med 2024 till exempel",
    "Heroma",
    "heroma",
    "Heroma semesterberäkning",
    "Personec P support",
    "erfarenheter från Heroma",
    "semesterlön till Heroma",
    "byta från personal",  # a word, not a misspelling of Personec
    "bytte från Hera",  # short words must be written as the catalogue writes them
    "byta från Visma",  # Visma starts several systems' names
    "byta till Lön",
    '"bytte från Heroma"',  # a quoted phrase is searched as written
    "gick hem till Heroma",
    "",
])
def test_no_direction_is_read_where_there_is_none(q):
    assert understand(q, CATALOGUE) is None


def test_no_catalogue_is_needed_to_see_that_a_query_has_no_direction():
    assert not mentions_switch("Heroma semesterberäkning")
    assert not mentions_switch("supporten är dålig")
    assert mentions_switch("varför bytte ni från Personec")


def test_an_ambiguous_name_is_not_read():
    catalogue = [Named("a", "Lönia Plus", ("Lönia",)), Named("b", "Lönia Bas", ("Lönia",))]
    assert understand("byta från Lönia", catalogue) is None
    assert understand("byta från Lönia Bas", catalogue).from_slugs == ("b",)


def test_the_chips_and_the_notice_say_it_in_swedish():
    found = understand("bytt från Personec P till Heroma", CATALOGUE)
    assert found.labels() == ["bytte från Personec P", "bytte till Heroma"]
    assert found.describe() == "bytt från Personec P till Heroma"
    found = understand("byte från Personec eller Primula eller Hogia", CATALOGUE)
    assert found.labels() == ["bytte från Personec P, Primula eller Hogia Lön Plus"]
    assert understand("gick över till Heroma", CATALOGUE).describe() == "bytt till Heroma"


def test_no_dangling_operator_is_left():
    found = understand("Heroma OR byta från Personec", CATALOGUE)
    assert found.text == "Heroma"

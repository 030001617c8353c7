"""A payroll manager finds colleagues' experiences with the words they would use."""

import pytest

from kb.search.analysis import compound_parts, stem


@pytest.fixture
def catalogue(factory):
    with factory.batch():
        author = factory.user()
        heroma = factory.system(slug="heroma", name="Heroma", vendor="CGI", aliases="CGI Heroma")
        personec = factory.system(slug="visma-personec", name="Visma Lön 600",
                                  vendor="Visma", aliases="Personec\nVisma Personec P")
        ids = {
            "system": factory.experience(
                author, heroma, title="Bytet gick bra",
                pros="Lönesystemet är stabilt och tjänstepensionsrapporteringen fungerar.",
                cons=""),
            "skuld": factory.experience(
                author, personec, title="Årsskiftet",
                pros="Semesterskulderna stämmer varje månad.", cons=""),
            "korning": factory.experience(
                author, heroma, title="Snabbt", pros="Lönekörningen tar tio minuter.", cons=""),
            "false": factory.experience(
                author, personec, title="Systematisk uppföljning",
                pros="Vi arbetar systematiskt med kvalitet.", cons=""),
        }
        return ids


def titles(client, q):
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 200
    return page.text


@pytest.mark.parametrize(
    ("query", "found", "title"),
    [
        ("lönesystem", "Lönesystemet", "Bytet gick bra"),
        ("semesterskuld", "Semesterskulderna", "Årsskiftet"),
        ("LÖNEKÖRNING", "Lönekörningen", "Snabbt"),
        ("pensionsrapportering", "tjänstepensionsrapporteringen", "Bytet gick bra"),
    ],
)
def test_inflected_and_compounded_words_are_found_and_marked(client, catalogue, query, found,
                                                              title):
    text = titles(client, query)
    assert title in text
    assert f"<mark>{found}</mark>" in text


def test_a_part_of_a_compound_is_found_without_false_hits(client, catalogue):
    text = titles(client, "system")
    assert "Bytet gick bra" in text  # lönesystemet
    assert "Systematisk uppföljning" not in text


def test_system_names_and_aliases_are_searchable_unstemmed(client, catalogue):
    assert "Bytet gick bra" in titles(client, "Heroma")
    text = titles(client, "Personec")
    assert "Årsskiftet" in text and "Bytet gick bra" not in text


def test_decomposed_unicode_is_normalised(client, catalogue):
    assert "Snabbt" in titles(client, "lo\u0308nekörning")


def test_phrase_query_needs_the_words_together(client, catalogue):
    assert "Årsskiftet" in titles(client, '"stämmer varje månad"')
    assert "Årsskiftet" not in titles(client, '"månad stämmer"')


def test_swedish_analysis_units():
    assert stem("lönesystemet") == stem("lönesystem")
    assert stem("semesterskulderna") == stem("semesterskuld")
    assert compound_parts(stem("tjänstepensionsrapporteringen"))[-2:] == (
        "pension", stem("rapportering"))
    assert compound_parts(stem("systematisk")) == ()

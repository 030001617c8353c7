"""Search finds what payroll people mean, in the words they type: common words,
forgiving matching, compounds both ways, word forms and suggestions."""

import pytest

from kb.experiences.search_params import NONE_HAS_ALL, ONLY_STOP_WORDS
from kb.search.analysis import compound_parts, highlight_keys, word_key


def search(client, q, **args):
    response = client.get("/api/v1/experiences", query_string={"q": q, **args})
    assert response.status_code == 200
    return response.get_json()


def titles(found) -> list[str]:
    return [item["title"] for item in found["items"]]


@pytest.fixture
def experiences(factory):
    with factory.batch():
        author = factory.user()
        hogia = factory.system(slug="hogia-lon", name="Hogia Lön Plus", aliases="Hogia")
        heroma = factory.system(slug="heroma", name="Heroma", vendor="CGI")
        fortnox = factory.system(slug="fortnox-lon", name="Fortnox Lön", aliases="Fortnox")
        made = {}

        def add(key, system, title, pros, **fields):
            made[key] = factory.experience(author, system, title=title, pros=pros, cons="",
                                           **fields)

        add("switch", fortnox, "Bytet gick smidigt", "Vi bytte från Hogia förra året.",
            switched_from_id=hogia)
        add("support", heroma, "Supporten är dålig", "Supporten svarar aldrig i telefon.")
        add("far", heroma, "Stabil drift",
            "Supporten har bytt personal. Integrationerna fungerar och lönen kommer ut. "
            "Rapporterna är dåliga på att visa semester.")
        add("report", fortnox, "Rapporten om semesterersättningen",
            "Rapporten om semesterersättning visar fel belopp för timanställda.")
        add("whole", fortnox, "Semesterersättningsrapporten",
            "Semesterersättningsrapporten saknar kolumn för sparade dagar.")
        add("run", hogia, "Ersättningsrapporten", "Ersättningsrapporten tar lång tid att köra.")
        add("agi", heroma, "AGI-filen avvisades", "AGI-filen avvisades två gånger.")
        add("atf", hogia, "Arbetstidsförkortningen", "Arbetstidsförkortningen räknas fel.")
        add("printed", fortnox, "Lönebesked på papper", "Vi skrev ut lönebeskeden i våras.")
        add("helped", heroma, "Hjälpsam leverantör", "CGI hjälpte oss med inläsningen.")
        add("went", hogia, "Övergången", "Det gick bra att gå över till Kivra.")
        add("systematic", hogia, "Systematisk uppföljning",
            "Vi arbetar systematiskt med avstämning.")
        return made


def test_a_common_word_never_empties_the_search(client, experiences):
    assert titles(search(client, "byta från Hogia"))[0] == "Bytet gick smidigt"
    found = search(client, "supporten är dålig")
    assert found["match"] == "all"
    assert titles(found)[0] == "Supporten är dålig"
    page = client.get("/search?q=supporten+är+dålig").text
    assert "<mark>Supporten</mark> är <mark>dålig</mark>" in page


def test_a_query_of_only_common_words_searches_nothing_and_says_so(client, experiences):
    found = search(client, "och är från")
    assert found["items"] == [] and found["match"] == "none"
    assert ONLY_STOP_WORDS in found["notices"]
    assert ONLY_STOP_WORDS in client.get("/search?q=och+är+från").text


def test_words_that_never_meet_show_the_experiences_with_most_of_them(client, experiences):
    found = search(client, "supporten dålig telefon semesterersättning")
    assert found["match"] == "most"
    assert NONE_HAS_ALL in found["notices"]
    # Three of the four words first, then those with fewer.
    assert titles(found)[0] == "Supporten är dålig"
    assert NONE_HAS_ALL in client.get(
        "/search", query_string={"q": "supporten dålig telefon semesterersättning"}).text
    # An excluded word stays excluded however many words match.
    found = search(client, "supporten dålig telefon NOT aldrig")
    assert "Supporten är dålig" not in titles(found)


def test_words_close_together_rank_above_words_far_apart(client, experiences):
    found = search(client, "supporten dålig")
    # Both experiences hold both words; "far" holds them sentences apart.
    assert titles(found).index("Supporten är dålig") < titles(found).index("Stabil drift")


def test_a_compound_finds_itself_first_then_its_runs_of_parts(client, experiences):
    found = titles(search(client, "semesterersättningsrapport"))
    assert found[0] == "Semesterersättningsrapporten"
    # `rapporten om semesterersättningen` (the run `semesterersättning`) and
    # `ersättningsrapporten` (the run `ersättningsrapport`).
    assert {"Rapporten om semesterersättningen", "Ersättningsrapporten"} <= set(found)
    assert "Stabil drift" not in found  # `semester` and `rapport` alone: not while runs match


def test_a_compound_nobody_wrote_finds_its_parts_and_says_so(client, experiences):
    found = search(client, "semesterrapportmallen")
    assert found["match"] == "parts" and found["items"]
    assert found["notices"]


def test_a_hyphenated_compound_is_a_compound(client, experiences):
    assert "AGI-filen avvisades" in titles(search(client, "AGI-filen"))
    assert "AGI-filen avvisades" in titles(search(client, "agi"))
    assert "AGI-filen avvisades" in titles(search(client, "filen"))
    assert compound_parts(word_key("sie-exporten")) == ("sie", "export")


@pytest.mark.parametrize("word", ["löneväxlingsavtalet", "reseersättningsreglerna",
                                  "arbetstidsförkortning", "lönespecifikationerna",
                                  "semesterersättningsrapport"])
def test_payroll_compounds_split_with_the_swedish_word_list(word):
    assert len(compound_parts(word_key(word))) >= 2


@pytest.mark.parametrize("word", ["systematisk", "systematiskt", "företag", "kanske",
                                  "information", "beredskap", "upphandling"])
def test_ordinary_words_stay_whole(word):
    assert compound_parts(word_key(word)) == ()


def test_a_part_found_only_by_the_word_list_finds_its_compound(client, experiences):
    assert "Arbetstidsförkortningen" in titles(search(client, "förkortning"))
    assert "Systematisk uppföljning" not in titles(search(client, "system"))


@pytest.mark.parametrize(("forms", "title"), [
    (["skriva", "skrev", "skrivit", "skriver"], "Lönebesked på papper"),
    (["hjälpa", "hjälpte", "hjälpt", "hjälper"], "Hjälpsam leverantör"),
    (["gå", "gick", "gått", "går"], "Övergången"),
])
def test_strong_and_irregular_verb_forms_find_each_other(client, experiences, forms, title):
    for form in forms:
        assert title in titles(search(client, form)), form


def test_irregular_plurals_and_particle_verbs_meet_their_base_form():
    assert highlight_keys("städer")[0] == highlight_keys("stad")[0]
    assert highlight_keys("böckerna")[0] == highlight_keys("bok")[0]
    assert highlight_keys("övergick")[0] == highlight_keys("övergå")[0]
    # A common word that only looks like a form keeps its meaning.
    assert highlight_keys("låg")[0] != highlight_keys("ligga")[0]


def test_a_misspelling_found_in_one_text_still_gets_menade_du(client, factory):
    author, system = factory.user(), factory.system()
    factory.experience(author, system, title="Stavfel", pros="Semesterberäkingen är fel.")
    for n in range(4):
        factory.experience(author, system, title=f"Rätt {n}",
                           pros="Semesterberäkningen fungerar.")
    found = search(client, "semesterberäkingen")
    assert found["total"] == 1
    # The base form as the texts write it, not the inflected one.
    assert found["suggestion"] == "semesterberäkning"
    page = client.get("/search?q=semesterberäkingen").text
    assert "Menade du" in page and "semesterberäkning</a>" in page


def test_a_misspelt_system_is_corrected_to_the_catalogues_name(client, experiences):
    found = search(client, "Herona")
    # Nothing has the typed word: the hits are for the correction, and it says so.
    assert found["corrected"] == "Heroma" and found["suggestion"] == "Heroma"
    assert found["total"] > 0 and any("Heroma" in notice for notice in found["notices"])
    page = client.get("/search?q=Herona").text
    assert "Menade du" in page and ">Heroma</a>" in page


def test_an_abbreviation_finds_what_it_stands_for_and_back(client, experiences, factory):
    assert "Arbetstidsförkortningen" in titles(search(client, "ATF"))
    assert "AGI-filen avvisades" in titles(search(client, "arbetsgivardeklarationen"))
    factory.experience(factory.user(), factory.system(), title="Tilläggen",
                       pros="OB räknas rätt på helger.")
    assert "Tilläggen" in titles(search(client, '"obekväm arbetstid"'))


def test_a_phrase_few_wrote_is_followed_by_its_words(client, factory):
    author, system = factory.user(), factory.system()
    factory.experience(author, system, title="Exakt", pros="Semesterlönen blev fel i juli.")
    factory.experience(author, system, title="Orden", pros="Fel på semesterlönen, och i juli.")
    found = search(client, '"semesterlönen blev fel"')
    assert titles(found) == ["Exakt", "Orden"] and found["match"] == "most"
    # A phrase nobody wrote finds nothing, and offers its words unquoted.
    found = search(client, '"juli semesterlönen"')
    assert found["items"] == [] and found["suggestion"] == "juli semesterlönen"

"""The search's URL parameters are the experiences feature's: read from a query
string with unusable values dropped, handed to kb.search as plain values, and what
the search did told in Swedish."""

from datetime import datetime

from werkzeug.datastructures import MultiDict

from kb import search
from kb.experiences import SearchParams, search_params


def test_values_are_read_and_what_cannot_be_used_is_dropped():
    params = SearchParams.from_mapping(MultiDict([
        ("q", "  semester\x00skuld   i  Heroma "), ("system", "heroma"), ("system", "Fel slug!"),
        ("system", "heroma"), ("sector", "region"), ("sector", "kommun"), ("sector", "påhittad"),
        ("min_rating", "9"), ("since", "2021"), ("sort", "baklänges"), ("fresh", "ja"),
        ("page", "100000"),
    ]))
    assert params.q == "semester skuld i Heroma"
    assert params.system == ("heroma",)
    assert params.sector == ("kommun", "region")  # in the vocabulary's order
    assert params.min_rating is None and params.since == 2021
    assert params.sort == "relevance" and params.fresh
    assert params.page == search_params.MAX_PAGE
    assert params.notices == []


def test_a_long_query_is_cut_with_a_notice():
    params = SearchParams.from_mapping({"q": "lön " * 100})
    assert len(params.q) <= search.MAX_QUERY_CHARS
    assert params.notices == [search_params.SHORTENED]
    assert "200 tecken" in search_params.SHORTENED


def test_without_words_the_newest_come_first():
    assert SearchParams.from_mapping({}).sort == "newest"
    assert SearchParams.from_mapping({"sort": "rating"}).sort == "rating"


def test_the_criteria_are_plain_values():
    confirmed = datetime(2024, 5, 1)
    params = SearchParams.from_mapping({"q": "lön", "role": "lonechef", "since": "2020",
                                        "min_rating": "4", "page": "2"})
    criteria = params.criteria(confirmed_since=confirmed)
    assert criteria == search.Criteria(
        text="lön", filters={"role": ("lonechef",)}, min_rating=4,
        created_since=datetime(2020, 1, 1), confirmed_since=None, sort="relevance", page=2)
    fresh = SearchParams.from_mapping({"fresh": "1"}).criteria(confirmed_since=confirmed)
    assert fresh.confirmed_since == confirmed and fresh.sort == "newest"


def test_links_keep_the_parameters_and_toggle_one_value():
    params = SearchParams.from_mapping({"q": "lön", "sector": ["kommun"], "page": "3"})
    assert params.as_args() == {"q": "lön", "sector": ["kommun"]}
    assert params.toggled("sector", "region") == {"q": "lön", "sector": ["kommun", "region"]}
    assert params.toggled("sector", "kommun") == {"q": "lön"}
    assert params.filtered


def test_every_note_of_the_search_is_told_in_swedish():
    assert set(search_params.NOTICES) == set(search.NOTES)
    found = search.Found([], 0, 1, 1, {}, notes=[search.CORRECTED, search.FEW_HAVE_ALL],
                         corrected="Heroma")
    assert search_params.notices(found, "Herona") == [
        "Inga erfarenheter innehåller ”Herona” – visar träffar för ”Heroma”.",
        search_params.FEW_HAVE_ALL,
    ]

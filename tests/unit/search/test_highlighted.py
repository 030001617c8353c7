"""Titles and snippets come out of kb.search as plain text with the spans of the
words that matched: nothing in them is HTML, and the spans point at the matches."""

from datetime import datetime

from kb.search import Highlighted, MatchWords, highlight_all, memory_index, snippet
from kb.search.query import parse_text_query


def words_for(q: str) -> MatchWords:
    index = memory_index([{"id": "1", "title": "x", "body": "x", "parts": "x",
                           "created": datetime(2024, 1, 1)}])
    return MatchWords(parse_text_query(index.schema, q))


def test_a_title_keeps_its_text_and_marks_the_words_that_matched():
    title = highlight_all("Om <script> och lönesystemet", words_for("lönesystem"))
    assert isinstance(title, Highlighted)
    assert title.text == "Om <script> och lönesystemet"
    assert title.matched == ["lönesystemet"]
    assert list(title.pieces()) == [("Om <script> och ", False), ("lönesystemet", True)]


def test_a_snippet_cut_from_a_long_text_has_its_spans_where_the_words_are():
    text = ("Inledning utan något särskilt. " * 12 + "Semesterskulden stämmer <b>varje</b> "
            "månad. " + "Avslutning som inte heller säger något. " * 12)
    cut = snippet(["", text], words_for("semesterskuld"))
    assert cut.text.startswith("… ") and cut.text.endswith(" …")
    assert cut.matched == ["Semesterskulden"]
    assert "<b>varje</b>" in cut.text  # plain text: escaping is for whoever shows it
    assert len(cut.text) < len(text)


def test_without_a_match_a_snippet_is_the_opening_of_the_first_text_unmarked():
    cut = snippet([None, "Stabilt <b>system</b>\nför oss."], words_for("semesterskuld"))
    assert cut == Highlighted("Stabilt <b>system</b> för oss.")
    assert not snippet(["", None], words_for("semesterskuld"))


def test_line_breaks_in_a_snippet_become_spaces_and_the_spans_still_fit():
    cut = snippet(["Första raden.\nLönesystemet på andra raden."], words_for("lönesystem"))
    assert "\n" not in cut.text
    assert cut.matched == ["Lönesystemet"]

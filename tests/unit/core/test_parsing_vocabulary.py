"""One reader of yes and no, and of the numbers a URL carries (kb.core.parsing)."""

import pytest

from kb.core import parsing

YES = ["1", "true", "ja", "on", "yes", "JA", "True", "YES", "On", True, 1]
NO = ["0", "false", "nej", "off", "no", "NEJ", "False", "No", "OFF", False, 0]
NEITHER = ["", " ja", "nej ", "kanske", "2", "y", "n", "sant", "²", None, 2, 1.0]


@pytest.mark.parametrize("value", YES)
def test_every_spelling_of_yes_is_true(value):
    assert parsing.boolean(value) is True
    assert parsing.flag(value) is True


@pytest.mark.parametrize("value", NO)
def test_every_spelling_of_no_is_false(value):
    assert parsing.boolean(value) is False
    assert parsing.flag(value) is False


@pytest.mark.parametrize("value", NEITHER)
def test_anything_else_is_neither(value):
    assert parsing.boolean(value) is None
    assert parsing.flag(value) is False


def test_the_documented_spellings_are_exactly_those_read():
    spellings = parsing.boolean_spellings()
    assert {"ja", "JA", "Ja", "jA", "nej", "NEJ", "1", "0", "tRuE"} <= set(spellings)
    assert all(parsing.boolean(text) is not None for text in spellings)
    # Every case of every letter of every word, and nothing else.
    words = [word for pair in parsing.YES_NO for word in pair]
    assert len(spellings) == sum(2 ** sum(c.isalpha() for c in word) for word in words)


@pytest.mark.parametrize("text", ["²", "³", "٣", "１", "abc", "", " 2", "2 ", "+2", "-1", "0",
                                  "1.0", "99999999999999999999", "1001"])
def test_a_page_the_api_refuses(text):
    assert parsing.page_or_none(text) is None


@pytest.mark.parametrize(("text", "number"), [("1", 1), ("07", 7), ("1000", 1000)])
def test_a_page_the_api_reads(text, number):
    assert parsing.page_or_none(text) == number


@pytest.mark.parametrize("text", ["²", "abc", "0", "99999999999999999999", None])
def test_a_page_a_page_falls_back_to_the_first(text):
    assert parsing.page(text) == 1

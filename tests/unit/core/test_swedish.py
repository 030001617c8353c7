"""Swedish numbers, plurals, dates and times, as every page, export and mail shows them."""

from datetime import date, datetime

import pytest

from kb.core import swedish

NOW = datetime(2027, 3, 18, 12, 0)


@pytest.mark.parametrize(("then", "said"), [
    (datetime(2027, 3, 18, 8, 0), "i dag"),
    (datetime(2027, 3, 17, 8, 0), "i går"),
    (datetime(2027, 3, 10, 12, 0), "för 8 dagar sedan"),
    (datetime(2027, 2, 19, 12, 0), "för 27 dagar sedan"),  # not yet a calendar month
    (datetime(2027, 2, 18, 12, 0), "för en månad sedan"),
    (datetime(2026, 10, 1, 12, 0), "för 5 månader sedan"),
    (datetime(2026, 3, 18, 12, 0), "för ett år sedan"),
    (datetime(2024, 1, 1, 12, 0), "för 3 år sedan"),
])
def test_how_long_ago_in_words(then, said):
    assert swedish.ago(then, NOW) == said


def test_no_time_is_no_words():
    assert swedish.ago(None, NOW) == ""


@pytest.mark.parametrize(("value", "said"), [
    (1, "1 månad"), (1.0, "1 månad"), (2, "2 månader"), (9.0, "9 månader"),
    (1.5, "1,5 månader"), (0, "0 månader"),
])
def test_months_take_the_singular_only_for_exactly_one(value, said):
    assert swedish.months(value) == said


def test_plural_counts_with_swedish_thousands():
    assert swedish.plural(1, "erfarenhet", "erfarenheter") == "1 erfarenhet"
    assert swedish.plural(1200, "erfarenhet", "erfarenheter") == "1\u00a0200 erfarenheter"


def test_thousands_with_a_no_break_space_or_an_ordinary_one():
    assert swedish.thousands(11880) == "11\u00a0880"
    assert swedish.thousands(-12) == "\u221212"
    assert swedish.thousands(2566, space=" ") == "2 566"


def test_decimals_take_a_comma():
    assert swedish.decimal(3.66) == "3,7"
    assert swedish.decimal(1234.5) == "1\u00a0234,5"


def test_dates_and_times_the_swedish_way():
    assert swedish.date(date(2026, 12, 1)) == "1 december 2026"
    assert swedish.clock(datetime(2027, 3, 18, 9, 5)) == "09.05"
    assert swedish.date_and_time(datetime(2027, 3, 18, 9, 30)) == "torsdag 18 mars 2027 kl. 09.30"
    assert swedish.date(None) == swedish.clock(None) == swedish.date_and_time(None) == "–"


def test_spreadsheet_numbers_have_a_comma_an_ascii_minus_and_no_thousands():
    assert swedish.spreadsheet(3.166, 2) == "3,17"
    assert swedish.spreadsheet(-12.5, 1) == "-12,5"
    assert swedish.spreadsheet(12345.6, 0) == "12346"
    assert swedish.spreadsheet(None) == ""

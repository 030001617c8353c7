"""The survey import takes the same years "in use since" as the experience form: from
kb.core.vocab.FIRST_IN_USE_YEAR (1960) through this year."""

import pytest

from kb.core import vocab
from kb.core.dates import stockholm, utcnow
from kb.networks.survey import values


def test_the_range_is_1960_through_this_year():
    assert vocab.in_use_years() == (1960, stockholm(utcnow()).year)


@pytest.mark.parametrize(("text", "year"), [("1960", 1960), ("sedan 1960", 1960),
                                            ("1960-01-01", 1960), ("1965", 1965)])
def test_the_first_years_are_read(text, year):
    assert values.year(text) == year


def test_this_year_is_read():
    this_year = vocab.in_use_years()[1]
    assert values.year(str(this_year)) == this_year


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_year_outside_the_range_names_the_range(offset):
    first, last = vocab.in_use_years()
    year = first - 1 if offset < 0 else last + 1
    with pytest.raises(values.CellError, match=f"Året {year} ligger utanför {first}–{last}"):
        values.year(str(year))

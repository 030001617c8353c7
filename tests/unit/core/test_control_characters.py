"""Control characters in names and titles (kb.core.text): which ones are refused, and
single- and multi-line text made safe for calendars, mail and spreadsheets."""

import pytest

from kb.core import text


@pytest.mark.parametrize("value", [
    "Vårträff\nKlicka här", "Vårträff\r\nBcc: alla@example.se", "Vårträff\rx", "Flik\there",
    "Escape\x1b[31m", "Nul\x00", "Radslut\u2028här", "Stycke\u2029här", "Omvänd \u202etxt",
    "Vertikal\x0bflik", "NEL\x85slut", "Mjukt\u00adbindestreck",
])
def test_line_breaks_and_control_characters_are_found_in_a_single_line(value):
    assert text.control_characters(value)


@pytest.mark.parametrize("value", [
    "Lönechefsnätverket Skåne", "Anna-Karin Åberg", "Heroma 2.0 (CGI)", "O'Brien & Co",
    "Ledare 👩\u200d💼", "Tre  mellanslag", "Hårt\u00a0mellanslag", "",
])
def test_ordinary_names_have_none(value):
    assert text.control_characters(value) == []


def test_a_multi_line_text_may_have_line_breaks_and_tabs_but_nothing_else():
    assert text.control_characters("Stortorget 1\r\nMalmö\tEntré B", line_breaks=True) == []
    assert text.control_characters("Stortorget 1\nMalmö\x1b", line_breaks=True) == ["\x1b"]


def test_single_line_makes_every_break_one_space_and_drops_the_rest():
    assert text.single_line("Vårträff\r\n\r\nBcc: x@example.se") == "Vårträff Bcc: x@example.se"
    assert text.single_line("  Escape\x1b[31m röd\x00 \u2028") == "Escape[31m röd"
    assert text.single_line("Ledare 👩\u200d💼") == "Ledare 👩\u200d💼"
    assert text.single_line(None) == ""


def test_multi_line_keeps_lines_and_drops_control_characters():
    assert text.multi_line("1. AGI\r\n2. Semester\r3.\x1b Övrigt\u2028slut") == (
        "1. AGI\n2. Semester\n3. Övrigt\nslut")


@pytest.mark.parametrize("value", ["a\nb", "a\r\nb\x1b", "\u2028x\u2029", "x\x85y\x0cz\tw"])
def test_what_single_line_gives_has_no_line_of_its_own(value):
    cleaned = text.single_line(value)
    assert cleaned.splitlines() == [cleaned] and text.control_characters(cleaned) == []

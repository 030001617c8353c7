"""The addresses a leader pastes to invite people (kb.networks.addresses): what Outlook,
Gmail and Excel copy reads as addresses with their names; junk comes back as typed;
an address typed twice is invited once."""

import pytest

from kb.networks.addresses import Address, entries, parse


def test_outlook_recipients_with_names_and_semicolons():
    parsed = parse("Anna Svensson <anna@boras.se>; erik@kungalv.se")
    assert parsed.addresses == [Address("anna@boras.se", "Anna Svensson"),
                                Address("erik@kungalv.se", "")]
    assert parsed.invalid == [] and parsed.repeated == []


def test_an_address_given_as_its_own_name_has_no_name():
    parsed = parse("'anna@boras.se' <anna@boras.se>; Bcc: spam@example.com <eva@molndal.se>")
    assert parsed.addresses == [Address("anna@boras.se", ""), Address("eva@molndal.se", "")]


def test_a_comma_inside_a_quoted_name_does_not_split_it():
    parsed = parse('"Svensson, Anna" <anna@boras.se>, "Ek, Erik" <erik@kungalv.se>')
    assert parsed.addresses == [Address("anna@boras.se", "Svensson, Anna"),
                                Address("erik@kungalv.se", "Ek, Erik")]


@pytest.mark.parametrize("pasted", [
    "anna@boras.se\nerik@kungalv.se\neva@molndal.se",
    "anna@boras.se\r\nerik@kungalv.se\r\n\r\neva@molndal.se\r\n",  # Excel's column
    "anna@boras.se, erik@kungalv.se, eva@molndal.se",
    "anna@boras.se;erik@kungalv.se;;eva@molndal.se;",
    "  anna@boras.se ;\terik@kungalv.se ,\n eva@molndal.se  ",
    "mailto:anna@boras.se; <erik@kungalv.se>; 'eva@molndal.se'",
])
def test_every_usual_separator_and_wrapping(pasted):
    assert [a.email for a in parse(pasted).addresses] == [
        "anna@boras.se", "erik@kungalv.se", "eva@molndal.se"]


def test_addresses_are_kept_in_lower_case_and_a_repeated_one_is_invited_once():
    parsed = parse("Anna@Boras.SE; anna@boras.se\nANNA@boras.se; erik@kungalv.se")
    assert [a.email for a in parsed.addresses] == ["anna@boras.se", "erik@kungalv.se"]
    assert parsed.repeated == ["anna@boras.se"]
    assert parsed.typed == 4


def test_junk_comes_back_as_typed():
    parsed = parse("anna@boras.se; inte en adress\nerik@kungalv; @molndal.se; eva@@molndal.se;"
                   " Bo Berg <bo at lund.se>; x@y.se z@y.se")
    assert [a.email for a in parsed.addresses] == ["anna@boras.se"]
    assert parsed.invalid == ["inte en adress", "erik@kungalv", "@molndal.se",
                              "eva@@molndal.se", "Bo Berg <bo at lund.se>", "x@y.se z@y.se"]
    assert parsed.typed == 7


def test_a_line_break_can_never_join_a_header_and_a_name_stays_on_one_line():
    parsed = parse("Eva\r\nBcc: spam@example.com <eva@molndal.se>\nTo: a@b.se\u0000, c@d.se")
    emails = [a.email for a in parsed.addresses]
    assert "spam@example.com" not in emails
    for found in parsed.addresses:
        assert "\n" not in found.name and "\r" not in found.name and "<" not in found.name
        assert all(c.isprintable() for c in found.email)
    assert "Eva" in parsed.invalid


def test_an_unclosed_bracket_or_quote_ends_at_the_line():
    parsed = parse('Anna <anna@boras.se\n"Erik erik@kungalv.se\neva@molndal.se')
    assert [a.email for a in parsed.addresses] == ["eva@molndal.se"]
    assert parsed.invalid == ["Anna <anna@boras.se", '"Erik erik@kungalv.se']


def test_too_long_names_are_cut_and_too_long_addresses_refused():
    long_name = "A" * 500
    parsed = parse(f"{long_name} <anna@boras.se>; {'x' * 250}@boras.se")
    assert parsed.addresses[0].name == "A" * 120
    assert parsed.invalid == [f"{'x' * 250}@boras.se"]


def test_nothing_but_separators_is_no_entry():
    assert entries(" ;, \n\r\n ;") == []
    assert parse("").typed == 0

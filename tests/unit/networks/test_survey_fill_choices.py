"""Where rows without their own sector or size take them from, as a stored mapping
says it: a choice that no longer means anything for the sheet (a column it does not
have, a code kb does not know) falls back to "unknown", never to one value for all."""

import json

import pytest

from kb.networks.survey.mapping import FROM_ORGANISATIONS, KEEP_UNKNOWN, Mapping, fill_column
from kb.networks.survey.sheets import Sheet

SHEET = Sheet(["Organisation", "Lönesystem", "Nöjdhet", "Verksamhet"],
              [(2, ["Borås stad", "Heroma", "4", "Kommun"])])


def stored(**fill) -> Mapping:
    return Mapping.from_json(json.dumps({"columns": {}, **fill}), SHEET)


@pytest.mark.parametrize("sector, size, expected", [
    ("", "", (KEEP_UNKNOWN, KEEP_UNKNOWN)),
    (FROM_ORGANISATIONS, FROM_ORGANISATIONS, (FROM_ORGANISATIONS, FROM_ORGANISATIONS)),
    ("column:3", "column:0", ("column:3", "column:0")),
    ("column:4", "column:-1", (KEEP_UNKNOWN, KEEP_UNKNOWN)),  # no such column
    ("column:x", "column:", (KEEP_UNKNOWN, KEEP_UNKNOWN)),
    ("kommun", "5000+", ("kommun", "5000+")),  # one value for all, chosen explicitly
    ("5000+", "kommun", (KEEP_UNKNOWN, KEEP_UNKNOWN)),  # each in the other's vocabulary
    (7, None, (KEEP_UNKNOWN, KEEP_UNKNOWN)),
])
def test_a_stored_fill_choice_is_kept_only_while_it_means_something(sector, size, expected):
    found = stored(sector=sector, size=size)
    assert (found.sector, found.size) == expected


def test_a_new_upload_fills_nothing():
    guessed = Mapping.guessed(SHEET)
    assert (guessed.sector, guessed.size) == (KEEP_UNKNOWN, KEEP_UNKNOWN)
    assert fill_column("column:12") == 12 and fill_column("kommun") is None

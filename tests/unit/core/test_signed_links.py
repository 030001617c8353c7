"""Reading a link's token: purpose, age, the id it names and the values it binds."""

import pytest
from flask import Flask

from kb.core import signed_links as tokens

PEOPLE = {1: {"email": "lena@kommun.se"}, 2: {"email": "olle@kommun.se"}}


@pytest.fixture
def context():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test-secret"
    with app.app_context():
        yield


def _read(token, purpose=tokens.CONFIRM, **kwargs):
    return tokens.read(purpose, token, PEOPLE.get, **kwargs)


def test_a_valid_token_gives_what_it_names_and_its_payload(context):
    token = tokens.sign(tokens.CONFIRM, {"u": 1, "e": "lena@kommun.se"})
    found = _read(token, max_age=60, binds={"e": lambda person: person["email"]})
    assert found == (PEOPLE[1], {"u": 1, "e": "lena@kommun.se"})


def test_a_token_stops_working_once_what_it_binds_has_changed(context):
    token = tokens.sign(tokens.CONFIRM, {"u": 2, "e": "olle@gammal.se"})
    assert _read(token, binds={"e": lambda person: person["email"]}) is None


def test_another_purpose_an_old_token_or_an_unknown_id_gives_nothing(context):
    token = tokens.sign(tokens.CONFIRM, {"u": 1})
    assert _read(token, purpose=tokens.RESET) is None
    assert _read(token, max_age=-1) is None
    assert _read(tokens.sign(tokens.CONFIRM, {"u": 3})) is None
    assert _read(tokens.sign(tokens.CONFIRM, {"u": "1"})) is None
    assert _read(token + "x") is None and _read("x" * 2000) is None

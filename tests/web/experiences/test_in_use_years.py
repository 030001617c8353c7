"""The experience form takes the same years "in use since" as the survey import: from
kb.core.vocab.FIRST_IN_USE_YEAR (1960) through this year, so an answer a network
imported from 1965 can be saved again once a member has made it their own."""

import pytest
from sqlalchemy import select

from kb.core import vocab
from kb.extensions import db
from kb.models import Experience
from tests.support.pages import full_form, main_content, post_form


@pytest.fixture
def member(factory, auth):
    factory.user(email="karin@kommun.se")
    auth.login("karin@kommun.se")


def _new(client, factory, year) -> object:
    data = {**full_form(factory.system(), factory.system(), factory.system()),
            "in_use_since": str(year)}
    return post_form(client, "/experiences/new", data)


def _saved_year(app):
    with app.app_context():
        return db.session.scalar(select(Experience.in_use_since)
                                 .order_by(Experience.id.desc()).limit(1))


def test_the_first_and_the_last_year_are_taken(app, client, factory, member):
    first, last = vocab.in_use_years()
    assert first == 1960
    for year in (first, 1965, last):
        response = _new(client, factory, year)
        assert response.status_code == 302, main_content(response)
        assert _saved_year(app) == year


@pytest.mark.parametrize("outside", ["before", "after"])
def test_a_year_outside_is_refused_with_the_range(app, client, factory, member, outside):
    first, last = vocab.in_use_years()
    response = _new(client, factory, first - 1 if outside == "before" else last + 1)
    assert response.status_code in (200, 422)  # the form again, with the message
    assert f"Ange ett år mellan {first} och {last}." in main_content(response)
    assert _saved_year(app) is None


def test_an_answer_in_use_since_1965_is_saved_when_edited(app, client, factory, auth):
    author = factory.user(email="anna@lund.se")
    system = factory.system()
    # As a claimed survey answer is: the organisation's system since 1965.
    experience_id = factory.experience(author, system, in_use_since=1965)
    auth.login("anna@lund.se")
    data = {**full_form(system, factory.system(), factory.system()), "in_use_since": "1965"}
    response = post_form(client, f"/experiences/{experience_id}/edit", data)
    assert response.status_code == 302, main_content(response)
    with app.app_context():
        assert db.session.get(Experience, experience_id).title == data["title"]

"""Settings read through kb.core.parsing, however they are given: a boolean setting
takes true/false, 1/0, ja/nej, on/off and yes/no in any case, from the environment and
from instance/config.py alike (KB_PREMODERATION=nej is off); a value that is neither,
or a number setting that is no number, stops the start naming the variable."""

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience
from tests.support.apps import close, make_app
from tests.support.pages import Auth, full_form, post_form

YES = ["true", "1", "ja", "on", "yes", "JA", "True"]
NO = ["false", "0", "nej", "off", "no", "NEJ", "False"]


@pytest.fixture
def app_from_environment(database_url, tmp_path, monkeypatch):
    """An app built with KB_* variables set (the tests' own settings aside)."""
    made = []

    def build(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        made.append(make_app(database_url, tmp_path))
        return made[-1]

    yield build
    for app in made:
        close(app)


@pytest.mark.parametrize("value", YES)
def test_every_spelling_of_yes_turns_a_setting_on(app_from_environment, value):
    app = app_from_environment(KB_PREMODERATION=value, KB_COMPRESS_RESPONSES=value)
    assert app.config["PREMODERATION"] is True
    assert app.config["COMPRESS_RESPONSES"] is True


@pytest.mark.parametrize("value", NO)
def test_every_spelling_of_no_turns_a_setting_off(app_from_environment, value):
    app = app_from_environment(KB_PREMODERATION=value, KB_COMPRESS_RESPONSES=value,
                               KB_MAIL_USE_TLS=value)
    assert app.config["PREMODERATION"] is False
    assert app.config["COMPRESS_RESPONSES"] is False
    assert app.config["MAIL_USE_TLS"] is False


def _second_experience_state(app, factory_email: str) -> str:
    """A member who has one published experience writes a second through the form."""
    from tests.support.factory import Factory

    factory = Factory(app)
    author = factory.user(email=factory_email)
    factory.experience(author, factory.system())  # published before
    client = app.test_client()
    Auth(client).login(factory_email)
    response = post_form(client, "/experiences/new",
                         full_form(factory.system(), factory.system(), factory.system()))
    assert response.status_code == 302, response.text
    with app.app_context():
        return db.session.scalar(select(Experience.moderation_state)
                                 .order_by(Experience.id.desc()).limit(1))


def test_premoderation_nej_publishes_a_members_second_experience_at_once(app_from_environment):
    app = app_from_environment(KB_PREMODERATION="nej")
    assert _second_experience_state(app, "karin@kommun.se") == "published"


def test_premoderation_ja_holds_it_for_a_moderator(app_from_environment):
    app = app_from_environment(KB_PREMODERATION="ja")
    assert _second_experience_state(app, "karin@kommun.se") == "pending"


def test_compression_off_from_the_environment_sends_pages_plain(app_from_environment):
    on = app_from_environment().test_client().get("/", headers={"Accept-Encoding": "gzip"})
    assert on.headers.get("Content-Encoding") == "gzip"
    off = app_from_environment(KB_COMPRESS_RESPONSES="off").test_client().get(
        "/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in off.headers
    assert "<html" in off.text


def test_the_instance_file_is_read_the_same_way(tmp_path, monkeypatch, database_url):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("PREMODERATION = 'nej'\nMAIL_USE_SSL = 'ja'\n"
                                        "MAIL_SEND_SECONDS = '2,5'\n")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(instance))
    app = make_app(database_url, tmp_path)
    try:
        assert app.config["PREMODERATION"] is False
        assert app.config["MAIL_USE_SSL"] is True
        assert app.config["MAIL_SEND_SECONDS"] == 2.5
    finally:
        close(app)


@pytest.mark.parametrize(("name", "value", "wanted"), [
    ("KB_PREMODERATION", "kanske", "must be true or false"),
    ("KB_SESSION_COOKIE_SECURE", "säkert", "must be true or false"),
    ("KB_BACKGROUND_JOBS", "2", "must be true or false"),
    ("KB_MAIL_SEND_SECONDS", "ofta", "must be a number"),
    ("KB_MAIL_MAX_ATTEMPTS", "2.5", "must be a whole number"),
])
def test_a_value_of_the_wrong_kind_stops_the_start(tmp_path, monkeypatch, name, value, wanted):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.setenv(name, value)
    from kb import create_app

    with pytest.raises(RuntimeError, match=wanted) as refused:
        create_app({"TESTING": True})
    assert name in str(refused.value)
    assert value in str(refused.value)


def test_numbers_from_the_environment_are_numbers(app_from_environment):
    app = app_from_environment(KB_MAIL_MAX_ATTEMPTS="7", KB_INDEX_FOLLOW_SECONDS="0,5")
    assert app.config["MAIL_MAX_ATTEMPTS"] == 7
    assert app.config["INDEX_FOLLOW_SECONDS"] == 0.5

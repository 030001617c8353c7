"""Passwords: zxcvbn's judgement told in Swedish, a maximum length the form states, the
common ones refused; members with an old weak password are not locked out."""

import pytest

from kb.accounts import passwords
from tests.support.pages import csrf_token, register

STRONG = "korvmojäng-fönster-plåt"


@pytest.mark.parametrize(("password", "explanation"), [
    ("1234567890", "Det är ett av de hundra vanligaste lösenorden."),
    ("aaaaaaaaaa", "Upprepningar som ”aaa” är lätta att gissa."),
    ("qwertyuiop", "Det är ett av de hundra vanligaste lösenorden."),
    ("lösenord123", "Lösenordet är för lätt att gissa."),
])
def test_guessable_passwords_are_refused_with_a_swedish_reason(client, password, explanation):
    response = register(client, password=password, password_again=password)
    assert response.status_code == 422
    assert "Lösenordet är för lätt att gissa." in response.text
    assert explanation in response.text
    assert 'value="karin@kommun.se"' in response.text  # what was typed is kept


def test_a_password_made_of_ones_own_name_is_refused(client):
    response = register(client, email="karin.lonechef@kommun.se",
                        password="karinlonechef1", password_again="karinlonechef1")
    assert response.status_code == 422
    assert "Det består mest av din e-postadress, ditt namn eller din organisation." in (
        response.text)


def test_a_password_longer_than_the_maximum_is_refused_quickly_and_the_form_says_so(client):
    page = client.get("/auth/register")
    assert "Minst 10 och högst 128 tecken." in page.text
    huge = "x" * 100_000
    response = register(client, password=huge, password_again=huge)
    assert response.status_code == 422
    assert "Lösenordet får ha högst 128 tecken." in response.text


def test_a_strong_password_is_accepted(client):
    assert register(client, password=STRONG, password_again=STRONG).status_code == 302


def test_every_warning_and_suggestion_of_zxcvbn_has_a_swedish_line():
    import inspect
    import re

    from zxcvbn import feedback

    source = inspect.getsource(feedback)
    english = {" ".join(s.split()) for s in re.findall(
        r"_\(\s*((?:(?:'[^']*'|\"[^\"]*\")\s*\\?\s*)+)\)", source)
        for s in [re.sub(r"(['\"])\s*\\?\s*\1", "", s.strip())[1:-1]]}
    assert english, "zxcvbn's messages were not found"
    known = set(passwords.WARNINGS) | set(passwords.SUGGESTIONS)
    assert english <= known, english - known


def test_an_old_weak_password_still_logs_in_and_only_a_change_asks_for_better(
        client, factory, auth):
    factory.user(email="gammal@region.se", password="1234567890")
    assert auth.login("gammal@region.se", "1234567890").status_code == 302
    page = client.get("/account")
    weak = client.post("/account/password", data={
        "csrf_token": csrf_token(page), "password-current_password": "1234567890",
        "password-password": "aaaaaaaaaa", "password-password_again": "aaaaaaaaaa"})
    assert weak.status_code == 422
    assert "Lösenordet är för lätt att gissa." in weak.text
    strong = client.post("/account/password", data={
        "csrf_token": csrf_token(page), "password-current_password": "1234567890",
        "password-password": STRONG, "password-password_again": STRONG})
    assert strong.status_code == 302


def test_the_create_user_command_applies_the_same_rules(runner):
    result = runner.invoke(args=["create-user", "ny@kb.se"], input="1234567890\n1234567890\n")
    assert result.exit_code != 0
    assert "för lätt att gissa" in result.output

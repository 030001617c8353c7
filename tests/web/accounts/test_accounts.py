"""Becoming a member, logging in and out, and the create-user command."""

from sqlalchemy import select

from kb.extensions import db
from kb.models import User, utcnow
from tests.support.apps import PASSWORD
from tests.support.pages import csrf_token, outbox, register


def test_register_mails_a_confirmation_and_the_member_logs_in_at_once(client, app, auth):
    response = register(client)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert "Vi har skickat ett mejl till karin@kommun.se" in client.get(
        response.headers["Location"]).text
    [confirmation] = outbox(app)
    assert confirmation.recipient == "karin@kommun.se"
    assert "/auth/confirm/" in confirmation.text
    assert auth.login("karin@kommun.se").status_code == 302
    home = client.get("/")
    assert "Karin Lönechef" in home.text
    assert "Logga ut" in home.text
    assert "Bekräfta din e-postadress" in home.text  # not confirmed yet
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "karin@kommun.se"
        assert PASSWORD not in user.password_hash
        assert user.check_password(PASSWORD)
        assert user.organisation.sector == "kommun"
        assert user.organisation.size_band == "1000-4999"
        assert user.email_confirmed_at is None


def test_email_is_unique_regardless_of_case(client, app):
    first = register(client)
    again = register(client, email="KARIN@Kommun.SE", display_name="Någon annan")
    # The same answer as for a new address: nothing tells that the address has an account.
    assert again.status_code == first.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert [u.display_name for u in db.session.scalars(select(User))] == ["Karin Lönechef"]
    # The account is not confirmed yet: its address gets a new confirmation link (whose
    # page lets the owner remove an account she did not make), not a second account.
    assert len(outbox(app, recipient="karin@kommun.se", kind="confirm")) == 2
    with app.app_context():
        db.session.scalar(select(User)).email_confirmed_at = utcnow()
        db.session.commit()
    register(client, email="Karin@kommun.se", display_name="Ännu en")
    attempt = outbox(app)[-1]
    assert attempt.recipient == "karin@kommun.se"
    assert "försökte just skapa ett nytt konto" in attempt.text


def test_registration_errors_are_swedish_and_keep_the_input(client):
    response = register(client, password="kort", password_again="annat", email="inte-en-adress",
                        sector="")
    assert response.status_code == 422
    assert "Ange en giltig e-postadress" in response.text
    assert "Lösenordet måste ha minst 10 tecken." in response.text
    assert "Lösenorden är inte likadana." in response.text
    assert "Välj ett alternativ." in response.text
    assert 'value="inte-en-adress"' in response.text
    assert 'value="Karin Lönechef"' in response.text
    assert 'aria-describedby="email-error"' in response.text


def test_registering_needs_the_terms_accepted(client):
    response = register(client, accept_terms="")
    assert response.status_code == 422
    assert "Du behöver godkänna villkoren för att bli medlem." in response.text
    assert 'href="/villkor"' in response.text and 'href="/integritet"' in response.text


def test_login_with_wrong_password_says_so(client, factory):
    factory.user(email="lena@region.se")
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={
        "email": "lena@region.se", "password": "fel-lösenord", "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert "Fel e-postadress eller lösenord." in response.text
    assert 'value="lena@region.se"' in response.text


def test_login_is_case_insensitive_and_returns_to_the_page(client, factory, auth):
    factory.user(email="lena@region.se")
    response = auth.login("Lena@Region.se", next_url="/experiences/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/experiences/new"


def test_login_refuses_a_next_that_leaves_the_site(factory, auth):
    factory.user(email="lena@region.se")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = auth.login("lena@region.se", next_url=target)
        assert response.headers["Location"] == "/", target
        auth.logout()


def test_a_visitor_is_sent_to_log_in_and_comes_back(client, factory, auth):
    response = client.get("/experiences/new")
    assert response.status_code == 302
    assert "/auth/login?next=%2Fexperiences%2Fnew" in response.headers["Location"]
    factory.user(email="lena@region.se")
    assert auth.login("lena@region.se", next_url="/experiences/new").headers["Location"] == (
        "/experiences/new"
    )


def test_logout_needs_a_post_with_csrf(client, factory, auth):
    factory.user(email="lena@region.se")
    auth.login("lena@region.se")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert "Logga ut" in client.get("/").text
    auth.logout()
    assert "Logga in" in client.get("/").text


def test_deactivated_member_cannot_log_in(client, factory, auth):
    factory.user(email="lena@region.se", active=False)
    response = auth.login("lena@region.se")
    assert response.status_code == 422


def test_create_user_command_prompts_for_the_password(runner, app):
    result = runner.invoke(
        args=["create-user", "Admin@Kb.se", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.site_role) == ("admin@kb.se", "admin")


def test_create_user_command_refuses_a_short_password_and_a_duplicate(runner, factory):
    factory.user(email="finns@kb.se")
    result = runner.invoke(args=["create-user", "ny@kb.se"], input="kort\nkort\n")
    assert result.exit_code != 0
    assert "minst 10 tecken" in result.output
    result = runner.invoke(args=["create-user", "FINNS@kb.se"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code != 0
    assert "finns redan" in result.output

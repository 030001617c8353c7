"""Someone registers another person's address and writes under it while it waits for
confirmation. The owner of the mailbox opens the confirmation link she never asked
for: the page says who the account claims to be and what waits to be published, and
"Det är inte mitt konto" removes the account with everything written in it, so
nothing is published under her address and the other person's password opens
nothing. A confirmed account cannot be removed that way."""

from sqlalchemy import func, select

from kb.extensions import db
from kb.models import Comment, Experience, User
from tests.support.apps import PASSWORD
from tests.support.pages import (
    ask,
    csrf_token,
    full_form,
    link_in,
    main_content,
    outbox,
    post_form,
    register,
)

KARIN = "karin@kommun.se"


def _confirmation_link(app) -> str:
    [mail] = outbox(app, recipient=KARIN, kind="confirm")
    return link_in(mail.text, "/auth/confirm/")


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _impostor_writes(app, auth, client, factory) -> tuple[int, int]:
    heroma = factory.system(slug="heroma", name="Heroma")
    lena = factory.user(email="lena@region.se")
    other = factory.experience(lena, heroma, title="Lenas erfarenhet")
    register(client, display_name="Falska Karin", organisation_name="Falska kommunen")
    auth.login(KARIN)
    post_form(client, "/experiences/new", full_form(heroma, factory.system(), factory.system()))
    ask(client, other, "Stämmer det här verkligen?")
    return heroma, other


def test_the_owner_of_the_address_removes_an_account_she_never_made(app, auth, client, factory):
    _heroma, other = _impostor_writes(app, auth, client, factory)
    experiences, comments = _count(app, Experience), _count(app, Comment)
    link = _confirmation_link(app)

    owner = app.test_client()
    page = owner.get(link)
    text = main_content(page)
    assert "Falska Karin" in text and "Falska kommunen" in text
    assert "2 saker som skrivits i det väntar på att publiceras" in text
    assert "Det är inte mitt konto" in text

    removed = owner.post(f"{link}/not-mine", data={"csrf_token": csrf_token(page)})
    assert removed.status_code == 302
    assert "Kontot är borttaget" in owner.get(removed.headers["Location"]).text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == KARIN)) is None
    assert _count(app, Experience) == experiences - 1  # Lena's stays
    assert _count(app, Comment) == comments - 1
    assert "Stämmer det här verkligen?" not in client.get(f"/experiences/{other}").text
    # The impostor's session and password open nothing any more.
    assert client.get("/account").status_code == 302
    assert client.post("/auth/login", data={
        "email": KARIN, "password": PASSWORD,
        "csrf_token": csrf_token(client.get("/auth/login"))}).status_code == 422
    # The link is spent; the address is free for its owner.
    assert owner.get(link).status_code == 400
    assert register(owner).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.display_name).where(User.email == KARIN)) \
            == "Karin Lönechef"


def test_removing_needs_the_form_and_the_link(app, client):
    register(client)
    link = _confirmation_link(app)
    other = app.test_client()
    assert other.post(f"{link}/not-mine").status_code in (302, 400)  # no CSRF token
    forged = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    page = other.get(link)
    assert other.post(f"{forged}/not-mine",
                      data={"csrf_token": csrf_token(page)}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == KARIN)) is not None


def test_a_confirmed_account_is_not_removed_from_the_link(app, client):
    register(client)
    link = _confirmation_link(app)
    page = client.get(link)
    assert client.post(link, data={"csrf_token": csrf_token(page)}).status_code == 302
    other = app.test_client()
    page = other.get(link)
    assert "redan bekräftad" in page.text and "Det är inte mitt konto" not in page.text
    refused = other.post(f"{link}/not-mine", data={"csrf_token": csrf_token(
        other.get("/auth/login"))})
    assert refused.status_code == 400 and "redan bekräftat" in refused.text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == KARIN)) is not None


def test_the_owner_registering_her_taken_address_gets_a_link_to_remove_it(app, client):
    register(client, display_name="Falska Karin")
    owner = app.test_client()
    assert register(owner).status_code == 302  # the same answer as for a new address
    [_first, mailed] = outbox(app, recipient=KARIN, kind="confirm")
    page = owner.get(link_in(mailed.text, "/auth/confirm/"))
    assert "Falska Karin" in main_content(page) and "Det är inte mitt konto" in page.text

"""The experience form forgives: "Ej bedömt" clears a rating, and what a member typed
is kept on the server – when they leave, propose a missing system, or their session
ends – and comes back when they return (kb.drafts)."""

import re

from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience, ExperienceDraft, PayrollSystem
from tests.support.apps import PASSWORD
from tests.support.pages import csrf_token, full_form, post_form

TITLE = "Lönekörningen går stabilt men semesterskulden kräver arbete"


def value_of(page, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page.text)
    return match.group(1) if match else None


def checked(page, name: str) -> list[str]:
    return re.findall(rf'<input checked[^>]*name="{name}"[^>]*value="([^"]*)"', page.text) or \
        re.findall(rf'<input[^>]*checked[^>]*name="{name}"[^>]*value="([^"]*)"', page.text)


def selected(page, name: str) -> str | None:
    select_ = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page.text, re.S)
    option = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                       select_.group(1)) if select_ else None
    return (option.group(1) or option.group(2)) if option else None


def test_a_member_clears_a_sub_rating_with_ej_bedomt(client, factory, auth, app):
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    data = full_form(heroma, factory.system(), factory.system())
    data.update(rating_support="2", recommend="6")
    assert post_form(client, "/experiences/new", data).status_code == 302
    with app.app_context():
        experience = db.session.scalar(select(Experience))
        assert (experience.rating_support, experience.recommend) == (2, 6)
        experience_id = experience.id
    page = client.get(f"/experiences/{experience_id}/edit")
    assert "Ej bedömt" in page.text
    # The scale is explained once, not beside every rating.
    assert page.text.count("varken nöjd eller missnöjd") == 1
    data.update(rating_support="", recommend="")
    assert post_form(client, f"/experiences/{experience_id}/edit", data).status_code == 302
    with app.app_context():
        experience = db.session.get(Experience, experience_id)
        assert (experience.rating_support, experience.recommend) == (None, None)
    page = client.get(f"/experiences/{experience_id}/edit")
    assert checked(page, "rating_support") == [""]


def test_leaving_the_form_and_coming_back_restores_what_was_typed(client, factory, auth,
                                                                  app):
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    page = client.get("/experiences/new")
    # The script sends what is typed a moment after each change.
    response = client.post("/experiences/new", data={
        "csrf_token": csrf_token(page), "action": "autosave", "system_id": str(heroma),
        "title": TITLE, "rating_support": "4", "employees_paid": "tolv"})
    assert response.status_code == 204
    client.get("/systems")  # away, and back
    page = client.get("/experiences/new")
    assert value_of(page, "title") == TITLE
    assert value_of(page, "employees_paid") == "tolv"  # kept as typed, even when wrong
    assert checked(page, "rating_support") == ["4"]
    assert selected(page, "system_id") == str(heroma)
    assert "sparat som utkast" in page.text
    # Saved: the draft is gone, and the next form starts empty.
    data = full_form(heroma, factory.system(), factory.system())
    assert post_form(client, "/experiences/new", {**data, "action": "save"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ExperienceDraft)) is None
    assert value_of(client.get("/experiences/new"), "title") == ""


def test_without_script_a_draft_is_saved_and_can_be_thrown_away(client, factory, auth, app):
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    response = post_form(client, "/experiences/new", {"action": "draft", "title": TITLE,
                                                      "pros": "AGI går igenom."})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Utkastet är sparat" in page.text and value_of(page, "title") == TITLE
    assert "AGI går igenom." in page.text
    response = post_form(client, "/experiences/new", {"action": "discard"})
    assert value_of(client.get(response.headers["Location"]), "title") == ""
    with app.app_context():
        assert db.session.scalar(select(ExperienceDraft)) is None


def test_a_refused_form_is_kept_as_a_draft(client, factory, auth):
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    response = post_form(client, "/experiences/new", {"title": TITLE})
    assert response.status_code == 422
    assert value_of(client.get("/experiences/new"), "title") == TITLE


def test_proposing_a_missing_system_happens_inside_the_form(client, factory, auth, app):
    factory.system(slug="heroma", name="Heroma")
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    page = client.get("/experiences/new")
    assert 'name="proposed-name"' in page.text  # no need to leave the page
    # A name is needed; the form keeps everything meanwhile.
    response = post_form(client, "/experiences/new", {"action": "propose", "title": TITLE})
    assert response.status_code == 422
    assert "Fyll i det här fältet." in response.text and value_of(response, "title") == TITLE
    response = post_form(client, "/experiences/new", {
        "action": "propose", "title": TITLE, "pros": "Bra support.",
        "proposed-name": "Lönia Moln", "proposed-vendor": "Lönia AB"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#system_id")
    with app.app_context():
        system = db.session.scalar(select(PayrollSystem).where(PayrollSystem.name == "Lönia Moln"))
        assert system.status == "pending"
    page = client.get("/experiences/new")
    assert "Lönia Moln granskas av en moderator" in page.text
    assert selected(page, "system_id") == str(system.id)
    assert value_of(page, "title") == TITLE and "Bra support." in page.text
    assert value_of(page, "proposed-name") == ""


def test_a_session_that_ended_loses_nothing(client, factory, auth, app):
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    page = client.get("/experiences/new")
    token = csrf_token(page)
    client.delete_cookie("session")  # the session ends while she types
    data = {**full_form(heroma, factory.system(), factory.system()), "csrf_token": token}
    response = client.post("/experiences/new", data=data)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(Experience)) is None
    response = auth.login("karin@region.se", next_url="/experiences/new",
                          follow_redirects=True)
    assert "Det du skrev är kvar" in response.text
    assert value_of(response, "title") == data["title"]
    assert data["pros"].split("\n")[0] in response.text
    with app.app_context():
        draft = db.session.scalar(select(ExperienceDraft))
        assert draft.user_id is not None and draft.token is None


def test_a_parked_draft_of_someone_elses_experience_is_not_theirs(client, factory, auth, app):
    heroma = factory.system(slug="heroma", name="Heroma")
    author = factory.user(email="author@kb.se")
    factory.user(email="other@kb.se")
    experience_id = factory.experience(author, heroma, title="Författarens rubrik")
    response = client.post(f"/experiences/{experience_id}/edit",
                           data={"csrf_token": "gammal", "title": "Kapad"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ExperienceDraft.token)) is not None  # parked
    auth.login("other@kb.se")
    assert client.get(f"/experiences/{experience_id}/edit").status_code == 403
    assert "Kapad" not in client.get("/experiences/new").text
    with app.app_context():
        assert db.session.scalar(select(ExperienceDraft)) is None


def test_drafts_are_in_the_export_and_go_with_the_account(client, factory, auth, app):
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    post_form(client, "/experiences/new", {"action": "draft", "title": TITLE})
    export = client.get("/account/export.json").get_json()
    assert export["drafts"][0]["fields"]["title"] == [TITLE]
    page = client.get("/account")
    response = client.post("/account/delete", data={
        "delete-csrf_token": csrf_token(page), "csrf_token": csrf_token(page),
        "delete-current_password": PASSWORD, "delete-experiences": "delete"})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.scalar(select(ExperienceDraft)) is None


def test_drafts_sent_without_a_session_are_bounded(client, app, monkeypatch):
    from kb.experiences import drafts

    monkeypatch.setattr(drafts, "MAX_PARKED", 2)
    for n in range(4):
        client.delete_cookie("kb_draft")  # each from another browser
        assert client.post("/experiences/new", data={
            "csrf_token": "x", "title": f"Utkast {n}"}).status_code == 302
    # Something that is not kb's form is not kept at all.
    assert client.post("/experiences/new", data={"title": "Ingen token"}).status_code == 302
    with app.app_context():
        kept = db.session.scalars(select(ExperienceDraft.fields)
                                  .order_by(ExperienceDraft.id)).all()
    assert kept == ['{"title": ["Utkast 2"]}', '{"title": ["Utkast 3"]}']


def test_a_form_sent_from_another_site_replaces_no_draft(client, factory, auth, app):
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    post_form(client, "/experiences/new", {"action": "draft", "title": TITLE})
    # Another site's page makes the browser post the form: with the session cookie (a
    # browser without SameSite) and without it (the session stays behind).
    forged = {"csrf_token": "gammal", "action": "draft", "title": "Kapad"}
    for origin in ("https://annan.example", "null"):
        client.post("/experiences/new", data=forged, headers={"Origin": origin})
    auth.logout()
    refused = client.post("/experiences/new", data=forged,
                          headers={"Origin": "https://annan.example"})
    assert refused.status_code == 302 and client.get_cookie("kb_draft") is None
    auth.login("karin@region.se")
    page = client.get("/experiences/new").text
    assert TITLE in page and "Kapad" not in page
    # The same form sent from kb's own page is kept, as it always was.
    auth.logout()
    client.post("/experiences/new", data=forged, headers={"Origin": "http://localhost"})
    assert client.get_cookie("kb_draft") is not None

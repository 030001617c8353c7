"""A member records an experience with every field, finds it, edits and deletes it."""

from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience
from tests.support.pages import csrf_token, full_form, main_content, post_form


def test_the_members_story(client, factory, auth, app):
    heroma = factory.system(slug="heroma", name="Heroma", vendor="CGI")
    personec = factory.system(slug="personec-p", name="Personec P", vendor="Visma")
    primula = factory.system(slug="primula", name="Primula", vendor="Tietoevry")
    factory.user(email="karin@region.se", display_name="Karin Karlsson")
    auth.login("karin@region.se")

    data = full_form(heroma, personec, primula)
    response = post_form(client, "/experiences/new", data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert data["title"] in page.text
    assert "Lönekörningen går alltid i tid.<br>AGI-filen går igenom" in page.text
    assert "Bytte från" in page.text and "Personec P" in page.text
    assert "Funderar på att byta till" in page.text and "Primula" in page.text
    # Anonymous: shown by role, sector and size only, never by name.
    assert "Systemförvaltare HR/lön, region, 5 000 anställda eller fler" in page.text
    assert "Karin Karlsson" not in main_content(page)

    with app.app_context():
        stored = db.session.scalar(select(Experience))
        assert stored.employees_paid == 12400
        assert stored.in_use_since == 2016
        assert stored.go_live_months == 14
        assert stored.recommend == 8
        assert stored.rating_usability == 1 and stored.rating_implementation == 3
        assert stored.cap_agi == "good" and stored.cap_kollektivavtal == "missing"
        assert stored.anonymous is True
        experience_id = stored.id

    system_page = client.get("/systems/heroma")
    assert data["title"] in system_page.text
    assert "Karin Karlsson" not in main_content(system_page)

    edit_url = f"/experiences/{experience_id}/edit"
    edit_page = client.get(edit_url)
    assert data["title"] in edit_page.text
    changed = {**data, "title": "Nu fungerar semesterberäkningen bättre", "satisfaction": "5"}
    changed.pop("anonymous")
    response = post_form(client, edit_url, changed)
    assert response.status_code == 302
    page = client.get(f"/experiences/{experience_id}")
    assert "Nu fungerar semesterberäkningen bättre" in page.text
    assert "Karin Karlsson" in main_content(page)

    page = client.get(f"/experiences/{experience_id}")
    response = client.post(f"/experiences/{experience_id}/delete",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert client.get(f"/experiences/{experience_id}").status_code == 404
    assert "Nu fungerar semesterberäkningen" not in client.get("/systems/heroma").text


def test_errors_are_shown_next_to_the_fields_and_input_is_kept(client, factory, auth):
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    data = full_form(heroma, heroma, heroma)
    data.update(title="Kort", employees_paid="tolv", in_use_since="1850", satisfaction="",
                go_live_months="-3", pros="Det här ska finnas kvar efter felet.")
    response = post_form(client, "/experiences/new", data)
    assert response.status_code == 422
    text = response.text
    assert "Rubriken ska ha 5–150 tecken." in text
    assert "Ange ett år mellan 1960 och" in text
    assert "Välj ett betyg." in text
    assert "Ange ett antal månader mellan 0 och 120." in text
    assert "Välj ett annat system än det du bedömer." in text
    assert 'id="employees_paid-error"' in text
    assert "Det här ska finnas kvar efter felet." in text
    assert 'value="Kort"' in text
    assert 'value="tolv"' in text


def test_too_long_texts_are_refused_with_a_message(client, factory, auth):
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    data = full_form(heroma, factory.system(), factory.system())
    data["body"] = "lön " * 1300
    response = post_form(client, "/experiences/new", data)
    assert response.status_code == 422
    assert "Högst 5000 tecken." in response.text


def test_a_visitor_cannot_post(client, factory):
    heroma = factory.system(slug="heroma", name="Heroma")
    response = client.post("/experiences/new", data=full_form(heroma, heroma, heroma))
    assert response.status_code in (302, 400)
    assert client.get("/experiences/new").status_code == 302


def test_without_csrf_token_nothing_is_stored(client, factory, auth, app):
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email="karin@region.se")
    auth.login("karin@region.se")
    data = full_form(heroma, factory.system(), factory.system())
    response = client.post("/experiences/new", data=data)
    # Refused, but what was typed comes back with the reason, and stays as a draft.
    assert response.status_code == 422
    assert "Formuläret hade gått ut" in response.text
    assert data["title"] in response.text
    with app.app_context():
        assert db.session.scalar(select(Experience)) is None
    assert data["title"] in client.get("/experiences/new").text


def test_another_member_gets_403_and_a_missing_one_404(client, factory, auth):
    heroma = factory.system(slug="heroma", name="Heroma")
    author = factory.user(email="author@kb.se")
    factory.user(email="other@kb.se")
    experience_id = factory.experience(author, heroma)
    auth.login("other@kb.se")
    assert client.get(f"/experiences/{experience_id}/edit").status_code == 403
    page = client.get(f"/experiences/{experience_id}")
    assert "Ta bort erfarenheten" not in page.text
    response = client.post(f"/experiences/{experience_id}/delete",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 403
    assert client.get("/experiences/99999").status_code == 404
    assert client.get("/experiences/99999/edit").status_code == 404


def test_members_only_experiences_are_hidden_from_visitors(client, factory, auth):
    heroma = factory.system(slug="heroma", name="Heroma")
    author = factory.user(email="author@kb.se")
    hidden_id = factory.experience(author, heroma, visibility="members",
                                   title="Bara för medlemmar att läsa")
    assert client.get(f"/experiences/{hidden_id}").status_code == 404
    assert "Bara för medlemmar att läsa" not in client.get("/systems/heroma").text
    home = client.get("/")
    assert "Bara för medlemmar att läsa" not in home.text
    assert "0 erfarenheter av 1 lönesystem" in home.text  # not even counted for a visitor
    auth.login("author@kb.se")
    assert "1 erfarenhet av 1 lönesystem" in client.get("/").text
    assert client.get(f"/experiences/{hidden_id}").status_code == 200
    assert "Bara för medlemmar att läsa" in client.get("/systems/heroma").text


def test_user_text_is_escaped(client, factory):
    heroma = factory.system(slug="heroma", name="Heroma")
    author = factory.user(email="author@kb.se")
    experience_id = factory.experience(author, heroma, title="<script>alert(1)</script> lön",
                                       pros="<b>fet</b>\nrad två")
    page = client.get(f"/experiences/{experience_id}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;b&gt;fet&lt;/b&gt;<br>rad två" in page.text

"""Moderators keep the content clean, and every decision is on record."""

from sqlalchemy import select

from kb.extensions import db
from kb.models import AuditLog, Experience, PayrollSystem
from tests.support.pages import csrf_token, full_form, main_content, post_form


def _state(app, experience_id):
    with app.app_context():
        return db.session.get(Experience, experience_id).moderation_state


def test_a_new_members_first_experience_waits_for_a_moderator(client, app, factory, auth):
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email="ny@kommun.se")
    factory.user(email="moderator@kb.se", site_role="moderator")
    auth.login("ny@kommun.se")
    data = full_form(heroma, factory.system(), factory.system())
    response = post_form(client, "/experiences/new", data)
    experience_url = response.headers["Location"]
    assert "granskat" in client.get(experience_url).text
    assert _state(app, int(experience_url.rsplit("/", 1)[1])) == "pending"
    auth.logout()
    assert client.get(experience_url).status_code == 404
    assert data["title"] not in client.get("/systems/heroma").text

    auth.login("moderator@kb.se")
    queue = client.get("/admin/queue")
    assert data["title"] in queue.text
    experience_id = int(experience_url.rsplit("/", 1)[1])
    client.post(f"/admin/experiences/{experience_id}/publish",
                data={"csrf_token": csrf_token(queue), "reason": ""})
    auth.logout()
    assert client.get(experience_url).status_code == 200

    # The second experience of the same member is published at once.
    auth.login("ny@kommun.se")
    response = post_form(client, "/experiences/new",
                         full_form(factory.system(), factory.system(), factory.system()))
    assert _state(app, int(response.headers["Location"].rsplit("/", 1)[1])) == "published"


def test_premoderation_holds_every_new_experience(app, client, factory, auth):
    app.config["PREMODERATION"] = True
    author = factory.user(email="van@kommun.se")
    factory.experience(author, factory.system())  # published before
    auth.login("van@kommun.se")
    response = post_form(client, "/experiences/new",
                         full_form(factory.system(), factory.system(), factory.system()))
    assert _state(app, int(response.headers["Location"].rsplit("/", 1)[1])) == "pending"


def test_three_flags_hide_an_experience_until_a_moderator_decides(client, app, factory, auth):
    system = factory.system(slug="heroma", name="Heroma")
    author = factory.user(email="author@kb.se")
    experience_id = factory.experience(author, system, title="Omdiskuterad erfarenhet av Heroma")
    for n in range(3):
        factory.user(email=f"reporter{n}@kb.se")
        auth.login(f"reporter{n}@kb.se")
        page = client.get(f"/experiences/{experience_id}")
        response = client.post(f"/experiences/{experience_id}/flag", data={
            "csrf_token": csrf_token(page), "reason": f"Felaktiga uppgifter {n}"})
        assert response.status_code == 302
        auth.logout()
    assert _state(app, experience_id) == "hidden"
    assert client.get(f"/experiences/{experience_id}").status_code == 404

    factory.user(email="moderator@kb.se", site_role="moderator")
    auth.login("moderator@kb.se")
    flags = client.get("/admin/flags")
    assert "3 öppna anmälningar" in flags.text
    assert "Felaktiga uppgifter 2" in flags.text
    client.post(f"/admin/experiences/{experience_id}/restore",
                data={"csrf_token": csrf_token(flags), "reason": "Uppgifterna stämmer."})
    assert _state(app, experience_id) == "published"
    assert "Inga öppna anmälningar." in client.get("/admin/flags").text


def test_a_flag_needs_a_reason_and_one_per_member(client, factory, auth):
    system = factory.system()
    author = factory.user(email="author@kb.se")
    experience_id = factory.experience(author, system)
    factory.user(email="reporter@kb.se")
    auth.login("reporter@kb.se")
    page = client.get(f"/experiences/{experience_id}")
    empty = client.post(f"/experiences/{experience_id}/flag",
                        data={"csrf_token": csrf_token(page), "reason": "  "})
    assert empty.status_code == 422
    assert "Beskriv varför du anmäler erfarenheten." in empty.text
    data = {"csrf_token": csrf_token(page), "reason": "Reklam för en konsultfirma"}
    assert client.post(f"/experiences/{experience_id}/flag", data=data).status_code == 302
    again = client.post(f"/experiences/{experience_id}/flag", data=data)
    assert again.status_code == 422
    assert "Du har redan anmält den här erfarenheten." in again.text
    assert "Reklam för en konsultfirma" in again.text


def test_hiding_needs_a_reason_that_the_author_sees(client, app, factory, auth):
    system = factory.system(slug="heroma", name="Heroma")
    author = factory.user(email="author@kb.se")
    experience_id = factory.experience(author, system)
    factory.user(email="moderator@kb.se", site_role="moderator")
    auth.login("moderator@kb.se")
    page = client.get(f"/experiences/{experience_id}")
    client.post(f"/admin/experiences/{experience_id}/hide",
                data={"csrf_token": csrf_token(page), "reason": ""})
    assert _state(app, experience_id) == "published"
    client.post(f"/admin/experiences/{experience_id}/hide",
                data={"csrf_token": csrf_token(page), "reason": "Namnger en enskild kollega."})
    assert _state(app, experience_id) == "hidden"
    auth.logout()
    auth.login("author@kb.se")
    own = client.get(f"/experiences/{experience_id}")
    assert "Namnger en enskild kollega." in main_content(own)

    with app.app_context():
        entry = db.session.scalar(select(AuditLog))
        assert (entry.action, entry.object_type, entry.object_id) == (
            "experience.hide", "experience", experience_id)
        assert entry.reason == "Namnger en enskild kollega."


def test_a_proposed_system_is_merged_into_an_existing_one(client, app, factory, auth):
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email="member@kb.se")
    factory.experience(factory.user(email="old@kb.se"), heroma)  # so member is not "first"
    auth.login("member@kb.se")
    page = client.get("/experiences/propose-system")
    response = client.post("/experiences/propose-system", data={
        "csrf_token": csrf_token(page), "name": "Heroma Lön", "vendor": "CGI"})
    assert response.status_code == 302
    with app.app_context():
        proposed = db.session.scalar(select(PayrollSystem).where(PayrollSystem.status == "pending"))
        proposed_id = proposed.id
    form = client.get(response.headers["Location"])
    assert "Heroma Lön" in form.text
    post_form(client, "/experiences/new", {**full_form(proposed_id, heroma, heroma),
                                           "switched_from_id": "", "switch_reason": "",
                                           "considering_switch_to_id": ""})
    assert "Heroma Lön" not in client.get("/systems").text
    auth.logout()

    factory.user(email="moderator@kb.se", site_role="moderator")
    auth.login("moderator@kb.se")
    systems_page = client.get("/admin/systems")
    assert "Heroma Lön" in systems_page.text
    client.post(f"/admin/systems/{proposed_id}/merge", data={
        "csrf_token": csrf_token(systems_page), f"merge-{proposed_id}-target_id": str(heroma),
        f"merge-{proposed_id}-reason": "Samma system"})
    with app.app_context():
        assert db.session.get(PayrollSystem, proposed_id) is None
        counts = db.session.scalars(select(Experience.system_id)).all()
        assert counts == [heroma, heroma]
        assert db.session.scalar(select(AuditLog.action)) == "system.merge"


def test_admin_deactivates_and_changes_roles_with_audit(client, app, factory, auth):
    member = factory.user(email="member@kb.se")
    factory.user(email="admin@kb.se", site_role="admin")
    auth.login("admin@kb.se")
    page = client.get("/admin/users")
    assert "member@kb.se" in page.text
    client.post(f"/admin/users/{member}/role", data={
        "csrf_token": csrf_token(page), "site_role": "moderator", "reason": "Ny i redaktionen"})
    client.post(f"/admin/users/{member}/deactivate", data={
        "csrf_token": csrf_token(page), "reason": "Lämnat nätverket"})
    auth.logout()
    assert auth.login("member@kb.se").status_code == 422

    auth.login("admin@kb.se")
    log = client.get("/admin/audit?action=user.deactivate")
    assert "Lämnat nätverket" in log.text
    assert "Ny i redaktionen" not in log.text
    log = client.get("/admin/audit?actor=ADMIN@kb.se")
    assert "Ny i redaktionen" in log.text and "Lämnat nätverket" in log.text
    assert client.get("/admin/audit?action=nonsense&page=x").status_code == 200


def test_invite_codes_open_a_closed_network_once(client, app, factory, auth):
    app.config["REGISTRATION"] = "invite"
    factory.user(email="admin@kb.se", site_role="admin")
    auth.login("admin@kb.se")
    page = client.get("/admin/invites")
    created = client.post("/admin/invites", data={
        "csrf_token": csrf_token(page), "valid_days": "7", "note": "Till Lena"})
    code = created.text.split("Ny kod: <strong><code>", 1)[1].split("<", 1)[0]
    auth.logout()

    def register(email, invite):
        form = client.get("/auth/register")
        return client.post("/auth/register", data={
            "csrf_token": csrf_token(form), "display_name": "Lena", "email": email,
            "password": "ett-långt-lösenord", "password_again": "ett-långt-lösenord",
            "professional_role": "lonechef", "sector": "kommun", "size_band": "50-249",
            "accept_terms": "y", "invite_code": invite})

    refused = register("lena@kommun.se", "")
    assert refused.status_code == 422
    assert "Ange din inbjudningskod." in refused.text
    assert register("lena@kommun.se", "fel-kod").status_code == 422
    assert register("lena@kommun.se", code).status_code == 302
    reused = register("nisse@kommun.se", code)
    assert reused.status_code == 422
    assert "redan använd" in reused.text


def test_members_cannot_reach_the_moderation_area(client, factory, auth):
    factory.user(email="member@kb.se")
    factory.user(email="moderator@kb.se", site_role="moderator")
    auth.login("member@kb.se")
    assert client.get("/admin/").status_code == 403
    auth.logout()
    auth.login("moderator@kb.se")
    assert client.get("/admin/queue").status_code == 200
    assert client.get("/admin/users").status_code == 403

"""The tips of a switch journey are chosen once per data version and reader: a visitor
after a member still sees only what a visitor may read, and an edited or hidden tip
shows at the next view."""

from __future__ import annotations

from kb.extensions import db
from kb.models import Experience

MEMBER = "medlem@kommun.se"


def _world(factory):
    personec = factory.system(slug="personec-p", name="Personec P")
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.user(email=MEMBER)
    ids = {}
    for name, visibility in (("Öppna kommunen", "public"), ("Medlemskommunen", "members")):
        org = factory.organisation(name)
        writer = factory.user(organisation_id=org)
        ids[name] = factory.experience(
            writer, heroma, organisation_id=org, switched_from_id=personec,
            visibility=visibility, switch_reason="Supporten svarade inte.",
            tips=f"Tips från {name}: börja med lönearterna.", satisfaction=4)
    return ids


def test_each_reader_gets_the_tips_they_may_read(client, factory, auth):
    _world(factory)
    page = client.get("/systems/personec-p/switches").text
    assert "Tips från Öppna kommunen" in page and "Tips från Medlemskommunen" not in page
    auth.login(MEMBER)
    page = client.get("/systems/personec-p/switches").text
    assert "Tips från Öppna kommunen" in page and "Tips från Medlemskommunen" in page
    auth.logout()
    page = client.get("/systems/personec-p/switches").text
    assert "Tips från Medlemskommunen" not in page


def test_an_edited_or_hidden_tip_shows_at_the_next_view(client, factory, app):
    ids = _world(factory)
    assert "Tips från Öppna kommunen" in client.get("/systems/personec-p/switches").text
    with app.app_context():
        db.session.get(Experience, ids["Öppna kommunen"]).tips = "Nytt tips: testa semestern."
        db.session.commit()
    page = client.get("/systems/personec-p/switches").text
    assert "Nytt tips: testa semestern." in page and "Tips från Öppna kommunen" not in page
    with app.app_context():
        db.session.get(Experience, ids["Öppna kommunen"]).moderation_state = "hidden"
        db.session.commit()
    assert "Nytt tips" not in client.get("/systems/personec-p/switches").text

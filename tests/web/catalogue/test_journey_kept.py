"""A system's switch journey is kept until a change can move it: an edit by an
organisation that never answered about the system leaves it as it was, and an edit of
a switching organisation's answer about another system (how satisfied it was with the
one it left) shows at the next view."""

from __future__ import annotations

import pytest

from kb.extensions import db
from kb.models import Experience
from kb.stats import journeys


def _world(factory) -> dict[str, int]:
    personec = factory.system(slug="personec-p", name="Personec P")
    heroma = factory.system(slug="heroma", name="Heroma")
    flex = factory.system(slug="flex-hrm", name="Flex HRM")
    moved = factory.organisation("Flyttkommunen")
    mover = factory.user(organisation_id=moved)
    stayed = factory.organisation("Stannakommunen")
    stayer = factory.user(organisation_id=stayed)
    return {
        "left": factory.experience(mover, personec, organisation_id=moved, satisfaction=2,
                                   usage_status="previous"),
        "came": factory.experience(mover, heroma, organisation_id=moved, satisfaction=4,
                                   switched_from_id=personec,
                                   switch_reason="Supporten svarade inte."),
        "other": factory.experience(stayer, flex, organisation_id=stayed, satisfaction=3),
    }


def _before(client, slug: str, direction: str) -> dict[str, int]:
    journey = client.get(f"/api/v1/systems/{slug}/switches").get_json()
    counts = journey[direction]["satisfaction_before"]["counts"]
    return {score: n for score, n in counts.items() if n}


def _edit(app, experience_id: int, **values) -> None:
    with app.app_context():
        experience = db.session.get(Experience, experience_id)
        for name, value in values.items():
            setattr(experience, name, value)
        db.session.commit()


@pytest.fixture
def computed(monkeypatch) -> list[str]:
    """The systems whose journey was worked out, in order."""
    seen: list[str] = []
    real = journeys.journey

    def journey(snapshot, system, *args, **kwargs):
        seen.append(system.slug)
        return real(snapshot, system, *args, **kwargs)

    monkeypatch.setattr(journeys, "journey", journey)
    return seen


def test_a_change_to_the_answer_about_the_system_left_moves_the_journey_it_came_to(
        client, factory, app):
    ids = _world(factory)
    assert _before(client, "heroma", "came") == {"2": 1}
    assert _before(client, "personec-p", "left") == {"2": 1}
    _edit(app, ids["left"], satisfaction=1)  # an answer about Personec P only
    assert _before(client, "heroma", "came") == {"1": 1}
    assert _before(client, "personec-p", "left") == {"1": 1}


def test_an_unrelated_organisations_edit_keeps_the_journey(client, factory, app, computed):
    ids = _world(factory)
    client.get("/api/v1/systems/heroma/switches")
    client.get("/api/v1/systems/heroma/switches")
    assert computed == ["heroma"]
    _edit(app, ids["other"], satisfaction=5)
    client.get("/api/v1/systems/heroma/switches")
    assert computed == ["heroma"]  # Stannakommunen never answered about Heroma
    _edit(app, ids["came"], tips="Börja med lönearterna.")
    journey = client.get("/api/v1/systems/heroma/switches").get_json()
    assert computed == ["heroma", "heroma"]
    assert [tip["text"] for tip in journey["came"]["tips"]] == ["Börja med lönearterna."]

"""A system's switch journey is kept per data version: a new switch shows at the next
view of the page, and a renamed system is named as it is called now."""

import re

from kb.extensions import db
from kb.models import PayrollSystem
from tests.support.pages import main_content


def _left_count(client) -> int:
    page = main_content(client.get("/systems/personec-p/switches"))
    found = re.search(r"(\d+) organisation(?:er)? (?:har )?lämnat", page) or re.search(
        r"/switches\?from=personec-p[^\"]*\">(\d+) organisation", page)
    assert found, page
    return int(found.group(1))


def test_a_new_switch_and_a_rename_show_at_the_next_view(app, client, factory):
    personec = factory.system(slug="personec-p", name="Personec P")
    heroma = factory.system(slug="heroma", name="Heroma")
    for n in range(2):
        org = factory.organisation(f"Kommun {n}")
        factory.experience(factory.user(organisation_id=org), heroma, organisation_id=org,
                           switched_from_id=personec, switch_reason="Dålig support.")
    before = _left_count(client)
    assert before == 2
    org = factory.organisation("Kommun 9")
    factory.experience(factory.user(organisation_id=org), heroma, organisation_id=org,
                       switched_from_id=personec, switch_reason="Dålig support.")
    assert _left_count(client) == 3
    with app.app_context():
        db.session.get(PayrollSystem, heroma).name = "Heroma Ny"
        db.session.commit()
    assert "Heroma Ny" in main_content(client.get("/systems/personec-p/switches"))

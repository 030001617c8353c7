"""A system page's contract outlook is counted once per data version: views in between
count nothing again, a change to the system's answers is shown at the next view, and a
change to another system's answers leaves its tally kept."""

from __future__ import annotations

import sys

from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience
from kb.procurement import this_year

# The module (kb.procurement exports its function `outlook` under the same name).
outlook_module = sys.modules["kb.procurement.outlook"]


def _customers(factory, system, count, end):
    ids = []
    with factory.batch():
        for n in range(count):
            organisation = factory.organisation(f"Kund {system} {end} {n}")
            member = factory.user(organisation_id=organisation)
            ids.append(factory.experience(member, system, organisation_id=organisation,
                                          contract_end_year=end, procurement_route="adda"))
    return ids


def _tallies(monkeypatch) -> list:
    counted = []
    tally = outlook_module._tally

    def counting(audience, filters, system_ids, first, today):
        counted.append(tuple(system_ids))
        return tally(audience, filters, system_ids, first, today)

    monkeypatch.setattr(outlook_module, "_tally", counting)
    return counted


def test_the_outlook_follows_the_answers_and_is_counted_once_per_version(
        client, factory, app, monkeypatch):
    year = this_year()
    personec = factory.system(slug="personec-p", name="Personec P")
    heroma = factory.system(slug="heroma", name="Heroma")
    ids = _customers(factory, personec, 6, year + 1)
    _customers(factory, heroma, 5, year + 2)
    counted = _tallies(monkeypatch)

    for _ in range(3):
        page = client.get("/systems/personec-p")
        assert f"6 organisationers avtal löper ut {year}–{year + 1}" in page.text
    assert counted == [(personec,)]

    # One customer's contract now ends long after the six years: the next view shows it.
    with app.app_context():
        moved = db.session.scalar(select(Experience).where(Experience.id == ids[0]))
        moved.contract_end_year = year + 12
        db.session.commit()
    page = client.get("/systems/personec-p")
    assert f"5 organisationers avtal löper ut {year}–{year + 1}" in page.text
    assert counted == [(personec,), (personec,)]

    # A new Heroma answer changes nothing of Personec P's: its tally is kept, and
    # Heroma's page counts the new one.
    _customers(factory, heroma, 1, year + 2)
    page = client.get("/systems/personec-p")
    assert f"5 organisationers avtal löper ut {year}–{year + 1}" in page.text
    assert counted == [(personec,), (personec,)]
    page = client.get("/systems/heroma")
    assert f"6 organisationers avtal löper ut {year}–{year + 2}" in page.text


def test_the_kept_outlook_holds_no_database_object(client, factory, app):
    """The tally outlives the request's session: each view names its systems afresh
    (a renamed system shows its new name in the procurement view)."""
    year = this_year()
    personec = factory.system(slug="personec-p", name="Personec P")
    _customers(factory, personec, 5, year + 1)
    assert ">Personec P<" in client.get("/upphandling").text.replace("</a>", "<")
    with app.app_context():
        from kb.models import PayrollSystem

        db.session.get(PayrollSystem, personec).name = "Personec P Cloud"
        db.session.commit()
    page = client.get("/upphandling")
    assert page.status_code == 200 and "Personec P Cloud" in page.text

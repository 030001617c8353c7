"""Nobody reads a three-year-old rating without seeing its age; authors keep theirs fresh."""

from datetime import datetime, timedelta

from sqlalchemy import select

from kb.access.policy import VISITOR
from kb.core.dates import months_before
from kb.experiences import freshness
from kb.experiences.listing import experiences_query
from kb.extensions import db
from kb.models import Experience, SatisfactionHistory, utcnow
from tests.support.pages import csrf_token, full_form, main_content


def years_ago(years: float) -> datetime:
    return utcnow() - timedelta(days=round(365.25 * years))


def old_experience(factory, author, system, years: float, **fields):
    when = years_ago(years)
    return factory.experience(author, system, created_at=when, updated_at=when,
                              confirmed_at=when, **fields)


def test_months_before_counts_calendar_months():
    assert months_before(datetime(2025, 3, 31, 12), 1) == datetime(2025, 2, 28, 12)
    assert months_before(datetime(2024, 2, 29), 12) == datetime(2023, 2, 28)
    assert months_before(datetime(2025, 1, 15), 24) == datetime(2023, 1, 15)
    assert months_before(datetime(2025, 1, 15), 13) == datetime(2023, 12, 15)


def test_every_experience_shows_when_it_was_written_and_confirmed(client, factory):
    author = factory.user()
    system = factory.system()
    fresh = factory.experience(author, system)
    stale = old_experience(factory, author, system, 3, title="Gammal erfarenhet")

    page = client.get(f"/experiences/{fresh}")
    assert "Skriven" in page.text and "senast bekräftad" in page.text
    assert "(i dag)" in page.text
    assert "Systemet och organisationen kan ha förändrats" not in page.text

    page = client.get(f"/experiences/{stale}")
    assert "för 3 år sedan" in page.text
    assert "Systemet och organisationen kan ha förändrats sedan dess." in page.text


def test_the_author_confirms_an_old_experience_in_one_click(client, auth, factory, app):
    author = factory.user(email="karin@region.se")
    factory.user(email="erik@kommun.se")
    system = factory.system(name="Heroma")
    stale = old_experience(factory, author, system, 1.5, title="Heroma i regionen",
                           satisfaction=4)
    factory.experience(author, system, title="Färsk erfarenhet")

    # Someone else is never asked about it, and may not confirm it.
    auth.login("erik@kommun.se")
    assert "Stämmer dina erfarenheter fortfarande?" not in client.get("/").text
    page = client.get(f"/experiences/{stale}")
    response = client.post(f"/experiences/{stale}/confirm",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 403
    auth.logout()

    # On her next visit the author is asked, whatever page she lands on.
    auth.login("karin@region.se")
    home = client.get("/systems")
    content = main_content(home)
    assert "Stämmer dina erfarenheter fortfarande?" in content
    assert "Heroma i regionen" in content
    assert "Färsk erfarenhet" not in content
    assert f"/experiences/{stale}/edit" in content  # "Uppdatera"
    with app.app_context():
        before = db.session.get(Experience, stale)
        updated_before, confirmed_before = before.updated_at, before.confirmed_at

    response = client.post(f"/experiences/{stale}/confirm",
                           data={"csrf_token": csrf_token(home), "next": "/systems"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/systems")
    after = client.get("/systems")
    assert "Stämmer dina erfarenheter fortfarande?" not in after.text
    assert "är bekräftad som aktuell" in after.text

    with app.app_context():
        experience = db.session.get(Experience, stale)
        assert experience.confirmed_at > confirmed_before
        assert experience.updated_at == updated_before  # confirming is not editing
        (entry,) = db.session.scalars(select(SatisfactionHistory)).all()
        assert (entry.satisfaction, entry.change) == (4, "confirmed")
        assert entry.stated_at == confirmed_before
    page = client.get(f"/experiences/{stale}")
    assert "(i dag)" in page.text


def test_asked_again_on_the_next_visit_after_later(client, auth, factory):
    author = factory.user(email="karin@region.se")
    old_experience(factory, author, factory.system(), 2)
    auth.login("karin@region.se")
    page = client.get("/")
    assert "Stämmer dina erfarenheter fortfarande?" in page.text
    response = client.post("/experiences/confirmations/later",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "Stämmer dina erfarenheter fortfarande?" not in client.get("/").text
    auth.logout()
    auth.login("karin@region.se")  # a new visit
    assert "Stämmer dina erfarenheter fortfarande?" in client.get("/").text


def test_updating_keeps_the_earlier_satisfaction(client, auth, factory, app):
    karin = factory.user(email="karin@region.se")
    heroma = factory.system(slug="heroma", name="Heroma")
    other = factory.system()
    factory.experience(karin, other)  # published before, so the new one is published at once
    auth.login("karin@region.se")
    data = full_form(heroma, other, other)
    data["satisfaction"] = "4"
    page = client.get("/experiences/new")
    response = client.post("/experiences/new", data={**data, "csrf_token": csrf_token(page)})
    experience_id = int(response.headers["Location"].rstrip("/").split("/")[-1])

    # A small correction of a fresh experience leaves no history.
    edit = client.get(f"/experiences/{experience_id}/edit")
    data["tips"] = "Testa lönearterna tidigt."
    response = client.post(f"/experiences/{experience_id}/edit",
                           data={**data, "csrf_token": csrf_token(edit)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(SatisfactionHistory)).all() == []

    # The satisfaction changes: the earlier one is kept, and the system's history shows it.
    data["satisfaction"] = "2"
    response = client.post(f"/experiences/{experience_id}/edit",
                           data={**data, "csrf_token": csrf_token(edit)})
    assert response.status_code == 302, response.text
    with app.app_context():
        (entry,) = db.session.scalars(select(SatisfactionHistory)).all()
        assert (entry.satisfaction, entry.change) == (4, "updated")
        assert db.session.get(Experience, experience_id).satisfaction == 2
        changes = freshness.satisfaction_changes(heroma, VISITOR)
        (row,) = changes.rows
        assert (row.first, row.latest, row.delta) == (4, 2, -2)
        assert (changes.improved, changes.worsened, changes.unchanged) == (0, 1, 0)
    system_page = client.get("/systems/heroma")
    assert "Nöjdhet över tid hos samma organisationer" in system_page.text
    assert "4 (" in system_page.text and "−2" in system_page.text


def test_an_update_of_an_old_experience_counts_as_a_confirmation(app, factory):
    author = factory.user()
    stale = old_experience(factory, author, factory.system(), 1.2, satisfaction=3)
    with app.app_context():
        experience = db.session.get(Experience, stale)
        stated = experience.confirmed_at
        freshness.record_update(experience, 3, stated)
        db.session.commit()
        (entry,) = db.session.scalars(select(SatisfactionHistory)).all()
        assert (entry.satisfaction, entry.stated_at, entry.change) == (3, stated, "updated")
        assert not freshness.needs_confirmation(experience)


def test_the_system_page_partial_shows_change_at_the_same_organisations(app, factory):
    author = factory.user()
    system = factory.system()
    hidden_from_visitors = old_experience(factory, author, system, 2, satisfaction=2,
                                          visibility="members", sector="region")
    public = old_experience(factory, author, system, 2, satisfaction=2, sector="kommun",
                            size_band="250-999")
    with app.app_context():
        for experience_id in (hidden_from_visitors, public):
            experience = db.session.get(Experience, experience_id)
            previous = experience.satisfaction, experience.confirmed_at
            experience.satisfaction = 4
            freshness.record_update(experience, *previous)
        db.session.commit()
    with app.test_request_context("/"):
        from flask import render_template_string

        from kb.models import PayrollSystem

        html = render_template_string(
            '{% include "community/_satisfaction_history.html" %}',
            system=db.session.get(PayrollSystem, system),
        )
    assert "Nöjdhet över tid hos samma organisationer" in html
    assert "Kommun, 250–999 anställda" in html
    assert "Region" not in html  # members-only experiences stay with members
    assert "1 organisation har bekräftat eller uppdaterat sin erfarenhet: 1 mer nöjda" in html


def test_lists_can_leave_out_experiences_not_confirmed_in_24_months(app, factory):
    author = factory.user()
    system = factory.system()
    fresh = factory.experience(author, system)
    confirmed_recently = old_experience(factory, author, system, 3)
    outdated = old_experience(factory, author, system, 2.2)
    with app.app_context():
        experience = db.session.get(Experience, confirmed_recently)
        freshness.confirm(experience)
        query = experiences_query(VISITOR).where(freshness.fresh_clause())
        assert {e.id for e in db.session.scalars(query)} == {fresh, confirmed_recently}
        assert freshness.is_outdated(db.session.get(Experience, outdated))


def test_figures_over_time_cover_every_organisation_the_table_the_latest(app, factory, client):
    author = factory.user()
    system = factory.system(slug="heroma", name="Heroma")
    changes_made = [+1] * 5 + [-2] * 4 + [0] * 3  # 12 organisations
    ids = [old_experience(factory, author, system, 2, satisfaction=3) for _ in changes_made]
    with app.app_context():
        for n, (experience_id, change) in enumerate(zip(ids, changes_made, strict=True)):
            experience = db.session.get(Experience, experience_id)
            previous = experience.satisfaction, experience.confirmed_at
            experience.satisfaction = 3 + change
            freshness.record_update(experience, *previous,
                                    now=utcnow() - timedelta(days=len(changes_made) - n))
        db.session.commit()
        changes = freshness.satisfaction_changes(system, VISITOR)
    assert (changes.n, changes.improved, changes.worsened, changes.unchanged) == (12, 5, 4, 3)
    assert changes.average_first == 3
    assert changes.average_latest == (5 * 4 + 4 * 1 + 3 * 3) / 12
    # The ten most recently confirmed: the two confirmed first (both +1) drop out.
    assert len(changes.rows) == 10
    assert sorted(row.delta for row in changes.rows) == [-2] * 4 + [0] * 3 + [1] * 3
    page = main_content(client.get("/systems/heroma"))
    assert "12 organisationer har bekräftat eller uppdaterat sin erfarenhet: 5 mer nöjda, " \
           "4 mindre nöjda, 3 oförändrade." in page
    assert "Tabellen visar de 10 senast bekräftade." in page

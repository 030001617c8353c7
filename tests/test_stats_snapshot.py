"""The figure snapshot follows every kind of write exactly as a fresh read would."""

import numpy as np
from sqlalchemy import func, insert, select, update

from kb import freshness
from kb.changelog import EXPERIENCE, ChangeLogEntry
from kb.extensions import db
from kb.models import Experience
from kb.stats import cache, snapshot


def followed_and_fresh(app):
    """The app's snapshot brought up to date, and one read from scratch."""
    with app.app_context():
        version = cache.data_version()
        return snapshot.current(version), snapshot.load(version)


def assert_same(followed, fresh):
    assert followed.columns.keys() == fresh.columns.keys()
    for name in followed.columns:
        if name != "reason":
            assert np.array_equal(followed.columns[name], fresh.columns[name]), name

    def reasons(s):
        return [s.reasons[code] if code >= 0 else None for code in s.columns["reason"]]

    assert reasons(followed) == reasons(fresh)


def test_the_snapshot_follows_every_kind_of_write(app, factory):
    author = factory.user()
    heroma, hogia = factory.system(), factory.system()
    first = factory.experience(author, heroma, satisfaction=2, switched_from_id=hogia,
                               switch_reason="AGI fungerade inte")
    second = factory.experience(author, hogia, satisfaction=5, recommend=10)
    followed, fresh = followed_and_fresh(app)
    assert len(followed) == 2
    assert_same(followed, fresh)

    with app.app_context():
        # An edit, a hide, a new experience, a deletion, an ORM bulk update.
        db.session.get(Experience, first).switch_reason = "Semesterberäkningen"
        db.session.get(Experience, second).moderation_state = "hidden"
        db.session.commit()
        third = factory.experience(author, heroma, cap_agi="missing", rating_support=3)
        db.session.delete(db.session.get(Experience, first))
        db.session.commit()
        db.session.execute(update(Experience).where(Experience.id == third)
                           .values(satisfaction=1))
        db.session.commit()
        freshness.confirm(db.session.get(Experience, third))  # keeps a history entry
    followed, fresh = followed_and_fresh(app)
    assert followed.columns["id"].tolist() == [second, third]
    assert followed.columns["satisfaction"].tolist() == [5, 1]
    assert followed.columns["published"].tolist() == [0, 1]
    assert followed.columns["first_satisfaction"].tolist() == [0, 1]  # confirmed at 1
    assert_same(followed, fresh)

    with app.app_context():
        # Rows inserted past the queue (the demo data's bulk insert).
        columns = {c: getattr(db.session.get(Experience, third), c)
                   for c in ("author_id", "system_id", "sector", "size_band", "reviewer_role",
                             "usage_status", "title", "pros", "cons", "created_at",
                             "updated_at", "confirmed_at", "moderation_state", "visibility")}
        db.session.execute(insert(Experience.__table__), [{**columns, "satisfaction": 3}])
        db.session.commit()
    followed, fresh = followed_and_fresh(app)
    assert len(followed) == 3
    assert_same(followed, fresh)


def test_a_change_committed_behind_newer_ones_is_applied_when_it_appears(app, factory):
    """On PostgreSQL a transaction can commit after one with a higher queue id; here
    that is played by a queue row written below the newest id, later."""
    author, heroma = factory.user(), factory.system()
    late = factory.experience(author, heroma, satisfaction=2)
    with app.app_context():
        newest = db.session.scalar(select(func.max(ChangeLogEntry.id)))
        now = db.session.scalar(select(func.max(ChangeLogEntry.created_at)))
        db.session.execute(insert(ChangeLogEntry.__table__), [
            {"id": newest + 10, "kind": EXPERIENCE, "object_id": late, "created_at": now}])
        db.session.commit()
    followed, _fresh = followed_and_fresh(app)
    assert followed.columns["satisfaction"].tolist() == [2]
    with app.app_context():
        # The late transaction: the row's change and its queue row, below the newest id.
        db.session.execute(update(Experience.__table__).where(Experience.id == late)
                           .values(satisfaction=5))
        db.session.execute(insert(ChangeLogEntry.__table__), [
            {"id": newest + 5, "kind": EXPERIENCE, "object_id": late, "created_at": now}])
        db.session.commit()
    followed, fresh = followed_and_fresh(app)
    assert followed.columns["satisfaction"].tolist() == [5]
    assert_same(followed, fresh)

"""The figure snapshot follows every kind of write exactly as a fresh read would."""

from sqlalchemy import func, insert, select, update

from kb.changelog import EXPERIENCE, ChangeLogEntry
from kb.experiences import freshness
from kb.extensions import db
from kb.models import Experience
from kb.stats import cache, snapshot
from tests.support.checks import assert_same_snapshot


def followed_and_fresh(app):
    """The app's snapshot brought up to date, and one read from scratch."""
    with app.app_context():
        version = cache.data_version()
        return snapshot.current(version), snapshot.load(version)


def test_the_snapshot_follows_every_kind_of_write(app, factory):
    author = factory.user()
    heroma, hogia = factory.system(), factory.system()
    first = factory.experience(author, heroma, satisfaction=2, switched_from_id=hogia,
                               switch_reason="AGI fungerade inte")
    second = factory.experience(author, hogia, satisfaction=5, recommend=10)
    followed, fresh = followed_and_fresh(app)
    assert len(followed) == 2
    assert_same_snapshot(followed, fresh)

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
    assert_same_snapshot(followed, fresh)

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
    assert_same_snapshot(followed, fresh)


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
    assert_same_snapshot(followed, fresh)


def test_each_column_holds_the_row_it_was_read_from(app, factory):
    """The read packs small codes several to an integer and derives the year: every
    value at the edges of its range reads back as the row says."""
    from datetime import datetime

    from kb.core import vocab
    from kb.stats.figures import CAPABILITY_SHARE_LEVELS

    author = factory.user()
    heroma, hogia = factory.system(), factory.system()
    low = factory.experience(author, heroma, satisfaction=1, recommend=0,
                             sector="ideell", size_band="5000+", usage_status="evaluating",
                             created_at=datetime(2019, 12, 31, 23, 59, 59),
                             **{f"cap_{key}": "unknown" for key in vocab.CAPABILITIES})
    high = factory.experience(author, hogia, satisfaction=5, recommend=10,
                              switched_from_id=heroma, considering_switch_to_id=heroma,
                              go_live_months=18, visibility="members",
                              created_at=datetime(2024, 1, 1, 0, 0, 1),
                              **{f"rating_{key}": 5 for key in vocab.SUB_RATINGS},
                              **{f"cap_{key}": "missing" for key in vocab.CAPABILITIES})
    with app.app_context():
        columns = snapshot.current(cache.data_version()).columns
        assert columns["id"].tolist() == [low, high]
        for row, experience_id in enumerate((low, high)):
            e = db.session.get(Experience, experience_id)
            assert columns["year"][row] == e.created_at.year
            assert columns["created"][row] == snapshot.Snapshot.epoch(e.created_at)
            assert columns["satisfaction"][row] == e.satisfaction
            assert columns["recommend"][row] == e.recommend
            assert columns["go_live_months"][row] == (e.go_live_months or -1)
            assert columns["system_id"][row] == e.system_id
            assert columns["switched_from_id"][row] == (e.switched_from_id or 0)
            for field in vocab.CONTEXT_FIELDS:
                assert columns[field.column][row] == \
                    list(field.vocabulary).index(getattr(e, field.column)), field.column
            for key in vocab.SUB_RATINGS:
                assert columns[f"rating_{key}"][row] == (getattr(e, f"rating_{key}") or 0)
            for key in vocab.CAPABILITIES:
                answer = getattr(e, f"cap_{key}")
                expected = (CAPABILITY_SHARE_LEVELS.index(answer)
                            if answer in CAPABILITY_SHARE_LEVELS else -1)
                assert columns[f"cap_{key}"][row] == expected, key


def test_a_write_recomputes_only_the_figures_of_the_systems_it_touches(app, factory,
                                                                        monkeypatch):
    from kb import stats
    from kb.access import policy
    from kb.models import PayrollSystem
    from kb.stats import aggregate

    author = factory.user()
    heroma, hogia, visma = factory.system(), factory.system(), factory.system()
    for system in (heroma, hogia, visma):
        for satisfaction in (2, 4, 5, 3, 4):
            factory.experience(author, system, satisfaction=satisfaction)
    computed = []
    real = aggregate.profiles

    def counting(figures, systems, *args, **kwargs):
        computed.extend(system.id for system in systems)
        return real(figures, systems, *args, **kwargs)

    monkeypatch.setattr(aggregate, "profiles", counting)
    reach = policy.counted(policy.VISITOR)

    def profile(system_id):
        with app.app_context():
            return stats.profile(db.session.get(PayrollSystem, system_id), reach)

    assert [profile(s).experiences for s in (heroma, hogia, visma)] == [5, 5, 5]
    assert sorted(computed) == sorted([heroma, hogia, visma])
    computed.clear()
    # A Hogia experience by someone who switched from Heroma: both move, Visma not.
    factory.experience(author, hogia, satisfaction=1, switched_from_id=heroma)
    assert profile(visma).experiences == 5
    assert profile(hogia).experiences == 6
    assert [flow.n for flow in profile(heroma).switched_to] == [1]
    assert sorted(computed) == sorted([hogia, heroma])

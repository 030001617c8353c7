"""After a write, the figure snapshot applies the changed rows to the copy it holds
(read from the change log since its version) instead of reading every row again,
and ends exactly where a fresh read ends."""

import pytest
from sqlalchemy import delete, update

from kb.extensions import db
from kb.models import Experience, Network
from kb.stats import cache, snapshot
from tests.support.checks import assert_same_snapshot


@pytest.fixture
def no_full_read(monkeypatch):
    """Full reads counted: the test fails if the app's copy is read from scratch."""
    reads = []
    load = snapshot.load

    def counted(version):
        reads.append(version)
        return load(version)

    monkeypatch.setattr(snapshot, "load", counted)
    return reads


def followed_and_fresh(app, reads):
    with app.app_context():
        version = cache.data_version()
        followed = snapshot.current(version)
        before = len(reads)
        fresh = snapshot.load(version)  # the reference, not counted as the app's
        del reads[before:]
        return followed, fresh


def test_every_kind_of_write_is_applied_as_a_delta(app, factory, no_full_read):
    author, other = factory.user(), factory.user()
    heroma, hogia, flex = factory.system(), factory.system(), factory.system()
    network = factory.network(members={author: "leader"})
    rows = [factory.experience(author, heroma, satisfaction=n % 5 + 1) for n in range(6)]
    shared = factory.experience(other, hogia, visibility="networks", networks=[network])
    followed, fresh = followed_and_fresh(app, no_full_read)
    assert len(no_full_read) == 1  # the first read of all
    assert_same_snapshot(followed, fresh)

    steps = [
        # inserts
        lambda: factory.experience(other, flex, satisfaction=2, switched_from_id=heroma,
                                   switch_reason="Bättre support"),
        # edits of figures and of the system written about
        lambda: _set(rows[0], satisfaction=1, recommend=0),
        lambda: _set(rows[1], system_id=flex),
        # visibility: public to members only, to networks, and back
        lambda: _set(rows[2], visibility="members"),
        lambda: _share(rows[3], network),
        lambda: _set(shared, visibility="public"),
        # moderation: hidden, pending, published again
        lambda: _set(rows[4], moderation_state="hidden"),
        lambda: _set(rows[5], moderation_state="pending"),
        lambda: _set(rows[4], moderation_state="published"),
        # deletes, one by the unit of work, one in bulk
        lambda: _delete(rows[0]),
        lambda: _bulk_delete(rows[1]),
    ]
    for step in steps:
        with app.app_context():
            step()
        followed, fresh = followed_and_fresh(app, no_full_read)
        assert_same_snapshot(followed, fresh)
        assert followed.previous_version is not None  # brought up to date, not re-read
    assert len(no_full_read) == 1
    assert rows[0] not in followed.columns["id"].tolist()


def _set(experience_id: int, **values) -> None:
    experience = db.session.get(Experience, experience_id)
    for name, value in values.items():
        setattr(experience, name, value)
    db.session.commit()


def _share(experience_id: int, network_id: int) -> None:
    experience = db.session.get(Experience, experience_id)
    experience.visibility = "networks"
    experience.networks = [db.session.get(Network, network_id)]
    db.session.commit()


def _delete(experience_id: int) -> None:
    db.session.delete(db.session.get(Experience, experience_id))
    db.session.commit()


def _bulk_delete(experience_id: int) -> None:
    db.session.execute(delete(Experience).where(Experience.id == experience_id))
    db.session.commit()


def test_a_delta_touches_only_the_systems_it_changed(app, factory, no_full_read):
    author = factory.user()
    heroma, hogia = factory.system(), factory.system()
    first = factory.experience(author, heroma)
    factory.experience(author, hogia)
    followed_and_fresh(app, no_full_read)
    with app.app_context():
        db.session.execute(update(Experience).where(Experience.id == first)
                           .values(satisfaction=2))
        db.session.commit()
    followed, fresh = followed_and_fresh(app, no_full_read)
    assert followed.changed_systems == frozenset({heroma})
    assert_same_snapshot(followed, fresh)
    assert len(no_full_read) == 1

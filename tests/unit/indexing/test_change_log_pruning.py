"""The change log keeps only what some live follower still needs, plus the newest
rows the figure snapshot re-examines; a follower gone too long is forgotten and
rebuilds when it returns."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from kb import indexing
from kb.access import policy
from kb.changelog import ChangeLogEntry, ChangeLogFollower, followers, pruning
from kb.core.dates import utcnow
from kb.experiences import searching as experience_search
from kb.extensions import db
from kb.models import Experience
from kb.operations import maintenance
from kb.stats import cache, snapshot
from tests.support.checks import assert_same_snapshot
from tests.support.health import operator_health

FORGET_AFTER = 3 * 24 * 3600.0
MODERATOR = policy.Audience(moderator=True)


def log_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(ChangeLogEntry.id).order_by(ChangeLogEntry.id)))


def cursor_of(app):
    with app.app_context():
        path = indexing.store().current_path()
        return indexing.IndexStore.read_cursor(path)["id"]


def prune(app) -> pruning.Pruned:
    with app.app_context():
        return maintenance.prune(app.config)


def write(app, author: int, system: int, n: int) -> list[int]:
    """n new experiences in one transaction: n change-log rows."""
    with app.app_context():
        rows = [Experience(author_id=author, system_id=system, sector="kommun",
                           size_band="50-249", reviewer_role="lonechef",
                           usage_status="current", satisfaction=3, title=f"Rad {k}",
                           pros="", cons="") for k in range(n)]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def rewrite(app, ids: list[int], word: str) -> None:
    """One bulk update of every experience: a change-log row for each."""
    with app.app_context():
        db.session.execute(update(Experience).where(Experience.id.in_(ids))
                           .values(pros=f"Numera {word}."))
        db.session.commit()


def found(app, q: str) -> int:
    with app.test_request_context():
        return experience_search.search({"q": q}, MODERATOR).total


def test_the_log_keeps_what_live_followers_need_and_the_newest_rows(app, app_with, factory,
                                                                    tmp_path):
    assert pruning.KEEP_NEWEST >= cache.WINDOW  # the figure snapshot's window stays
    author, system = factory.user(), factory.system()
    slow = app_with(INDEX_DIR=str(tmp_path / "slow-server"))
    ids = write(app, author, system, 300)  # the first server follows after each commit
    with slow.app_context():
        indexing.follow()  # the second server builds its index, then stops following
    slow_at = cursor_of(slow)
    for word in ("blåbär", "lingon", "hjortron", "åkerbär"):
        rewrite(app, ids, word)
    assert len(log_ids(app)) == 1500

    result = prune(app)
    kept = log_ids(app)
    newest = kept[-1]
    # Rows the slow server has not applied stay, and the newest KEEP_NEWEST whatever.
    assert kept == [i for i in range(1, newest + 1) if i > slow_at or i > newest - 1000]
    assert result.deleted == 1500 - len(kept) > 0

    with slow.app_context():
        indexing.follow()  # the slow server catches up ...
    prune(app)
    assert log_ids(app) == list(range(newest - 999, newest + 1))  # ... and only the newest stay
    assert found(slow, "åkerbär") == found(app, "åkerbär") == 300


def test_a_follower_gone_too_long_is_forgotten_and_rebuilds_when_it_returns(
        app, app_with, factory, tmp_path):
    author, system = factory.user(), factory.system()
    away = app_with(INDEX_DIR=str(tmp_path / "away-server"))
    ids = write(app, author, system, 300)
    with away.app_context():
        indexing.follow()
        name = indexing.validity.follower_name(indexing.store().current_path())
        db.session.execute(update(ChangeLogFollower).where(ChangeLogFollower.name == name)
                           .values(seen_at=utcnow() - timedelta(seconds=FORGET_AFTER + 60)))
        db.session.commit()
    for word in ("vinbär", "krusbär", "smultron", "tranbär"):
        rewrite(app, ids, word)

    result = prune(app)
    assert result.forgotten == [name]
    kept = log_ids(app)
    assert len(kept) == 1000  # the rows the gone server needed are gone too
    with app.app_context():
        assert followers.find(db.session, name) is None

    client = away.test_client()
    status, body = operator_health(client)
    assert status == 503
    assert "index: the change log was pruned past its cursor" in body["problems"]
    assert found(away, "tranbär") == 300  # rebuilt from the database, not from the log
    assert found(away, "vinbär") == 0
    assert client.get("/healthz").status_code == 200
    with away.app_context():
        assert followers.find(db.session, indexing.validity.follower_name(
            indexing.store().current_path())) is not None


def test_no_registered_follower_means_nothing_is_pruned(app, factory):
    author, system = factory.user(), factory.system()
    ids = write(app, author, system, 300)
    rewrite(app, ids, "nypon")
    rewrite(app, ids, "slånbär")
    with app.app_context():
        db.session.execute(ChangeLogFollower.__table__.delete())
        db.session.commit()
    assert prune(app).deleted == 0
    assert len(log_ids(app)) == 900


def test_the_figure_snapshot_stays_right_across_pruning(app, factory):
    author, system = factory.user(), factory.system()
    ids = write(app, author, system, 300)
    with app.app_context():
        before = snapshot.current(cache.data_version())
        assert len(before) == 300
    for word in ("äpple", "päron", "plommon", "körsbär"):
        rewrite(app, ids, word)
    with app.app_context():
        db.session.execute(update(Experience).where(Experience.id.in_(ids[:50]))
                           .values(satisfaction=5))
        db.session.commit()
        version = cache.data_version()
        snapshot.current(version)  # followed up to here
    assert prune(app).deleted > 0
    with app.app_context():
        assert cache.data_version() == version  # pruning is no change of the data
        db.session.execute(update(Experience).where(Experience.id.in_(ids[50:60]))
                           .values(satisfaction=1))
        db.session.commit()
        version = cache.data_version()
        followed, fresh = snapshot.current(version), snapshot.load(version)
    assert_same_snapshot(followed, fresh)
    assert followed.columns["satisfaction"].tolist().count(5) == 50
    assert followed.columns["satisfaction"].tolist().count(1) == 10

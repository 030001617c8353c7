"""The index follows the database after any sequence of writes, rollbacks,
bulk statements, crashes and concurrent writers. (Two writer processes at once:
tests/system/test_index_writers.py.)"""

import os

from sqlalchemy import delete, select, update

from kb import indexing
from kb.access import policy
from kb.changelog import ChangeLogEntry
from kb.experiences import searching as experience_search
from kb.extensions import db
from kb.indexing import rebuilding
from kb.models import Experience, PayrollSystem, User
from tests.support.pages import full_form, post_form


def found(app, q, viewer=None):
    with app.app_context():
        audience = policy.audience_of(viewer)
        return sorted(h.id for h in experience_search.search({"q": q}, audience).hits)


def new_experience(author_id, system_id, **fields):
    values = dict(author_id=author_id, system_id=system_id, sector="kommun",
                  size_band="50-249", reviewer_role="lonechef", usage_status="current",
                  satisfaction=4, title="Titel", pros="", cons="")
    values.update(fields)
    return Experience(**values)


def built(app) -> None:
    """The server's index exists: its first judgement built it from the database."""
    with app.app_context():
        indexing.follow()
        assert indexing.store().current_generation() is not None


def agrees(app) -> dict:
    with app.app_context():
        info = indexing.status()
    assert not info["drift"], info
    return info


def test_flush_before_commit_is_indexed(app, factory):
    author, system = factory.user(), factory.system()
    with app.app_context():
        experience = new_experience(author, system, title="Flushad")
        db.session.add(experience)
        db.session.flush()
        experience.pros = "Retroaktiva lönerna räknas rätt."
        db.session.commit()
        experience_id = experience.id
    assert found(app, "retroaktiv") == [experience_id]
    assert found(app, "flushad") == [experience_id]
    agrees(app)


def test_a_rolled_back_transaction_leaves_the_index_untouched(app, factory):
    author, system = factory.user(), factory.system()
    with app.app_context():
        db.session.add(new_experience(author, system, title="Ångrad"))
        db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(ChangeLogEntry.id)) is None
    assert found(app, "ångrad") == []
    info = agrees(app)
    assert info["rows"] == info["documents"] == 0


def test_an_edit_removes_the_old_words(app, factory):
    experience = factory.experience(factory.user(), factory.system(),
                                    pros="Frånvarohanteringen krånglar.")
    with app.app_context():
        db.session.get(Experience, experience).pros = "Schemaläggningen fungerar."
        db.session.commit()
    assert found(app, "frånvarohanteringen") == []
    assert found(app, "schemaläggningen") == [experience]
    agrees(app)


def test_bulk_update_and_delete_are_followed(app, factory):
    author, system = factory.user(), factory.system()
    ids = [factory.experience(author, system, title=f"Bulk {n}") for n in range(3)]
    with app.app_context():
        db.session.execute(update(Experience).where(Experience.id == ids[0])
                           .values(visibility="members"))
        db.session.execute(delete(Experience).where(Experience.id.in_(ids[1:])))
        db.session.commit()
    assert found(app, "bulk") == []  # a visitor: one is members-only, two are gone
    agrees(app)


def test_hiding_and_renaming_a_system_are_followed(app, factory):
    system = factory.system(slug="paxlon", name="Paxlön")
    experience = factory.experience(factory.user(), system, title="Byte")
    with app.app_context():
        db.session.get(PayrollSystem, system).name = "Flexlön"
        db.session.commit()
    assert found(app, "flexlön") == [experience]
    assert found(app, "paxlön") == []
    with app.app_context():
        db.session.get(Experience, experience).moderation_state = "hidden"
        db.session.commit()
    assert found(app, "flexlön") == []
    agrees(app)


def test_a_crash_between_commit_and_drain_loses_nothing(app, factory, runner, monkeypatch):
    author, system = factory.user(), factory.system()
    built(app)
    # The process dies right after COMMIT: no drain runs.
    monkeypatch.setattr(indexing, "follow", lambda: None)
    with app.app_context():
        db.session.add(new_experience(author, system, title="Överlevde kraschen"))
        db.session.commit()
        assert indexing.status()["queued"] == 1
    assert runner.invoke(args=["index-status"]).exit_code == 1
    monkeypatch.undo()
    result = runner.invoke(args=["index-sync"])
    assert "Applied 1" in result.output
    assert runner.invoke(args=["index-status"]).exit_code == 0
    assert len(found(app, "kraschen")) == 1


def test_a_crash_during_the_drain_is_applied_by_the_next(app, factory, monkeypatch):
    author, system = factory.user(), factory.system()
    built(app)

    def dies(*_args):
        raise OSError("killed while writing the index")

    monkeypatch.setattr(indexing, "apply_ids", dies)
    with app.app_context():
        db.session.add(new_experience(author, system, title="Halvvägs"))
        db.session.commit()  # the failing drain is logged, the request succeeds
        assert indexing.status()["drift"]
    monkeypatch.undo()
    assert len(found(app, "halvvägs")) == 1  # the next search catches up
    agrees(app)


def test_a_busy_index_leaves_the_work_to_the_next_drain(app, factory):
    author, system = factory.user(), factory.system()
    built(app)
    with app.app_context():
        with indexing.store().try_writer() as changes:
            db.session.add(new_experience(author, system, title="Väntade"))
            db.session.commit()  # cannot get the lock: the commit still succeeds
            changes.cancel()
        assert indexing.status()["queued"] == 1
        assert indexing.drain() == 1
    agrees(app)


def test_reindex_swaps_in_a_fresh_index_and_agrees(app, factory, runner):
    author, system = factory.user(), factory.system()
    ids = [factory.experience(author, system, title="Återbyggd") for _ in range(3)]
    with app.app_context():
        old = indexing.store().current_generation()
        # Rows written around the queue (as the demo loader does).
        db.session.execute(delete(ChangeLogEntry))
        db.session.commit()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "3 experiences" in result.output
    with app.app_context():
        assert indexing.store().current_generation() != old
        assert not os.path.exists(os.path.join(app.config["INDEX_DIR"], old))
    assert found(app, "återbyggd") == ids
    assert runner.invoke(args=["index-status"]).exit_code == 0


def test_transactions_committing_out_of_order(app, factory):
    """PostgreSQL: a transaction that commits after a later-numbered one is still
    applied. SQLite: a second writer waits for the first, so ids commit in order."""
    author, system = factory.user(), factory.system()
    with app.app_context():
        engine = db.engine
        postgres = engine.dialect.name == "postgresql"
        from sqlalchemy.orm import Session

        early = Session(engine)
        early.add(new_experience(author, system, title="Tidig"))
        early.flush()  # takes the lower queue id first, commits last
        if postgres:
            with Session(engine) as late:
                late.add(new_experience(author, system, title="Sen"))
                late.commit()
            indexing.drain()
            early.commit()
            early.close()
            indexing.drain()
            assert indexing.status()["drift"] is False
            ids = found(app, "tidig") + found(app, "sen")
            assert len(ids) == 2
        else:
            import sqlite3

            raw = sqlite3.connect(engine.url.database, timeout=0.1)
            try:
                raw.execute("INSERT INTO change_log (kind, object_id, created_at) "
                            "VALUES ('experience', 0, '2024-01-01')")
                raise AssertionError("a second SQLite writer must wait")
            except sqlite3.OperationalError as error:
                assert "locked" in str(error)
            finally:
                raw.close()
                early.commit()
                early.close()
            indexing.drain()
            assert indexing.status()["drift"] is False


def test_searching_between_changes_keeps_working(app, factory):
    """A refreshed searcher reuses the unchanged segments' readers; retiring the
    old searcher must not close them under the new one."""
    author, system = factory.user(), factory.system()
    first = factory.experience(author, system, title="Förstagångsbesök")
    assert found(app, "förstagångsbesök") == [first]
    for n in range(3):
        factory.experience(author, system, title=f"Ändring {n}")
        assert found(app, "förstagångsbesök") == [first]
        assert len(found(app, "ändring")) == n + 1
    agrees(app)


def test_a_parallel_rebuild_agrees_with_the_database(app, factory, runner, monkeypatch):
    author, system = factory.user(), factory.system()
    ids = [factory.experience(author, system, title=f"Parallell {n}",
                              pros="Semesterskulden stämmer.") for n in range(7)]
    monkeypatch.setattr(rebuilding, "PARALLEL_FROM", 2)
    monkeypatch.setattr(rebuilding.os, "cpu_count", lambda: 2)
    with app.app_context():
        assert indexing.rebuild() == 7
    assert found(app, "parallell") == ids
    assert found(app, "semesterskuld") == ids
    assert found(app, '"semesterskulden stämmer"') == ids
    agrees(app)


def test_requests_leave_merging_until_after_their_response(app, client, factory, auth):
    """A submission is searchable when its response arrives; merging the index's
    small segments waits until a response has been sent (closed)."""

    words = ("gurka", "tomat", "morot", "rädisa", "paprika", "selleri", "purjo", "lök")
    # One system per submission: a member has one experience per system.
    reviewed = [factory.system(slug=f"system-{word}", name=word.title()) for word in words]
    others = [factory.system(slug=slug, name=slug.title()) for slug in ("hogia", "primula")]
    member = factory.user(email="lena@region.se")
    auth.login("lena@region.se")
    built(app)
    with app.app_context():
        before = indexing.store().segment_count()
        viewer = db.session.get(User, member)
    counts = []
    for word, system in zip(words, reviewed, strict=True):
        response = post_form(client, "/experiences/new",
                             {**full_form(system, *others), "title": f"Inskickad {word}"})
        assert response.status_code == 302
        with app.app_context():
            counts.append(indexing.store().segment_count())
        assert len(found(app, word, viewer)) == 1  # searchable before any merge
        response.close()  # what the server does once the response is sent
    with app.app_context():
        after = indexing.store().segment_count()
    assert counts[0] == before + 1  # the request itself did not merge
    assert max(counts) <= indexing.MERGE_AT_SEGMENTS  # merged after responses: no pile-up
    assert after < indexing.MERGE_AT_SEGMENTS
    agrees(app)

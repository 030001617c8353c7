"""Faults a server meets in production, repeated: each ends in an index that agrees
with the database, found by search, and /healthz said 503 while it did not.

Most experiences here are loaded the way the demo loader writes them – without
change-log rows – so an index re-created empty and fed only the log (what a server
used to do after losing its index) would miss them."""

from __future__ import annotations

import os
import shutil
import threading
import time

import pytest
from sqlalchemy import select, text
from whoosh.filedb.filestore import FileStorage

from kb import indexing
from kb.access import policy
from kb.changelog import ChangeLogState
from kb.experiences import searching as experience_search
from kb.extensions import db
from kb.indexing import rebuilding
from kb.models import Experience
from kb.operations import background
from kb.search import IndexStore
from kb.tools import demo
from tests.support.health import operator_health
from tests.support.indexes import remove_under_a_running_server

LOADED = 60  # without change-log rows
MODERATOR = policy.Audience(member_id=None, moderator=True)



def load(app, factory) -> tuple[int, int]:
    """LOADED demo experiences and one written through the ORM; the index built.
    Returns (experiences, the written one's id)."""
    with app.app_context():
        demo.seed(LOADED, seed=5)
        indexing.rebuild()
        system = db.session.scalar(select(Experience.system_id).limit(1))
    written = factory.experience(factory.user(), system, title="Loggad pelargonskötsel")
    return LOADED + 1, written


def found(app, q: str = "") -> tuple[int, list[int]]:
    """What a moderator's search finds (moderators find everything): total, ids."""
    with app.test_request_context():
        result = experience_search.search({"q": q}, MODERATOR)
        return result.total, [hit.id for hit in result.hits]


def health(client) -> tuple[int, dict]:
    """/healthz's full report, as a moderator reads it (tests.support.health)."""
    return operator_health(client)


def agrees(app) -> dict:
    with app.app_context():
        info = indexing.status()
    assert not info["drift"], info
    return info


def generation_path(app) -> str:
    with app.app_context():
        return indexing.store().current_path()


def test_a_removed_index_directory_is_rebuilt_from_the_database(app, client, factory):
    total, written = load(app, factory)
    assert found(app)[0] == total
    assert health(client)[0] == 200
    shutil.rmtree(app.config["INDEX_DIR"])

    status, body = health(client)
    assert status == 503
    assert "index: directory missing" in body["problems"]
    assert "index: no index generation" in body["problems"]
    # Noticed: rebuilt from the database (here at once; a server does it in the
    # background, see below), not re-created empty and fed the change log.
    assert found(app)[0] == total
    assert found(app, "pelargonskötsel")[1] == [written]
    assert agrees(app)["documents"] == total
    assert health(client)[0] == 200


@pytest.fixture
def server(app_with, tmp_path):
    """An app whose timed jobs run in a thread, as in a web process, with an index of
    its own; yields it with a gate that holds its rebuilds until opened."""
    gate = threading.Event()
    gate.set()
    build = rebuilding._build

    def held(*args, **kwargs):
        gate.wait(30)
        return build(*args, **kwargs)

    rebuilding._build = held
    served = app_with(INDEX_DIR=str(tmp_path / "server-index"), BACKGROUND_JOBS=True,
                      INDEX_FOLLOW_SECONDS=0.1)
    jobs = background.ticker(served)
    jobs.ensure_running()
    try:
        yield served, gate
    finally:
        gate.set()
        jobs.stop()
        rebuilding._build = build


def wait_for(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_server_rebuilds_in_the_background_while_searches_go_on(server, app, factory):
    served, gate = server
    client = served.test_client()
    assert wait_for(lambda: health(client)[0] == 200)  # its first index, built on its timer
    total, written = load(app, factory)
    assert wait_for(lambda: found(served)[0] == total)
    with served.app_context():
        before = indexing.store().current_generation()

    gate.clear()  # the rebuild to come waits: what the server does meanwhile is seen
    remove_under_a_running_server(served.config["INDEX_DIR"])
    status, body = health(client)
    assert status == 503 and "index: no index generation" in body["problems"]
    assert wait_for(lambda: health(client)[1]["index"]["rebuilding"])
    # The searcher this process had open still answers from the lost generation.
    assert found(served)[0] == total
    late = factory.experience(factory.user(), factory.system(), title="Sent inskickad pion")
    assert health(client)[0] == 503

    gate.set()
    assert wait_for(lambda: health(client)[0] == 200), health(client)
    with served.app_context():
        assert indexing.store().current_generation() != before
    assert found(served)[0] == total + 1
    assert found(served, "pion")[1] == [late]
    assert found(served, "pelargonskötsel")[1] == [written]
    assert agrees(served)["documents"] == total + 1


def _foreign(path: str) -> str:
    manifest = IndexStore.read_manifest(path)
    IndexStore.write_manifest(path, {**manifest, "database_id": "0" * 32})
    return "index: the generation in use was built from another database"


def _empty(path: str) -> str:
    # What a server used to make when it found no index: empty, cursor 0, in use.
    store = IndexStore(os.path.dirname(path))
    fresh = store.new_generation()
    IndexStore.write_cursor(fresh, {"txid": 0, "id": 0})
    store.swap_in(fresh)
    return "index: the generation in use was not built complete from the database"


def _unreadable(path: str) -> str:
    for name in os.listdir(path):
        if name.endswith(".toc"):
            with open(os.path.join(path, name), "wb") as f:
                f.write(b"not a table of contents")
    return "index: the generation in use is unreadable"


def _ahead(path: str) -> str:
    # An index that followed this database before it was restored from a backup.
    IndexStore.write_cursor(path, {"txid": 10**12, "id": 10**9})
    return "index: its cursor points past this database's change log"


@pytest.mark.parametrize("fault", [_foreign, _empty, _unreadable, _ahead],
                         ids=["foreign", "empty", "unreadable", "ahead"])
def test_a_wrong_generation_is_rebuilt(app, client, factory, fault):
    total, written = load(app, factory)
    reason = fault(generation_path(app))
    status, body = health(client)
    assert status == 503
    assert any(problem.startswith(reason) for problem in body["problems"]), body["problems"]
    assert found(app)[0] == total  # the rebuilt generation
    assert found(app, "pelargonskötsel")[1] == [written]
    assert agrees(app)["documents"] == total
    status, body = health(client)
    assert status == 200 and body["problems"] == []


def test_an_index_that_cannot_be_written_says_so_until_it_can(app, client, factory,
                                                             monkeypatch):
    total, _written = load(app, factory)
    root = os.path.realpath(app.config["INDEX_DIR"])
    create_file = FileStorage.create_file

    def refused(self, name, *args, **kwargs):
        if os.path.realpath(self.folder).startswith(root):
            raise PermissionError(13, "Permission denied", name)
        return create_file(self, name, *args, **kwargs)

    monkeypatch.setattr(FileStorage, "create_file", refused)
    unseen = factory.experience(factory.user(), factory.system(), title="Oskrivbar rabarber")
    assert found(app, "rabarber") == (0, [])  # the submission stands, the index lacks it
    status, body = health(client)
    assert status == 503
    assert "index: not writable (PermissionError: Permission denied)" in body["problems"]
    assert "index: the last drain failed (PermissionError: Permission denied)" in body["problems"]
    assert body["change_log"]["last_drain_error"].startswith("PermissionError")

    monkeypatch.undo()  # the permissions are mended
    with app.app_context():
        indexing.follow()  # what the server's timer does every two seconds
    assert found(app, "rabarber")[1] == [unseen]
    assert health(client)[0] == 200
    assert agrees(app)["documents"] == total + 1


def test_a_bulk_load_has_every_server_rebuild(app, app_with, factory, tmp_path):
    other = app_with(INDEX_DIR=str(tmp_path / "other-server"))
    total, _written = load(app, factory)
    assert found(other)[0] == total  # its first index, built from the database
    with other.app_context():
        first = indexing.store().current_generation()
        demo.seed(10, seed=6)  # another load, without change-log rows
        assert db.session.scalar(select(ChangeLogState.rebuild_request)) == 2
    client = other.test_client()
    status, body = health(client)
    assert status == 503
    assert "index: a rebuild was asked of every server after it was built" in body["problems"]
    assert found(other)[0] == total + 10
    with other.app_context():
        assert indexing.store().current_generation() != first
    assert health(client)[0] == 200


def test_documents_that_disagree_with_the_rows_are_reported_and_rebuilt(app, client, factory):
    total, _written = load(app, factory)
    assert health(client)[0] == 200
    with app.app_context(), db.engine.begin() as connection:
        # Rows deleted behind the change log's back (not what kb itself ever does).
        connection.execute(text("DELETE FROM satisfaction_history WHERE experience_id <= 5"))
        connection.execute(text("DELETE FROM experience WHERE id <= 5"))
    with app.app_context():
        os.utime(os.path.join(indexing.store().current_path(), "generation.json"),
                 (0, 0))  # built long ago
    app.config["HEALTH_COUNT_SECONDS"] = 0
    status, body = health(client)
    assert status == 503, body
    assert f"index: {total} documents for {total - 5} experiences" in body["problems"]
    assert health(client)[0] == 200
    assert found(app)[0] == total - 5


def test_a_server_without_an_index_answers_searches_while_it_builds_one(app_with, factory,
                                                                       tmp_path):
    author, system = factory.user(), factory.system()
    experience = factory.experience(author, system, title="Kallstartad kamomill")
    served = app_with(INDEX_DIR=str(tmp_path / "new-server"), BACKGROUND_JOBS=True)
    client = served.test_client()
    # No index and nothing building one yet (its timed jobs start with its first
    # request): searches answer, from an empty index.
    assert found(served, "kamomill") == (0, [])
    assert client.get("/healthz").status_code == 503  # the first request: jobs start
    assert client.get("/search?q=kamomill").status_code == 200
    jobs = background.ticker(served)
    try:
        assert jobs.running
        assert wait_for(lambda: client.get("/healthz").status_code == 200)
        assert found(served, "kamomill") == (1, [experience])
    finally:
        jobs.stop()


def test_a_failed_drain_is_over_once_a_drain_goes_well_with_nothing_to_apply(
        app, client, factory, monkeypatch):
    load(app, factory)

    def refused(self, name, *args, **kwargs):
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(FileStorage, "create_file", refused)
    with app.app_context():
        indexing.follow()  # the timer's drain, with nothing waiting, cannot write
    assert "index: the last drain failed (PermissionError: Permission denied)" in health(
        client)[1]["problems"]
    monkeypatch.undo()
    with app.app_context():
        indexing.follow()
    status, body = health(client)
    assert status == 200, body["problems"]
    assert body["change_log"]["last_drain_error"] is None

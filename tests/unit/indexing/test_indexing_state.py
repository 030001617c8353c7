"""kb.indexing keeps its own bookkeeping (kb.indexing.state), one per index store:
a drain failure is remembered until a
drain succeeds."""

from kb import indexing
from kb.indexing import state
from kb.search import IndexStore


def test_each_store_has_its_own_state(tmp_path):
    one, other = IndexStore(str(tmp_path / "a")), IndexStore(str(tmp_path / "b"))
    state.of(one).drain_error = (0.0, "OSError: disk full")
    assert state.of(one) is state.of(one)
    assert state.of(other).drain_error is None


def test_a_failed_drain_is_remembered_until_one_succeeds(app, monkeypatch):
    def fails(*_args, **_kwargs):
        raise OSError("disk full")

    with app.app_context():
        assert indexing.last_drain_error() is None
        monkeypatch.setattr(indexing, "drain", fails)
        indexing.follow()
        assert indexing.last_drain_error() == "OSError: disk full"
        monkeypatch.undo()
        indexing.drain(wait=5)
        assert indexing.last_drain_error() is None

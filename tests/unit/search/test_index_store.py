"""IndexStore hands out changes under the write lock and counts its documents; no
Whoosh writer or searcher leaves kb.search, and changes left neither committed nor
cancelled never keep the lock."""

from datetime import datetime

from kb.search import Changes, IndexStore


def document(n: int, title: str = "Lönesystemet fungerar") -> dict:
    return {"id": str(n), "title": title, "body": "", "parts": title,
            "created": datetime(2024, 1, n % 28 + 1)}


def in_use(tmp_path) -> IndexStore:
    store = IndexStore(str(tmp_path / "index"))
    store.ensure()
    store.swap_in(store.new_generation())
    return store


def test_committed_changes_are_counted_and_cancelled_ones_are_not(tmp_path):
    store = in_use(tmp_path)
    with store.try_writer() as changes:
        assert isinstance(changes, Changes) and changes.path == store.current_path()
        changes.update([document(1), document(2), document(3)])
        changes.commit(merge=False)
    assert store.document_count() == (store.current_generation(), 3)
    with store.try_writer() as changes:
        changes.delete([2])
        changes.update([document(4)])
        changes.cancel()
    assert store.document_count()[1] == 3
    with store.try_writer() as changes:
        changes.delete([2, 99])
        changes.commit()
    assert store.document_count()[1] == 2
    assert store.document_ids() == ({1, 3}, 2)
    store.close()


def test_changes_left_open_are_cancelled_and_free_the_lock(tmp_path):
    store = in_use(tmp_path)
    with store.try_writer() as changes:
        changes.update([document(1)])
        with store.try_writer() as busy:
            assert busy is None  # the lock is held meanwhile
    with store.try_writer() as changes:
        assert changes is not None  # the first block's end let it go
        changes.commit()
    assert store.document_count()[1] == 0
    store.close()


def test_an_error_inside_the_block_cancels_the_changes(tmp_path):
    store = in_use(tmp_path)
    try:
        with store.try_writer() as changes:
            changes.update([document(1)])
            raise RuntimeError("the database went away")
    except RuntimeError:
        pass
    assert store.merge_segments()  # the lock is free again
    assert store.document_count()[1] == 0
    store.close()


def test_without_a_generation_there_is_nothing_to_write_and_nothing_to_count(tmp_path):
    store = IndexStore(str(tmp_path / "index"))
    store.ensure()
    with store.try_writer() as changes:
        assert changes is None
    assert not store.merge_segments()
    assert store.document_count() == (None, 0)
    store.close()


def test_the_store_carries_no_indexing_bookkeeping(tmp_path):
    store = IndexStore(str(tmp_path / "index"))
    assert not {"merge_wanted", "drain_error", "last_heartbeat", "lock_was_busy",
                "last_catch_up"} & set(vars(store))


def test_a_table_of_contents_removed_as_it_is_read_is_read_again(tmp_path, monkeypatch):
    """Another process's commit removes the table of contents (or segments) a reader
    had just listed: that is no reason to call the generation unreadable, which would
    rebuild the whole index. A file missing at every attempt still is."""
    from kb.search import index as index_module

    store = IndexStore(str(tmp_path / "index"))
    store.ensure()
    store.swap_in(store.new_generation())
    path = store.current_path()
    real_open_dir = index_module.whoosh_index.open_dir
    gone = {"times": 1}

    def racing_open_dir(where, *args, **kwargs):
        if gone["times"]:
            gone["times"] -= 1
            raise FileNotFoundError(2, "No such file or directory", f"{where}/_MAIN_7.toc")
        return real_open_dir(where, *args, **kwargs)

    monkeypatch.setattr(index_module.whoosh_index, "open_dir", racing_open_dir)
    assert IndexStore.unreadable(path) is None
    gone["times"] = index_module.READ_ATTEMPTS
    assert "No such file" in IndexStore.unreadable(path)

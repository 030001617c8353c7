"""After a write, this process's searcher takes the new segment and keeps the open
readers of the segments that did not change; a reader an older searcher still
uses is closed only when that searcher is released."""

from datetime import datetime

from kb.search import IndexStore
from kb.search import whoosh_internals as internals


def document(n: int, title: str = "Lönesystemet fungerar") -> dict:
    return {"id": str(n), "title": title, "body": "", "parts": title,
            "created": datetime(2024, 1, n % 28 + 1)}


def in_use(tmp_path, documents) -> IndexStore:
    store = IndexStore(str(tmp_path / "index"))
    store.ensure()
    store.swap_in(store.new_generation())
    with store.try_writer() as changes:
        changes.update(documents)
        changes.commit(merge=False)
    return store


def write(store, add=(), delete=()) -> None:
    with store.try_writer() as changes:
        changes.update(add)
        changes.delete(delete)
        changes.commit(merge=False)


def ids(store) -> set[int]:
    with store.searcher() as searcher:
        return {int(fields["id"]) for fields in searcher.all_stored_fields()}


def leaves(store) -> list:
    with store.searcher() as searcher:
        return internals.leaf_readers(searcher.reader())


def test_the_refreshed_searcher_finds_new_documents_and_no_deleted_ones(tmp_path):
    store = in_use(tmp_path, [document(n) for n in range(1, 21)])
    assert ids(store) == set(range(1, 21))
    write(store, add=[document(21, "Semesterberäkningen krånglar")])
    assert ids(store) == set(range(1, 22))
    write(store, delete=[3, 21])
    assert ids(store) == set(range(1, 21)) - {3}
    write(store, add=[document(5, "Ändrad: supporten svarar snabbt")])  # an edit
    assert ids(store) == set(range(1, 21)) - {3}
    with store.searcher() as searcher:
        titles = {fields["id"]: fields.get("title") for fields in searcher.all_stored_fields()}
        assert searcher.doc_count() == 19
    assert "5" in titles
    store.close()


def test_segments_that_did_not_change_keep_their_open_reader(tmp_path):
    store = in_use(tmp_path, [document(n) for n in range(1, 21)])
    [first] = leaves(store)
    write(store, add=[document(21)])
    now = leaves(store)
    assert len(now) == 2 and now[0] is first  # the large segment was not reopened
    assert not first.is_closed
    newest = now[1]
    # A deletion in the large segment opens it again (its deletions changed); the
    # segment written last did not change and stays open as it was.
    write(store, delete=[4])
    again = leaves(store)
    assert again[0] is not first and again[1] is newest
    assert first.is_closed  # nobody uses the old one any more
    store.close()
    assert all(leaf.is_closed for leaf in again)


def test_a_reader_in_use_by_an_older_searcher_stays_open_until_released(tmp_path):
    store = in_use(tmp_path, [document(n) for n in range(1, 11)])
    with store.searcher() as older:
        [old_leaf] = internals.leaf_readers(older.reader())
        write(store, delete=[2])
        write(store, add=[document(11)])
        assert ids(store) == set(range(1, 12)) - {2}  # a newer searcher meanwhile
        assert not old_leaf.is_closed  # still searched by this thread
        assert older.doc_count() == 10
    assert old_leaf.is_closed
    store.close()


def test_refreshing_many_times_leaves_one_set_of_open_readers(tmp_path):
    store = in_use(tmp_path, [document(n) for n in range(1, 11)])
    opened = []
    for n in range(11, 31):
        write(store, add=[document(n)], delete=[n - 10] if n % 3 == 0 else [])
        opened.extend(leaves(store))
    current = leaves(store)
    assert ids(store) == set(range(1, 31)) - {n - 10 for n in range(11, 31) if n % 3 == 0}
    stale = {id(leaf): leaf for leaf in opened if all(leaf is not c for c in current)}
    assert stale and all(leaf.is_closed for leaf in stale.values())
    assert all(not leaf.is_closed for leaf in current)
    store.close()


def test_reader_reusing_reads_what_whooshs_own_reader_reads(tmp_path):
    """The Whoosh-private assumption behind it (whoosh_internals.reader_reusing):
    the reader it assembles answers as `ix.reader()` of the same commit does."""
    store = in_use(tmp_path, [document(n) for n in range(1, 11)])
    ix = store.open_index()
    old = ix.reader()
    write(store, add=[document(11)], delete=[2])
    ix = store.open_index()
    ours, reused = internals.reader_reusing(ix, old)
    theirs = ix.reader()
    assert ours.generation() == theirs.generation() == ix.latest_generation()
    assert ours.doc_count() == theirs.doc_count() == 10
    assert sorted(f["id"] for f in ours.all_stored_fields()) == sorted(
        f["id"] for f in theirs.all_stored_fields())
    assert list(ours.lexicon("title")) == list(theirs.lexicon("title"))
    assert reused == []  # the deletion changed the only old segment
    for reader in (ours, theirs, old):
        reader.close()
    store.close()


def test_a_searcher_reads_every_column_of_segments_another_process_merged_away(tmp_path):
    """A merge (in any process) deletes the files of the segments it merged. A
    searcher opened before it still reads their stored fields and field lengths:
    it opened every file of its segments when it opened them, and an open file
    stays readable after it is deleted."""
    store = in_use(tmp_path, [document(n) for n in range(1, 11)])
    with store.searcher():
        pass  # the first segment opened ...
    for n in range(11, 16):  # ... then five small ones, each reused after its write
        write(store, add=[document(n, "Semesterberäkningen krånglar")])
        with store.searcher():
            pass
    with store.searcher() as older:
        other = IndexStore(str(tmp_path / "index"))  # another process's view
        write(other, add=[document(16)])
        assert other.merge_segments()
        left = other.open_index().storage.list()
        opened = internals.leaf_readers(older.reader())
        gone = [leaf for leaf in opened
                if not any(name.startswith(leaf.segment().segment_id()) for name in left)]
        assert len(gone) >= 4  # the small segments' files were deleted
        assert sorted(int(fields["id"]) for fields in older.all_stored_fields()) == list(
            range(1, 16))
        assert all(internals.field_lengths(leaf, "title").min() > 0 for leaf in opened)
        other.close()
    assert ids(store) == set(range(1, 17))
    store.close()

"""Each function of kb.search.whoosh_internals gives what Whoosh's public API says,
on real indexes written by Whoosh's own writer: a Whoosh release that changes one
of the private structures it reads fails the test named after that function."""

import importlib.util
import random
from collections import defaultdict

import numpy as np
import pytest
import whoosh
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.query import Term

from kb.search import whoosh_internals
from kb.search.whoosh_internals import (
    SegmentFiles,
    UniqueCodec,
    UnsupportedWhooshVersion,
    check_version,
    commit_new_segments,
    deleted_docs,
    field_lengths,
    hold_files,
    open_writer,
    segment_count,
    segment_key,
    term_key,
    term_postings,
    term_set,
    write_lock,
)
from tests.support.whoosh_contents import differences, index_contents, postings

BLOCK = 128  # Whoosh 2.7.4's postings per block: the corpus spans several.


def schema() -> Schema:
    return Schema(id=ID(stored=True, unique=True), title=TEXT(phrase=True),
                  body=TEXT(phrase=True), code=ID, rating=NUMERIC(int, sortable=True),
                  note=STORED)


def document(n: int) -> dict:
    """`ett` once in every body (every weight 1: Whoosh stores no weights), `två`
    twice (one weight for the whole block), `tre` one to three times (a weight
    per posting); a title only on some documents, never on the last ones."""
    words = ["ett", "två", "två"] + ["tre"] * (n % 3 + 1) + [f"ord{n % 7}"] * (n % 5)
    return {"id": str(n), "title": "lönesystem" if n % 4 == 0 and n < 290 else "",
            "body": " ".join(words), "code": f"k{n % 3}", "rating": n % 6,
            "note": f"anteckning {n}"}


def new_index(path):
    path.mkdir()
    return whoosh_index.create_in(str(path), schema())


@pytest.fixture
def ix(tmp_path):
    """Three segments by Whoosh's own writer: 300 documents in one compound file
    (Whoosh's default), 20 and 5 in separate files (as kb writes them)."""
    ix = new_index(tmp_path / "ix")
    for numbers, compound in ((range(300), True), (range(300, 320), False),
                              (range(320, 325), False)):
        with ix.writer(compound=compound) as writer:
            writer.merge = False
            for n in numbers:
                writer.add_document(**document(n))
    return ix


def delete(ix, numbers) -> None:
    with ix.writer() as writer:
        writer.merge = False
        for n in numbers:
            writer.delete_by_term("id", str(n))


def segment_readers(searcher) -> list:
    return [r for r, _offset in searcher.reader().leaf_readers()]


def public_postings(reader, fieldname, text) -> tuple[list[int], list[float]]:
    found = postings(reader, fieldname, text)
    return [p[0] for p in found], [p[1] for p in found]


# The version -------------------------------------------------------------------------


def test_check_version_refuses_any_other_whoosh(monkeypatch):
    assert whoosh.__version__ == whoosh_internals.WRITTEN_FOR == (2, 7, 4)
    check_version((2, 7, 4))
    for other in ((2, 7, 5), (2, 7), (3, 0, 0)):
        with pytest.raises(UnsupportedWhooshVersion, match=r"Whoosh 2\.7\.4.*installed"):
            check_version(other)
    # At import: a copy of the module, loaded while Whoosh claims another version.
    spec = importlib.util.spec_from_file_location("whoosh_internals_copy",
                                                  whoosh_internals.__file__)
    monkeypatch.setattr(whoosh, "__version__", (2, 8, 0))
    with pytest.raises(ImportError, match=r"Whoosh 2\.8\.0 is installed"):
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


# Segments and locks ------------------------------------------------------------------


def test_unique_codec_names_segments_apart_when_random_is_reseeded(tmp_path):
    ix = new_index(tmp_path / "ix")
    for n in range(2):
        random.seed(1)  # as Hypothesis does before each example
        writer = ix.writer(codec=UniqueCodec())
        writer.add_document(**document(n))
        writer.commit(merge=False)
    with ix.searcher() as searcher:
        ids = [r.segment().segment_id() for r in segment_readers(searcher)]
        assert len(set(ids)) == 2
        assert searcher.doc_count() == 2
        assert sorted(f["id"] for f in searcher.all_stored_fields()) == ["0", "1"]
    # Whoosh's own codec repeats a name after the same seed: why UniqueCodec exists.
    names = []
    for _ in range(2):
        random.seed(1)
        names.append(W3Codec().new_segment(ix.storage, ix.indexname).segment_id())
    assert names[0] == names[1]


def test_indexes_naming_the_codec_by_its_former_module_still_open(tmp_path, monkeypatch):
    """The table of contents pickles each segment's codec by module and name; the
    codec lived in kb.search.index before, and an index is only rebuilt on demand."""
    ix = new_index(tmp_path / "ix")
    with monkeypatch.context() as patch:  # written as before the move
        patch.setattr(UniqueCodec, "__module__", "kb.search.index")
        writer = ix.writer(codec=UniqueCodec())
        writer.add_document(**document(1))
        writer.commit()
    (toc,) = [name for name in ix.storage.list() if name.endswith(".toc")]
    written = (tmp_path / "ix" / toc).read_bytes()
    assert b"kb.search.index" in written and b"whoosh_internals" not in written
    reopened = whoosh_index.open_dir(str(tmp_path / "ix"))
    with reopened.searcher() as searcher:
        assert [hit["id"] for hit in searcher.search(Term("body", "tre"))] == ["1"]
        (reader,) = segment_readers(searcher)
        assert type(reader.segment().codec()) is UniqueCodec


def test_write_lock_is_the_lock_whoosh_writers_take(ix):
    writer = ix.writer()
    try:
        assert not write_lock(ix).acquire(blocking=False)
    finally:
        writer.cancel()
    lock = write_lock(ix)
    assert lock.acquire(blocking=False)
    try:
        with pytest.raises(LockError):
            ix.writer()
    finally:
        lock.release()
    ix.writer().cancel()  # free again


def test_open_writer_writes_as_whoosh_and_frees_the_lock_when_it_cannot(ix, monkeypatch):
    writer = open_writer(ix, compound=False)
    writer.add_document(id="neu", title="nytt dokument", rating=1)
    with pytest.raises(LockError):
        open_writer(ix)  # held, as by Whoosh's own writer
    assert not write_lock(ix).acquire(blocking=False)
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.document(id="neu")["id"] == "neu"

    def refused(self, name, *args, **kwargs):
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(type(ix.storage), "create_file", refused)
    with pytest.raises(PermissionError):
        open_writer(ix)
    monkeypatch.undo()
    lock = write_lock(ix)
    assert lock.acquire(blocking=False)  # not kept by the writer that was never made
    lock.release()
    open_writer(ix).cancel()
    ix.writer().cancel()  # Whoosh's own writers take it as before


def test_segment_count_is_the_number_of_segments_a_searcher_opens(ix):
    with ix.searcher() as searcher:
        assert segment_count(ix) == len(segment_readers(searcher)) == 3
    ix.optimize()
    with ix.searcher() as searcher:
        assert segment_count(ix) == len(segment_readers(searcher)) == 1


def test_segment_key_is_stable_and_distinct(ix, tmp_path):
    with ix.searcher() as first, ix.searcher() as second:
        keys = [segment_key(r) for r in segment_readers(first)]
        assert keys == [segment_key(r) for r in segment_readers(second)]
        assert len(set(keys)) == 3
        assert all(folder == ix.storage.folder for folder, _id in keys)
        segment_ids = [r.segment().segment_id() for r in segment_readers(first)]
        assert [segment_id for _folder, segment_id in keys] == segment_ids
    delete(ix, [5])  # a deletion keeps the segment's files, so its key
    with ix.searcher() as searcher:
        assert [segment_key(r) for r in segment_readers(searcher)] == keys
    empty = new_index(tmp_path / "empty")
    with empty.searcher() as searcher:
        assert [segment_key(r) for r in segment_readers(searcher)] == [None]


# Reading a segment -------------------------------------------------------------------


def test_term_postings_are_whoosh_postings(ix):
    before = ix.searcher()  # its readers see no deletions
    try:
        delete(ix, [0, 3, 129, 301])
        with ix.searcher() as searcher:
            fresh = {segment_key(r): r for r in segment_readers(searcher)}
            blocks = 0
            for old in segment_readers(before):
                reader = fresh[segment_key(old)]
                for fieldname in ("body", "title", "code"):
                    for text in reader.field_terms(fieldname):
                        ids, weights = term_postings(reader, fieldname, text)
                        assert ids.dtype == np.int64 and weights.dtype == np.float64
                        # Deleted documents included: the postings before the deletions.
                        expected_ids, expected_weights = public_postings(old, fieldname, text)
                        assert ids.tolist() == expected_ids, (fieldname, text)
                        assert weights.tolist() == expected_weights, (fieldname, text)
                        # And Whoosh's own matcher over them skips just the deleted ones.
                        live = [d for d in ids.tolist() if not reader.is_deleted(d)]
                        assert live == list(reader.postings(fieldname, text).all_ids())
                        blocks = max(blocks, len(ids) // BLOCK + 1)
            assert blocks >= 3
    finally:
        before.close()
    with ix.searcher() as searcher:
        ids, weights = term_postings(segment_readers(searcher)[0], "body", "tre")
        assert ids[:4].tolist() == [0, 1, 2, 3] and weights[:4].tolist() == [1, 2, 3, 1]


def test_field_lengths_are_whoosh_field_lengths(ix):
    with ix.searcher() as searcher:
        for reader in segment_readers(searcher):
            n = reader.doc_count_all()
            for fieldname in ("body", "title"):
                lengths = field_lengths(reader, fieldname)
                assert lengths.dtype == np.float64 and len(lengths) == n
                expected = [reader.doc_field_length(d, fieldname) or 0 for d in range(n)]
                assert lengths.tolist() == expected, fieldname
        first, _second, third = segment_readers(searcher)
        assert field_lengths(first, "title")[0] == 1 and field_lengths(first, "title")[1] == 0
        assert field_lengths(first, "title")[-1] == 0  # past the last title
        assert not field_lengths(third, "title").any()  # no titles: no length column
        assert field_lengths(first, "body")[299] == 3 + 3 + 4  # ett två två, tre×3, ord×4


def test_hold_files_keeps_every_column_readable_after_its_files_are_deleted(ix):
    """What a merge in another process does to the segments it merged: their files
    are deleted. A reader that held them reads what Whoosh read before."""
    with ix.searcher() as searcher:
        readers = segment_readers(searcher)
        expected = [([r.stored_fields(d) for d in range(r.doc_count_all())],
                     field_lengths(r, "body").tolist(), field_lengths(r, "title").tolist(),
                     list(r.column_reader("rating")), r.has_column("rating"))
                    for r in readers]
    with ix.searcher() as searcher:
        readers = segment_readers(searcher)
        for reader in readers:
            hold_files(reader)
        for reader in readers[1:]:  # the separate files (the compound one is open anyway)
            for name in reader.segment().list_files(ix.storage):
                ix.storage.delete_file(name)
        assert [([r.stored_fields(d) for d in range(r.doc_count_all())],
                 field_lengths(r, "body").tolist(), field_lengths(r, "title").tolist(),
                 list(r.column_reader("rating")), r.has_column("rating"))
                for r in readers] == expected


def test_hold_files_refuses_a_segment_whose_files_are_gone(ix):
    with ix.searcher() as searcher:
        reader = segment_readers(searcher)[1]
        for name in reader.segment().list_files(ix.storage):
            if name.endswith(".col"):
                ix.storage.delete_file(name)
        with pytest.raises(FileNotFoundError):
            hold_files(reader)


def test_term_set_and_term_key_answer_as_the_readers_own_lookup(ix):
    with ix.searcher() as searcher:
        for reader in segment_readers(searcher):
            terms = term_set(reader)
            asked = [(field, text) for field in ("title", "body", "code", "id", "rating")
                     for text in reader.field_terms(field)]
            asked += [("body", "finnsinte"), ("title", "ord3"), ("rating", 99),
                      ("saknas", "ett"), ("note", "anteckning")]
            assert len(asked) > 20
            for field, text in asked:
                try:
                    expected = (field, text) in reader
                except KeyError:  # Whoosh's TermNotFound for a field the schema lacks
                    expected = False
                assert (term_key(reader, field, text) in terms) == expected, (field, text)


def test_deleted_docs_are_whoosh_deletions(ix):
    delete(ix, [0, 3, 129, 301])
    with ix.searcher() as searcher:
        found = []
        for reader in segment_readers(searcher):
            expected = [d for d in range(reader.doc_count_all()) if reader.is_deleted(d)]
            assert deleted_docs(reader) == expected
            found.append(expected)
        assert found == [[0, 3, 129], [1], []]


# Writing a segment ---------------------------------------------------------------------


def segment_of(ix, documents):
    """A segment of the documents through SegmentFiles, each field analysed by its
    own `index()` (the caller holds the lock)."""
    files = SegmentFiles(ix)
    fields = files.schema
    postings_of = defaultdict(lambda: defaultdict(list))
    lengths = defaultdict(list)
    for docnum, doc in enumerate(documents):
        values = []
        for name in sorted(doc):
            field, length = fields[name], 0
            if field.indexed:
                for tbytes, freq, weight, vbytes in field.index(doc[name]):
                    postings_of[name][tbytes].append((docnum, weight, vbytes))
                    length += freq
            if field.scorable:
                lengths[name] += [0] * (docnum - len(lengths[name])) + [length]
            else:
                length = 0
            values.append((name, field, doc[name], length))
        files.add_document(values)
    for name in sorted(postings_of):
        terms = postings_of[name]
        files.write_field(name, fields[name], (
            (t, [p[0] for p in terms[t]], [p[1] for p in terms[t]], [p[2] for p in terms[t]])
            for t in sorted(terms)), lengths.get(name))
    assert files.doc_count == len(documents)
    return files.finish()


def test_segment_files_write_what_whoosh_writes(tmp_path):
    documents = [document(n) for n in range(300)]
    ours = new_index(tmp_path / "ours")
    commit_new_segments(ours, lambda: [segment_of(ours, documents)])
    theirs = new_index(tmp_path / "theirs")
    with theirs.writer() as writer:
        for doc in documents:
            writer.add_document(**doc)
    with ours.searcher() as a, theirs.searcher() as b:
        assert len(segment_readers(a)) == 1
        mine, whooshs = index_contents(a.reader(), True), index_contents(b.reader(), True)
        assert mine == whooshs, differences(mine, whooshs)
        assert a.doc_count() == 300 and len(mine["body", "postings"][b"ett"]) == 300
        assert [hit["id"] for hit in a.search(Term("title", "lönesystem"), limit=3)] == \
            [hit["id"] for hit in b.search(Term("title", "lönesystem"), limit=3)]


def test_commit_new_segments_adds_segments_beside_existing_ones(ix):
    generation = ix.latest_generation()
    seen = []

    def build():
        with pytest.raises(LockError):  # the lock is held while segments are built
            ix.writer()
        seen.append(True)
        return [segment_of(ix, [{"id": "900", "body": "nytt"}]), None, segment_of(ix, [])]

    commit_new_segments(ix, build)
    assert seen and ix.latest_generation() == generation + 1
    assert segment_count(ix) == 4
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 326
        assert [searcher.stored_fields(d)["id"]
                for d in searcher.docs_for_query(Term("body", "nytt"))] == ["900"]
    assert not any(name.endswith(".tmp") for name in ix.storage.list())
    ix.writer().cancel()  # the lock is free again

    lock = write_lock(ix)
    assert lock.acquire(blocking=False)
    try:
        with pytest.raises(LockError):
            commit_new_segments(ix, lambda: pytest.fail("built without the lock"))
    finally:
        lock.release()


def test_segment_files_abort_leaves_the_index_as_it_was(ix):
    def build():
        files = SegmentFiles(ix)
        files.add_document([("id", files.schema["id"], "901", 0)])
        files.abort()
        raise RuntimeError("the rows could not be read")

    with pytest.raises(RuntimeError):
        commit_new_segments(ix, build)
    assert segment_count(ix) == 3
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 325

"""Every use kb makes of Whoosh's private structures, for Whoosh 2.7.4 only.

kb reads postings a block at a time, reads field lengths and deletions as
arrays, keys its caches on segment identity and writes segments without
Whoosh's posting pool (kb.search.docsets, kb.search.bulk). None of that has a
public API in Whoosh 2.7.4, so it relies on attributes and classes Whoosh may
change in any release. They are all here, behind small functions, and
tests/unit/search/test_whoosh_internals.py checks each function against what Whoosh's
public API says on a real index: after a Whoosh upgrade, the test named after
a function fails if that function's assumption no longer holds.

Importing this module fails with UnsupportedWhooshVersion unless the installed
Whoosh is the version it was written for.
"""

from __future__ import annotations

import secrets
import string
from bisect import bisect_left
from collections.abc import Callable, Iterable

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3LeafMatcher, W3Segment
from whoosh.filedb.filestore import OverlayStorage
from whoosh.index import TOC, LockError, clean_files
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.filelock import try_for
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

WRITTEN_FOR = (2, 7, 4)

# The column of a segment's stored fields (W3PerDocReader.stored_fields).
STORED_COLUMN_NAME = "_stored"


class UnsupportedWhooshVersion(ImportError):
    """The installed Whoosh is not the one this module's private accesses were checked on."""


def check_version(installed: tuple = whoosh.__version__) -> None:
    """Raise UnsupportedWhooshVersion unless `installed` is WRITTEN_FOR."""
    if tuple(installed) != WRITTEN_FOR:
        found = ".".join(str(part) for part in installed)
        wanted = ".".join(str(part) for part in WRITTEN_FOR)
        raise UnsupportedWhooshVersion(
            f"kb.search.whoosh_internals reads private structures of Whoosh {wanted}, "
            f"but Whoosh {found} is installed. Install Whoosh=={wanted} (as setup.cfg "
            f"pins it), or check every function of this module against Whoosh {found} "
            f"(tests/unit/search/test_whoosh_internals.py) and then change WRITTEN_FOR.")


check_version()


# Segments and locks ----------------------------------------------------------------

_SEGMENT_CHARS = string.ascii_lowercase + string.digits


class UniqueCodec(W3Codec):
    """Whoosh's default codec with segment names that cannot repeat.

    Whoosh names a new segment with the `random` module, whose global state
    anything may reseed (Hypothesis does, per example): two writers then pick
    the same name, and the second truncates the first's files while the
    index still lists that segment (`Unknown file header b''`, and the file
    objects of the failed open stay open). Names here come from `secrets`.
    """

    def new_segment(self, storage, indexname):
        segment = W3Segment(self, indexname)
        segment.segid = "".join(secrets.choice(_SEGMENT_CHARS) for _ in range(16))
        return segment


def write_lock(ix):
    """The lock every Whoosh writer of `ix` takes (`acquire(blocking=False)`, `release()`)."""
    return ix.lock("WRITELOCK")


def open_writer(ix, timeout: float = 0.0, delay: float = 0.1, **kwargs) -> SegmentWriter:
    """`ix.writer(...)`, except that the lock is released when making the writer fails
    (a segment file that cannot be created): Whoosh's SegmentWriter takes the lock
    first and keeps it until the half-made writer is garbage-collected, so every
    later writer of the process met LockError. The writer is told it holds the lock
    (its private `writelock`, released by commit and cancel, as Whoosh's own)."""
    lock = write_lock(ix)
    if not try_for(lock.acquire, timeout=timeout, delay=delay):
        raise LockError
    try:
        writer = SegmentWriter(ix, _lk=False, **kwargs)
    except BaseException:
        lock.release()
        raise
    writer.writelock = lock
    return writer


def segment_count(ix) -> int:
    """How many segments the index's current generation lists."""
    return len(ix._segments())


def reader_reusing(ix, old_reader=None) -> tuple[object, list]:
    """A reader of the index's latest generation that reuses the open segment
    readers of `old_reader` whose segment is unchanged (same id, same deletions),
    and the list of those reused. Whoosh's own `reader(reuse=...)` reuses nothing
    in 2.7.4 (its table is keyed by generation but looked up by segment id) and
    closes what it does not reuse, which an older searcher may still be using;
    this closes nothing. Raises OSError when a segment's files went away (a merge
    in another process): the caller keeps what it has and tries again later."""
    from whoosh.reading import EmptyReader, MultiReader, SegmentReader

    toc = ix._read_toc()
    if not toc.segments:
        return EmptyReader(toc.schema), []
    reusable = {}
    if old_reader is not None:
        for leaf, _offset in old_reader.leaf_readers():
            segment = leaf.segment() if isinstance(leaf, SegmentReader) else None
            if segment is not None and not leaf.is_closed:
                reusable[segment.segment_id()] = leaf
    readers, reused = [], []
    names = None  # the directory's files, listed once for every segment opened here
    for segment in toc.segments:
        leaf = reusable.pop(segment.segment_id(), None)
        if leaf is not None and _same_deletions(leaf.segment(), segment):
            reused.append(leaf)
        else:
            leaf = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
            try:
                if names is None:
                    names = ix.storage.list()
                hold_files(leaf, names)
            except OSError:
                leaf.close()
                for opened in readers:
                    if all(opened is not kept for kept in reused):
                        opened.close()
                raise
        readers.append(leaf)
    if len(readers) == 1:
        readers[0]._gen = toc.generation  # what Searcher.up_to_date compares
        return readers[0], reused
    return MultiReader(readers, generation=toc.generation), reused


def hold_files(segreader, names=None) -> None:
    """Open every column file of the segment now, and answer which columns it has
    from what was opened. Whoosh opens a column's file at its first use and asks
    the directory each time whether the column exists; a merge (in any process)
    deletes the files of the segments it merged, so a searcher opened before it
    lost the columns it had not read yet (stored fields: an error; field lengths:
    zeros, silently). An open file stays readable after it is deleted. Raises
    OSError when the segment's files went away before they could be opened (the
    caller tries again with the index's next commit). `names`: the storage's files,
    when the caller has listed them."""
    segment = segreader.segment()
    if segment.is_compound():
        return  # its one file was opened with the reader
    perdoc = segreader._perdoc
    prefix = f"{segment.segment_id()}."
    for name in names if names is not None else segreader.storage().list():
        if name.startswith(prefix) and name.endswith(W3Codec.COLUMN_EXT):
            column = name[len(prefix):-len(W3Codec.COLUMN_EXT)]
            if column not in perdoc._colfiles:  # kept there, the reader's close closes it
                perdoc._colfiles[column] = perdoc._get_column_file(column)
    if STORED_COLUMN_NAME not in perdoc._colfiles:  # every segment kb writes stores fields
        raise FileNotFoundError(f"the files of segment {segment.segment_id()} went away")
    if segreader.storage().file_exists(segment.make_filename(W3Codec.VPOSTS_EXT)):
        perdoc._prep_vectors()
    perdoc.has_column = frozenset(perdoc._colfiles).__contains__


def _same_deletions(old, new) -> bool:
    """A segment's deletions only grow; equal counts and sets are the same state."""
    return (old.deleted_count() == new.deleted_count()
            and set(old.deleted_docs()) == set(new.deleted_docs()))


def leaf_readers(reader) -> list:
    """The segment readers under a reader (itself for one segment)."""
    return [leaf for leaf, _offset in reader.leaf_readers()]


def segment_key(segreader) -> tuple | None:
    """What identifies a segment's files across searchers and generations: (its
    directory, its segment id); None for a reader of no segment (an empty index)."""
    segment = segreader.segment() if hasattr(segreader, "segment") else None
    if segment is None:
        return None
    storage = getattr(segreader, "_storage", None)
    if isinstance(storage, OverlayStorage):  # a compound segment, inside the index's files
        storage = storage.b
    folder = getattr(storage, "folder", None) or id(storage)
    return (folder, segment.segment_id())


# Reading a segment ---------------------------------------------------------------------


def term_set(segreader) -> frozenset:
    """Every (field name, term as bytes) of one segment, deleted documents' included:
    what `term_key(...) in` answers as `(fieldname, text) in segreader` does."""
    return frozenset(segreader.all_terms())


def term_key(segreader, fieldname: str, text) -> tuple | None:
    """A term as `term_set` holds it (None for a field the schema lacks or a value
    the field cannot encode), as Whoosh's reader encodes it for a lookup."""
    if fieldname not in segreader.schema:
        return None
    try:
        return (fieldname, segreader.schema[fieldname].to_bytes(text))
    except (TypeError, ValueError):
        return None


def term_postings(segreader, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
    """Every (document number, weight) of a term in one segment, deleted documents
    included, as two arrays in document order. The term must be in the segment.

    Whoosh's W3 blocks are pickled tuples of delta-encoded ids and weights
    (None when every weight is 1, one float when all are equal); they are
    decoded a block at a time (one `cumsum` per block) rather than through the
    matcher's per-posting `next()`."""
    matcher = segreader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):  # the filter hides deleted documents
        while isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        matcher.reset()  # the filter has already stepped over deleted ones at the start
    if not isinstance(matcher, W3LeafMatcher):
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    id_blocks, weight_blocks = [], []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        raw_ids, raw_weights = matcher._data[0], matcher._data[1]
        ids = np.array(raw_ids, dtype=np.int64)
        if not matcher._byteids:
            ids = np.cumsum(ids)
        id_blocks.append(ids[matcher._i:])
        if raw_weights is None:
            weights = np.ones(len(ids))
        elif isinstance(raw_weights, float):
            weights = np.full(len(ids), raw_weights)
        else:
            weights = np.array(raw_weights, dtype=np.float64)
        weight_blocks.append(weights[matcher._i:])
        matcher._next_block()
    if not id_blocks:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)



def term_positions(segreader, fieldname: str, text, docnums) -> dict[int, list[int]]:
    """The positions of a term in some documents of one segment: `docnums` are
    ascending document numbers of the segment; the answer maps each of them that
    holds the term to its positions, ascending.

    Only the posting blocks holding those documents are decoded: the others are
    passed over by their headers (each W3 block records its largest id). Whoosh's
    matcher `skip_to` steps through a block one posting at a time, and a span
    query walks every document holding all its words (kb.search.closeness)."""
    matcher = segreader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):  # the filter hides deleted documents
        while isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        matcher.reset()
    found: dict[int, list[int]] = {}
    if not isinstance(matcher, W3LeafMatcher):
        for docnum in docnums:
            if not matcher.is_active():
                break
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                found[docnum] = list(matcher.value_as("positions"))
        return found
    decode = matcher.format.decoder("positions")
    i, n = 0, len(docnums)
    while i < n and matcher.is_active():
        if matcher._maxid < docnums[i]:
            matcher._next_block()
            continue
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._values is None:
            matcher._read_values()
        ids, values = matcher._ids, matcher._values
        while i < n and docnums[i] <= matcher._maxid:
            k = bisect_left(ids, docnums[i])
            if k < len(ids) and ids[k] == docnums[i]:
                found[int(docnums[i])] = list(decode(values[k]))
            i += 1
        matcher._next_block()
    return found


_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def field_lengths(segreader, fieldname: str) -> np.ndarray:
    """Each document's length of the field in one segment, as Whoosh's scorers see
    it (the one-byte approximation Whoosh stores), 0 where the document has none."""
    n = segreader.doc_count_all()
    encoded = np.zeros(n, dtype=np.uint8)
    perdoc = getattr(segreader, "_perdoc", None)
    column_name = f"_{fieldname}_len"
    if perdoc is not None and perdoc.has_column(column_name):
        column = perdoc.column_reader(column_name, LENGTHS_COLUMN)
        # Whoosh stops the column after the last document with a length.
        raw = column._dbfile.get(column._basepos, min(column._count, n))
        encoded[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    return _BYTE_TO_LENGTH[encoded]


def deleted_docs(segreader) -> list[int]:
    """The deleted document numbers of one segment, ascending."""
    if not segreader.has_deletions():
        return []
    perdoc = getattr(segreader, "_perdoc", None)
    if perdoc is None:
        return [d for d in range(segreader.doc_count_all()) if segreader.is_deleted(d)]
    return sorted(perdoc.deleted_docs())


# Writing a segment ---------------------------------------------------------------------


class SegmentFiles:
    """The files of one new segment of `ix`, written through Whoosh's own codec
    (UniqueCodec, not compound) for a caller that analyses the documents and
    groups the postings itself (kb.search.bulk).

    Add every document with `add_document`, then each field's postings with
    `write_field` in field-name order, then `finish()`; `abort()` on failure.
    The caller holds the index's lock (`commit_new_segments` does) and commits
    the segment `finish()` returns.
    """

    def __init__(self, ix):
        self._writer = SegmentWriter(ix, _lk=False, compound=False, codec=UniqueCodec())
        self.schema = self._writer.schema
        self._perdoc = self._writer.perdocwriter
        self._fields = self._writer.fieldwriter

    @property
    def doc_count(self) -> int:
        return self._writer.docnum

    def add_document(self, values: Iterable[tuple[str, object, object, int]]) -> None:
        """One document's stored values, field lengths and column values: for each
        field in name order (name, field object, value, length of the field). The
        value is stored if the field is stored and put in the field's column if it
        has one; the length counts for scoring (0 for an unscored field)."""
        perdoc = self._perdoc
        perdoc.start_doc(self._writer.docnum)
        for name, field, value, length in values:
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        self._writer.docnum += 1

    def write_field(self, name: str, field, terms: Iterable[tuple[bytes, list, list, list]],
                    lengths=None) -> None:
        """One field's postings: `terms` gives (term bytes, document numbers, weights,
        encoded values) in term byte order, each term's documents ascending;
        `lengths[d]` is document d's length of the field (as given to
        add_document), None or shorter when unknown. Fields go in name order,
        after every document."""
        if not self._perdoc.is_closed:
            self._perdoc.close()
        if lengths is not None and any(lengths):
            # What Whoosh's writer reads back from the length column: one byte,
            # None where there is no length.
            stored = [byte_to_length(length_to_byte(n)) if n else None for n in lengths]
        else:
            stored = None
        writer = self._fields
        writer.start_field(name, field)
        postwriter = writer._postwriter
        for tbytes, docnums, weights, values in terms:
            writer.start_term(tbytes)
            if stored is None:
                doc_lengths = None
            else:
                n = len(stored)
                doc_lengths = [stored[d] if d < n else None for d in docnums]
            _add_postings(postwriter, docnums, weights, values, doc_lengths)
            writer.finish_term()
        writer.finish_field()

    def finish(self):
        """Close the segment's files; the segment, or None if it has no documents."""
        writer = self._writer
        if not self._perdoc.is_closed:
            self._perdoc.close()
        self._fields.close()
        writer._close_segment()
        # The temporary directory is shared by every writer of the index:
        # commit_new_segments removes it.
        writer.is_closed = True
        return writer.get_segment() if writer.docnum else None

    def abort(self) -> None:
        """Close the files after a failure (the segment is never committed)."""
        self._writer._close_segment()
        self._writer.is_closed = True


def _add_postings(postwriter, docnums, weights, values, lengths) -> None:
    """What W3PostingsWriter.add_posting does once per posting, a block at a time
    (each block starts empty: no weight, no lengths yet)."""
    limit = postwriter._blocklimit
    for start in range(0, len(docnums), limit):
        if start:
            postwriter._write_block()
        end = start + limit
        chunk = weights[start:end]
        postwriter._ids.extend(docnums[start:end])
        postwriter._weights.extend(chunk)
        postwriter._maxweight = max(postwriter._maxweight, *chunk)
        postwriter._values.extend([v for v in values[start:end] if v])
        if lengths is not None:
            known = [n for n in lengths[start:end] if n]
            if known:
                postwriter._minlength = min(known)
                postwriter._maxlength = max(postwriter._maxlength, *known)


def commit_new_segments(ix, build: Callable[[], Iterable]) -> None:
    """Take the index's write lock, run `build()` (which returns the segments of
    SegmentFiles, None for an empty one) and commit those segments beside the
    existing ones as the index's next generation. Raises LockError at once if
    another writer holds the lock."""
    lock = write_lock(ix)
    if not lock.acquire(blocking=False):
        raise LockError
    try:
        info = ix._read_toc()
        try:
            segments = [s for s in build() if s is not None]
        finally:
            # The segment writers' shared temporary directory.
            ix.storage.temp_storage(f"{ix.indexname}.tmp").destroy()
        segments = list(info.segments) + segments
        generation = info.generation + 1
        TOC(info.schema, segments, generation).write(ix.storage, ix.indexname)
        clean_files(ix.storage, ix.indexname, generation, segments)
    finally:
        lock.release()

"""Fast bulk building of an index segment (for `kb reindex`).

Whoosh's SegmentWriter sends every posting (about 130 per experience) through
a generic path: the field's format builds per-word dicts from Token objects,
each posting is pickled into an external-sort pool (spilled to disk past a
million postings or `limitmb`), unpickled again, merged with a heap, and then
the field length of its document is read back from the column file. For a
bulk build all of that is avoidable:

- the Swedish analyzer hands over each word's positions directly
  (`SwedishAnalyzer.positions`), and encoded posting values are cached;
- postings are grouped per term in memory as they come, in document order,
  so writing the segment only sorts the terms, not the postings;
- field lengths are kept in memory, not read back from disk.

The files written are the same as SegmentWriter's: the codec and its
FieldWriter do the writing. `build_segment` builds one segment from an
iterable of documents; `kb.search.indexer.rebuild` runs it in worker
processes over parts of the table and commits their segments together.
"""

from __future__ import annotations

from array import array
from pickle import dumps

from whoosh.formats import Frequency, Positions
from whoosh.index import TOC, LockError, clean_files
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from kb.search.analysis import SwedishAnalyzer
from kb.search.index import UniqueCodec

# Small fields whose values repeat (codes, ids of systems): cache their postings.
_CACHE_VALUES = 5000


class BulkSegmentWriter(SegmentWriter):
    """A SegmentWriter for adding many documents to a fresh segment at once.

    Only add_document and commit-without-merging are supported (no deletes,
    no updates); the index directory's lock must be held by the caller when
    `_lk=False`.
    """

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        schema = self.schema
        self._postings: dict[str, dict[bytes, list]] = {}
        self._lengths: dict[str, array] = {}
        self._scorable = {name for name in schema.names() if schema[name].scorable}
        self._fast = {}
        for name in schema.names():
            field = schema[name]
            analyzer = getattr(field, "analyzer", None)
            fmt = field.format
            if isinstance(analyzer, SwedishAnalyzer) and type(fmt) in (Positions, Frequency):
                self._fast[name] = (analyzer, type(fmt) is Positions, fmt.field_boost)
            if field.separate_spelling() or field.vector:
                raise ValueError(f"BulkSegmentWriter does not support field {name!r}")
        self._value_cache: dict[tuple[str, object], list] = {}
        self._encoded: dict[tuple[int, ...], bytes] = {}
        self._freq_bytes = [pack_uint(n) for n in range(64)]

    # Postings of one field value ----------------------------------------------

    def _fast_items(self, name: str, value: str):
        analyzer, with_positions, boost = self._fast[name]
        words = analyzer.positions(value)
        encoded = self._encoded
        freq_bytes = self._freq_bytes
        items = []
        for word, poses in words.items():
            freq = len(poses)
            if with_positions:
                deltas = (poses[0],) if freq == 1 else (poses[0], *(
                    b - a for a, b in zip(poses, poses[1:], strict=False)))
                vbytes = encoded.get(deltas)
                if vbytes is None:
                    vbytes = pack_uint(freq) + dumps(list(deltas), 2)
                    if len(encoded) < 200_000:
                        encoded[deltas] = vbytes
            else:
                vbytes = freq_bytes[freq] if freq < 64 else pack_uint(freq)
            items.append((word.encode("utf-8"), freq, freq * boost, vbytes))
        return items

    def _items(self, name: str, field, value):
        if name in self._fast:
            return self._fast_items(name, value)
        if isinstance(value, str) and len(value) <= 64:
            key = (name, value)
            items = self._value_cache.get(key)
            if items is None:
                items = list(field.index(value))
                if len(self._value_cache) < _CACHE_VALUES:
                    self._value_cache[key] = items
            return items
        return list(field.index(value))

    # The writer interface ---------------------------------------------------------

    def add_document(self, **fields):
        self._check_state()
        schema = self.schema
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        postings = self._postings
        perdocwriter.start_doc(docnum)
        for name in sorted(fields):
            value = fields[name]
            if value is None or name.startswith("_"):
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                terms = postings.get(name)
                if terms is None:
                    terms = postings[name] = {}
                for tbytes, freq, weight, vbytes in self._items(name, field, value):
                    length += freq
                    entry = terms.get(tbytes)
                    if entry is None:
                        terms[tbytes] = [docnum, weight, vbytes]
                    else:
                        entry += (docnum, weight, vbytes)
                if name in self._scorable:
                    lengths = self._lengths.get(name)
                    if lengths is None:
                        lengths = self._lengths[name] = array("I")
                    if len(lengths) <= docnum:
                        lengths.extend([0] * (docnum + 1 - len(lengths)))
                    lengths[docnum] = length
                else:
                    length = 0
            perdocwriter.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdocwriter.add_column_value(name, column, field.to_column_value(value))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def delete_document(self, docnum, delete=True):
        raise NotImplementedError("a bulk segment only adds documents")

    def _flush_segment(self):
        self.perdocwriter.close()
        writer = self.fieldwriter
        schema = self.schema
        for name in sorted(self._postings):
            field = schema[name]
            terms = self._postings[name]
            stored = self._lengths.get(name)
            if stored is not None and any(stored):
                # What the length column gives back: one byte, 0 for "none".
                lengths = [byte_to_length(length_to_byte(n)) if n else None for n in stored]
            else:
                lengths = None
            writer.start_field(name, field)
            postwriter = writer._postwriter
            for tbytes in sorted(terms):
                entry = terms[tbytes]
                writer.start_term(tbytes)
                docnums = entry[0::3]
                if lengths is None:
                    doc_lengths = None
                else:
                    n = len(lengths)
                    doc_lengths = [lengths[d] if d < n else None for d in docnums]
                _add_postings(postwriter, docnums, entry[1::3], entry[2::3], doc_lengths)
                writer.finish_term()
            writer.finish_field()
        writer.close()
        self._postings = {}
        self._lengths = {}


def _add_postings(postwriter, docnums, weights, values, lengths) -> None:
    """What W3PostingsWriter.add_posting does once per posting, a block at a time."""
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
                low = min(known)
                if postwriter._minlength is None or low < postwriter._minlength:
                    postwriter._minlength = low
                postwriter._maxlength = max(postwriter._maxlength, *known)


def build_segment(ix, documents, progress=None, **writer_args):
    """Write the documents into one new segment of `ix` (the caller holds the
    index's lock and commits); returns (the finished Segment, documents).
    `progress(n)` is called every 1,000 documents."""
    writer = BulkSegmentWriter(ix, _lk=False, compound=False, codec=UniqueCodec(),
                               **writer_args)
    count = 0
    try:
        for document in documents:
            writer.add_document(**document)
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(1000)
        if progress is not None:
            progress(count % 1000)
        segment = writer._finalize_segment()
    except BaseException:
        writer._close_segment()
        raise
    # The temporary directory is shared with the locking writer, which removes it.
    writer.is_closed = True
    return (segment if count else None), count


def commit_segments(ix, build):
    """Take the index's lock, run `build()` (which returns new segments, built
    with `build_segment`), and commit those segments beside the existing ones."""
    lock = ix.lock("WRITELOCK")
    if not lock.acquire(blocking=False):
        raise LockError
    try:
        info = ix._read_toc()
        try:
            segments = [s for s in build() if s is not None]
        finally:
            # The bulk writers' shared temporary directory.
            ix.storage.temp_storage(f"{ix.indexname}.tmp").destroy()
        segments = list(info.segments) + segments
        generation = info.generation + 1
        TOC(info.schema, segments, generation).write(ix.storage, ix.indexname)
        clean_files(ix.storage, ix.indexname, generation, segments)
    finally:
        lock.release()

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

The files written are the same as SegmentWriter's: Whoosh's codec writes them
(kb.search.whoosh_internals.SegmentFiles). `build_segment` builds one segment
from an iterable of documents; `kb.search.indexer.rebuild` runs it in worker
processes over parts of the table and commits their segments together with
`commit_segments`.
"""

from __future__ import annotations

from array import array

from whoosh.formats import Positions

from kb.search.analysis import SwedishAnalyzer
from kb.search.whoosh_internals import SegmentFiles, commit_new_segments

# Small fields whose values repeat (codes, ids of systems): cache their postings.
_CACHE_VALUES = 5000
# Encoded positions kept for reuse (most words occur once, near the start).
_CACHE_ENCODINGS = 200_000


class BulkSegmentWriter:
    """Adds many documents to one fresh segment of `ix`: only add_document and
    finish (no deletes, no updates). The caller holds the index's lock
    (commit_segments does)."""

    def __init__(self, ix):
        self._files = SegmentFiles(ix)
        schema = self.schema = self._files.schema
        self._postings: dict[str, dict[bytes, list]] = {}
        self._lengths: dict[str, array] = {}
        self._scorable = {name for name in schema.names() if schema[name].scorable}
        self._fast = {}
        for name in schema.names():
            field = schema[name]
            analyzer = getattr(field, "analyzer", None)
            if isinstance(analyzer, SwedishAnalyzer) and type(field.format) is Positions:
                self._fast[name] = (analyzer, field.format)
            if field.separate_spelling() or field.vector:
                raise ValueError(f"BulkSegmentWriter does not support field {name!r}")
        self._value_cache: dict[tuple[str, object], list] = {}
        self._encoded: dict[tuple[int, ...], bytes] = {}

    # Postings of one field value ----------------------------------------------

    def _fast_items(self, name: str, value: str):
        """What the field's `index(value)` gives, from the analyzer's positions."""
        analyzer, fmt = self._fast[name]
        boost = fmt.field_boost
        encoded = self._encoded
        items = []
        for word, poses in analyzer.positions(value).items():
            key = tuple(poses)
            vbytes = encoded.get(key)
            if vbytes is None:
                vbytes = fmt.encode(poses)
                if len(encoded) < _CACHE_ENCODINGS:
                    encoded[key] = vbytes
            freq = len(poses)
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
        schema = self.schema
        docnum = self._files.doc_count
        postings = self._postings
        values = []
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
            values.append((name, field, value, length))
        self._files.add_document(values)

    def finish(self):
        """Write the postings and close the files; the segment (None if empty)."""
        for name in sorted(self._postings):
            terms = self._postings[name]
            self._files.write_field(
                name, self.schema[name],
                ((tbytes, terms[tbytes][0::3], terms[tbytes][1::3], terms[tbytes][2::3])
                 for tbytes in sorted(terms)),
                self._lengths.get(name))
        self._postings = {}
        self._lengths = {}
        return self._files.finish()

    def abort(self) -> None:
        self._files.abort()


def build_segment(ix, documents, progress=None):
    """Write the documents into one new segment of `ix` (the caller holds the
    index's lock and commits); returns (the finished segment or None, documents).
    `progress(n)` is called every 1,000 documents."""
    writer = BulkSegmentWriter(ix)
    count = 0
    try:
        for document in documents:
            writer.add_document(**document)
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(1000)
        if progress is not None:
            progress(count % 1000)
        segment = writer.finish()
    except BaseException:
        writer.abort()
        raise
    return segment, count


def commit_segments(ix, build):
    """Take the index's lock, run `build()` (which returns new segments, built
    with `build_segment`), and commit those segments beside the existing ones."""
    commit_new_segments(ix, build)

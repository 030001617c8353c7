"""A small index held in memory (Whoosh's RamStorage) with kb's own schema and analyzers:
for a few hundred documents that only some may search, such as a network's questions
(kb.networks.questions), searched with `kb.search.run` like the main index."""

from __future__ import annotations

from collections.abc import Iterable

from whoosh.filedb.filestore import RamStorage

from kb.search.index import UniqueCodec
from kb.search.schema import build_schema


def memory_index(documents: Iterable[dict]):
    """A Whoosh index in memory holding these documents (dicts of the schema's fields)."""
    index = RamStorage().create_index(build_schema())
    # Segment names from `secrets` (UniqueCodec): the per-segment search caches are
    # keyed by them, and an index rebuilt later must never share a key with this one.
    writer = index.writer(codec=UniqueCodec())
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return index

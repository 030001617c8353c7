"""Putting documents into the index and taking them out; the documents are plain
dicts of the schema's fields.

`Changes` is what IndexStore.try_writer hands out: the write lock of the
generation in use, held until the changes are committed or cancelled (and
cancelled when its block ends without either), so no Whoosh writer leaves
this package.
"""

from __future__ import annotations

from collections.abc import Iterable


class Changes:
    """Changes to one generation under its write lock: add or replace documents,
    delete some, then commit them (merging small segments or not) or cancel them."""

    def __init__(self, writer, path: str):
        self._writer = writer
        self.path = path  # the generation written to
        self.done = False

    def update(self, documents: Iterable[dict]) -> None:
        """Add each document, replacing any with the same id."""
        for document in documents:
            self._writer.update_document(**document)

    def delete(self, ids: Iterable[int]) -> None:
        for document_id in ids:
            self._writer.delete_by_term("id", str(document_id))

    def commit(self, merge: bool = True) -> None:
        """Write the changes as a segment (with `merge`, small segments are merged
        too: a tenth of a second at 100,000 documents) and release the lock."""
        self._writer.commit(merge=merge)
        self.done = True

    def cancel(self) -> None:
        """Drop the changes and release the lock (after a commit that failed, too)."""
        if not self.done:
            self.done = True
            self._writer.cancel()


"""Putting documents into the index and taking them out (inside a writer from
IndexStore.try_writer); the documents are plain dicts of the schema's fields."""

from __future__ import annotations

from collections.abc import Iterable


def update_documents(writer, documents: Iterable[dict]) -> None:
    """Add each document, replacing any with the same id."""
    for document in documents:
        writer.update_document(**document)


def delete_documents(writer, ids: Iterable[int]) -> None:
    for document_id in ids:
        writer.delete_by_term("id", str(document_id))

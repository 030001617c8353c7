"""Which experiences an audience reaches, in every representation kb keeps of them.

A Reach is a rule over three facts of an experience – its moderation state, its
visibility and its author:

    everything
    OR (published AND visibility in `visibilities`)
    OR author is `author_id`

kb.policy decides which Reach each audience gets for reading, listing and
counting. This module is the only place that translates a Reach: into a WHERE
clause (the database), a mask of index documents (kb.search), a row mask over the
figure snapshot (kb.stats) and a test of one loaded experience. The test suite
runs every translation over the same experiences and checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, true

from kb import vocab
from kb.models import Experience

PUBLISHED = "published"

# The index fields and snapshot columns the translations read (the projections
# write them: kb.indexing and kb.stats.snapshot).
INDEX_STATE, INDEX_VISIBILITY, INDEX_AUTHOR = "state", "visibility", "author_id"
SNAPSHOT_PUBLISHED, SNAPSHOT_VISIBILITY, SNAPSHOT_AUTHOR = "published", "visibility", "author_id"
# The snapshot stores a visibility as its position here.
VISIBILITY_CODES = tuple(vocab.VISIBILITIES)


@dataclass(frozen=True)
class Reach:
    """The experiences an audience reaches (see the module docstring)."""

    everything: bool = False
    visibilities: frozenset[str] = frozenset()
    author_id: int | None = None

    def includes(self, experience) -> bool:
        """Whether one loaded experience is reached."""
        if self.everything:
            return True
        if self.author_id is not None and experience.author_id == self.author_id:
            return True
        return (experience.moderation_state == PUBLISHED
                and experience.visibility in self.visibilities)

    def clause(self) -> ColumnElement[bool]:
        """A WHERE clause over Experience."""
        if self.everything:
            return true()
        reached = false()
        if self.visibilities:
            reached = and_(Experience.moderation_state == PUBLISHED,
                           Experience.visibility.in_(sorted(self.visibilities)))
        if self.author_id is not None:
            reached = or_(reached, Experience.author_id == self.author_id)
        return reached

    def index_mask(self, sets) -> int:
        """The reached documents of an index, from `sets.term(field, text)` masks and
        `sets.live` (kb.search.docsets.DocSets)."""
        if self.everything:
            return sets.live
        shown = 0
        for visibility in sorted(self.visibilities):
            shown |= sets.term(INDEX_VISIBILITY, visibility)
        mask = shown & sets.term(INDEX_STATE, PUBLISHED) if shown else 0
        if self.author_id is not None:
            mask |= sets.term(INDEX_AUTHOR, str(self.author_id))
        return mask & sets.live

    def snapshot_rows(self, columns):
        """A boolean array over the figure snapshot's rows (numpy columns by name)."""
        published = columns[SNAPSHOT_PUBLISHED]
        if self.everything:
            return published >= 0
        visibility = columns[SNAPSHOT_VISIBILITY]
        shown = published < 0  # nothing yet
        for name in self.visibilities:
            shown = shown | (visibility == VISIBILITY_CODES.index(name))
        rows = shown & (published == 1)
        if self.author_id is not None:
            rows = rows | (columns[SNAPSHOT_AUTHOR] == self.author_id)
        return rows

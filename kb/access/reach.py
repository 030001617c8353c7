"""Which experiences an audience reaches, in every representation kb keeps of them.

A Reach is a rule over four facts of an experience – its moderation state, its
visibility, the networks it is shared with and its author:

    everything
    OR (published AND visibility in `visibilities`)
    OR (published AND visibility is "networks" AND shared with one of `networks`)
    OR author is `author_id`

kb.policy decides which Reach each audience gets for reading, listing and
counting. This module is the only place that translates a Reach: into a WHERE
clause (the database), a mask of index documents (kb.search), a row mask over the
figure snapshot (kb.stats) and a test of one loaded experience. The test suite
runs every translation over the same experiences and checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import ColumnElement, and_, false, or_, select, true

from kb.core import vocab
from kb.core.vocab import ModerationState
from kb.models import Experience, experience_network

NETWORKS = "networks"  # the visibility of an experience shared with networks only

# The index fields and snapshot columns the translations read (the projections
# write them: kb.indexing and kb.stats.snapshot).
INDEX_STATE, INDEX_VISIBILITY, INDEX_AUTHOR = "state", "visibility", "author_id"
INDEX_NETWORKS = "networks"  # one term per network the experience is shared with
SNAPSHOT_PUBLISHED, SNAPSHOT_VISIBILITY, SNAPSHOT_AUTHOR = "published", "visibility", "author_id"
# The snapshot's pairs (experience id, network id), one per sharing, beside its rows.
SHARED_EXPERIENCE, SHARED_NETWORK = "experience_id", "network_id"
# The snapshot stores a visibility as its position here.
VISIBILITY_CODES = tuple(vocab.VISIBILITIES)


@dataclass(frozen=True)
class Reach:
    """The experiences an audience reaches (see the module docstring)."""

    everything: bool = False
    visibilities: frozenset[str] = frozenset()
    author_id: int | None = None
    networks: frozenset[int] = frozenset()

    def includes(self, experience) -> bool:
        """Whether one loaded experience is reached (its `network_ids` are read only
        when it is shared with networks)."""
        if self.everything:
            return True
        if self.author_id is not None and experience.author_id == self.author_id:
            return True
        if experience.moderation_state != ModerationState.PUBLISHED:
            return False
        if experience.visibility in self.visibilities:
            return True
        return (experience.visibility == NETWORKS and bool(self.networks)
                and not self.networks.isdisjoint(experience.network_ids))

    def clause(self) -> ColumnElement[bool]:
        """A WHERE clause over Experience."""
        if self.everything:
            return true()
        reached = false()
        if self.visibilities:
            reached = and_(Experience.moderation_state == ModerationState.PUBLISHED,
                           Experience.visibility.in_(sorted(self.visibilities)))
        if self.networks:
            shared = select(experience_network.c.experience_id).where(
                experience_network.c.network_id.in_(sorted(self.networks)))
            reached = or_(reached, and_(Experience.moderation_state
                                        == ModerationState.PUBLISHED,
                                        Experience.visibility == NETWORKS,
                                        Experience.id.in_(shared)))
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
        if self.networks:
            shared = 0
            for network_id in sorted(self.networks):
                shared |= sets.term(INDEX_NETWORKS, str(network_id))
            shown |= shared & sets.term(INDEX_VISIBILITY, NETWORKS)
        mask = shown & sets.term(INDEX_STATE, ModerationState.PUBLISHED) if shown else 0
        if self.author_id is not None:
            mask |= sets.term(INDEX_AUTHOR, str(self.author_id))
        return mask & sets.live

    def snapshot_rows(self, columns, shared=None):
        """A boolean array over the figure snapshot's rows (numpy columns by name);
        `shared` holds the snapshot's (experience id, network id) pairs as two arrays
        by SHARED_EXPERIENCE and SHARED_NETWORK (none: nothing is shared)."""
        published = columns[SNAPSHOT_PUBLISHED]
        if self.everything:
            return published >= 0
        visibility = columns[SNAPSHOT_VISIBILITY]
        shown = published < 0  # nothing yet
        for name in self.visibilities:
            shown = shown | (visibility == VISIBILITY_CODES.index(name))
        if self.networks and shared is not None and len(shared[SHARED_EXPERIENCE]):
            in_reach = np.isin(shared[SHARED_NETWORK],
                               np.array(sorted(self.networks), dtype=np.int64))
            ids = shared[SHARED_EXPERIENCE][in_reach]
            shown = shown | ((visibility == VISIBILITY_CODES.index(NETWORKS))
                             & np.isin(columns["id"], ids))
        rows = shown & (published == 1)
        if self.author_id is not None:
            rows = rows | (columns[SNAPSHOT_AUTHOR] == self.author_id)
        return rows

"""Full-text search over experiences (Whoosh), behind a small interface.

The package knows documents, not rows: callers put plain dicts of the schema's
fields in (`IndexStore.try_writer` hands out Changes to update, delete, commit
or cancel; `build_segment` for whole rebuilds) and ask `run(searcher, criteria,
reach, systems, ...)` for document ids, totals, facets, the words to highlight,
a suggestion and notes (codes), with what to look for as plain values (Criteria)
and the audience as a kb.access.reach.Reach. Titles and snippets come back as
plain text with the spans of the matches (Highlighted); pages make HTML of them.
Nothing here imports Flask, markupsafe or kb's models: kb.indexing keeps the
index a projection of the database, and kb.experiences.searching reads the URL,
turns ids back into experiences and words the notes. Every Whoosh call of kb
lives in this package.
"""

from kb.search.analysis import base_form_in, nfc
from kb.search.bulk import build_segment, commit_segments
from kb.search.forgiving import FEW_HAVE_ALL, NONE_HAS_ALL, PHRASE_LOOSENED
from kb.search.index import IndexStore
from kb.search.memory import memory_index
from kb.search.query import (
    CONTRACT_FILTER,
    CORRECTED,
    FILTERS,
    MAX_QUERY_CHARS,
    NOTES,
    ONLY_STOP_WORDS,
    PARTS_ALONE,
    PER_PAGE,
    SORTS,
    SWITCH_FILTERS,
    Criteria,
    FacetValue,
    Found,
    query_text,
    run,
)
from kb.search.snippets import (
    Highlighted,
    MatchWords,
    first_word_with_stem,
    highlight_all,
    snippet,
)
from kb.search.writing import Changes

__all__ = [
    "CONTRACT_FILTER", "CORRECTED", "FEW_HAVE_ALL", "FILTERS", "MAX_QUERY_CHARS",
    "NONE_HAS_ALL", "NOTES",
    "ONLY_STOP_WORDS", "PARTS_ALONE", "PER_PAGE", "PHRASE_LOOSENED", "SORTS",
    "SWITCH_FILTERS",
    "Changes", "Criteria", "FacetValue", "Found", "Highlighted", "IndexStore", "MatchWords",
    "base_form_in", "build_segment", "commit_segments", "first_word_with_stem",
    "highlight_all", "memory_index", "nfc", "query_text", "run", "snippet",
]

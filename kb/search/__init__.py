"""Full-text search over experiences (Whoosh), behind a small interface.

The package knows documents, not rows: callers put plain dicts of the schema's
fields in (`update_documents`, `delete_documents`, `build_segment`) and ask
`run(searcher, params, reach, ...)` for document ids, totals, facets and a
suggestion, with the audience given as a kb.reach.Reach. Nothing here imports
Flask or kb's models: kb.indexing keeps the index a projection of the database
and kb.experience_search turns ids back into experiences. Every Whoosh call of
kb lives in this package.
"""

from kb.search.analysis import base_form_in, nfc
from kb.search.bulk import build_segment, commit_segments
from kb.search.index import IndexStore
from kb.search.memory import memory_index
from kb.search.query import PER_PAGE, FacetValue, Found, SearchParams, run
from kb.search.snippets import MatchWords, first_word_with_stem, highlight_all, snippet
from kb.search.writing import delete_documents, update_documents

__all__ = [
    "PER_PAGE", "FacetValue", "Found", "IndexStore", "MatchWords", "SearchParams",
    "base_form_in",
    "build_segment", "commit_segments", "delete_documents", "first_word_with_stem",
    "highlight_all", "memory_index", "nfc", "run", "snippet", "update_documents",
]

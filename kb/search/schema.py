"""The index's fields: what an experience looks like to the search engine."""

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

from kb.core.vocab import CAPABILITIES, CONTEXT_FIELDS, SUB_RATINGS
from kb.search.analysis import (
    name_analyzer,
    parts_analyzer,
    swedish_analyzer,
)

# Fields the query parser searches, with their weights.
QUERY_FIELDS = {
    "title": 2.0,
    "body": 1.0,
    "parts": 0.4,
    "system_names": 3.0,
    "other_systems": 0.5,
}

# Fields with one code per document: filters and facet counts (the context fields
# are named as their columns).
FACET_FIELDS = ("system_id", *(field.column for field in CONTEXT_FIELDS))


def build_schema() -> Schema:
    swedish = swedish_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        # Stemmed Swedish text: the title, and pros, cons, tips, free text and
        # the reason for switching.
        title=TEXT(analyzer=swedish, phrase=True),
        body=TEXT(analyzer=swedish, phrase=True),
        # Parts of compound words (see analysis.CompoundPartsFilter).
        parts=TEXT(analyzer=parts_analyzer(), phrase=True, multitoken_query="phrase"),
        # The reviewed system's name, aliases, vendor and slug; never stemmed.
        system_names=TEXT(analyzer=names, phrase=True),
        # Systems switched from or considered.
        other_systems=TEXT(analyzer=names, phrase=True),
        # Filters and facets.
        system_id=ID(sortable=True),
        # The system switched from (its id; absent when none): the switch filters.
        switched_from_id=ID,
        # The year the contract ends, only where whoever reads the experience reads it
        # too (kb.indexing.documents): the contract_ends filter and facet.
        contract_end=ID,
        **{field.column: ID(sortable=True) for field in CONTEXT_FIELDS},
        # Who may see it: filters inside every query.
        visibility=ID,
        state=ID,
        author_id=ID,
        # The ids of the networks it is shared with, space-separated (visibility
        # "networks"): one term each.
        networks=KEYWORD,
        satisfaction=NUMERIC(int, sortable=True),
        created=DATETIME(sortable=True),
        # "Mest hjälpsamma": sorted by, never searched, so a column alone.
        helpful=COLUMN(NumericColumn("I")),
        # Last confirmed or edited by the author: the "fresh" filter.
        confirmed=DATETIME(sortable=True),
        # The author's structured answers, read for the best candidates of a query
        # that judges a capability or aspect (kb.search.judgements): each
        # capability's level (a code of CAPABILITY_LEVELS) and each aspect's
        # rating (1-5; 0 when not rated).
        **{f"cap_{key}": ID(sortable=True) for key in CAPABILITIES},
        **{f"rating_{key}": COLUMN(NumericColumn("B")) for key in SUB_RATINGS},
    )

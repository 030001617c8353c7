"""Closeness (kb.search.closeness) is read from the best candidates only, and ranks
as Whoosh's span queries over the whole index did."""

import random

import numpy as np
import pytest
from whoosh import fields
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage
from whoosh.query.spans import SpanNear2

from kb import indexing
from kb.search import closeness, ranking, whoosh_internals
from kb.search.docsets import docsets, mask_to_bools
from kb.search.query import parse_text_query
from kb.search.ranking import scores, top_documents

WORDS = ["lön", "support", "dålig", "semester", "svarar", "aldrig", "system", "fel"]


def test_within_is_whoosh_span_rule():
    assert closeness.within([[0], [4]], 4)  # three words between: close
    assert not closeness.within([[0], [5]], 4)
    assert closeness.within([[9], [5]], 4)  # any order
    assert not closeness.within([[3], []], 4)
    # Each next word within the slop of the span so far: 0..4, then 8 from the span's end.
    assert closeness.within([[0], [4], [8]], 4)
    assert not closeness.within([[0], [4], [9]], 4)


def _random_index(n: int, seed: int):
    """A RAM index of n documents of random words (with positions), a few deleted."""
    schema = fields.Schema(body=fields.TEXT(phrase=True))
    ix = RamStorage().create_index(schema)
    rng = random.Random(seed)
    with ix.writer() as writer:
        for _ in range(n):
            writer.add_document(body=" ".join(rng.choice(WORDS)
                                             for _ in range(rng.randint(3, 40))))
    with ix.writer() as writer:  # a second segment, and deletions in the first
        for _ in range(n // 3):
            writer.add_document(body=" ".join(rng.choice(WORDS) for _ in range(12)))
        for docnum in range(0, n, 17):
            writer.delete_document(docnum)
    return ix


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_term_positions_reads_what_the_matcher_reads(seed):
    """Positions of chosen documents, read block by block, equal the public matcher's
    (terms over many blocks of 128 postings; deleted documents in the segment)."""
    ix = _random_index(700, seed)
    rng = random.Random(seed)
    with ix.searcher() as searcher:
        for reader, _offset in searcher.reader().leaf_readers():
            for word in WORDS:
                if ("body", word) not in reader:
                    continue
                expected = {}
                matcher = reader.postings("body", word)
                while matcher.is_active():
                    expected[matcher.id()] = list(matcher.value_as("positions"))
                    matcher.next()
                live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
                chosen = sorted(rng.sample(live, min(60, len(live))))
                found = whoosh_internals.term_positions(reader, "body", word, chosen)
                assert found == {d: expected[d] for d in chosen if d in expected}


@pytest.mark.parametrize("seed", [4, 5])
def test_close_agrees_with_whoosh_span_queries(seed):
    """The same documents are close as with SpanNear2(slop=4, unordered), which the
    ranking used to run over the whole index."""
    ix = _random_index(500, seed)
    rng = random.Random(seed)

    class Sets:  # the parts of DocSets that closeness reads
        def __init__(self, searcher):
            self.searcher = searcher
            self.leaves = [(r, offset, type("Seg", (), {"n": r.doc_count_all()}))
                           for r, offset in searcher.reader().leaf_readers()]

        def postings(self, fieldname, text):
            found = []
            for r, offset, _seg in self.leaves:
                if (fieldname, text) in r:
                    ids, weights = whoosh_internals.term_postings(r, fieldname, text)
                    found.append((offset, ids, weights, None))
            return found

    with ix.searcher() as searcher:
        sets = Sets(searcher)
        reader = searcher.reader()
        live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
        for _ in range(12):
            stems = rng.sample(WORDS, rng.choice([2, 2, 3]))
            span = SpanNear2([wq.Term("body", s) for s in stems], slop=closeness.NEAR_SLOP,
                             ordered=False)
            near = set(span.docs(searcher))
            candidates = np.array(rng.sample(live, 80))  # any order
            close = closeness.close(sets, stems, candidates)
            # The old closeness's fields: title first, then body; this index has body only.
            assert close.tolist() == [float(d in near) for d in candidates.tolist()], stems


@pytest.fixture
def corpus(factory):
    author = factory.user()
    system = factory.system(slug="heroma", name="Heroma")
    texts = [
        "Supporten är dålig och svarar aldrig.",  # close
        "Supporten svarar. " + "Lönekörningen går bra varje månad. " * 4 + "Dålig rapport.",
        "Dålig support, tyvärr.",  # close
        "Support finns. " + "Semesterberäkningen fungerar. " * 5 + "Dålig dokumentation.",
        "Lönesystemet är stabilt.",
        # Longer, so below the short texts by BM25F alone, but with the words close.
        "Lönekörningen går bra varje månad och attesten fungerar som den ska, "
        "rapporterna också, och cheferna attesterar i tid före varje körning. "
        "Supporten är dålig.",
        "Attesten fungerar, lönekörningen går bra varje månad och rapporterna är "
        "tydliga, och cheferna attesterar i tid före varje körning. Dålig support dock.",
    ] + [f"Supporten {n} gånger. " + "Text utan annat. " * 3 + "Dålig dag."
         for n in range(12)]
    return [factory.experience(author, system, title=f"Text {n}", pros=text, cons="")
            for n, text in enumerate(texts)]


def _reference(sets, query, candidates: int, limit: int) -> list[int]:
    """The ranking before: the best NEAR_CANDIDATES of BM25F, 1.5 times as much for
    a document whose words a Whoosh span query finds close in its title or text."""
    ids = np.flatnonzero(mask_to_bools(candidates, sets.n))
    relevance = scores(sets, query)
    stems = closeness.near_words(query)
    first = ranking._best(ids, relevance[ids], ranking.NEAR_CANDIDATES)
    near = set()
    for fieldname in closeness.NEAR_FIELDS:
        span = SpanNear2([wq.Term(fieldname, s) for s in stems], slop=closeness.NEAR_SLOP,
                         ordered=False)
        near |= set(span.docs(sets.searcher))
    for d in first:
        if d in near:
            relevance[d] *= 1 + ranking.NEAR_WEIGHT
    return ranking._best(ids, relevance[ids], limit).tolist()


def test_closeness_is_read_from_the_candidates_only(app, corpus, monkeypatch):
    asked = []
    real = whoosh_internals.term_positions

    def recording(reader, fieldname, text, docnums):
        asked.append((reader, list(docnums)))
        return real(reader, fieldname, text, docnums)

    def no_span_query(*args, **kwargs):
        raise AssertionError("a span query over the whole index")

    monkeypatch.setattr(ranking, "NEAR_CANDIDATES", 6)
    monkeypatch.setattr(whoosh_internals, "term_positions", recording)
    monkeypatch.setattr(SpanNear2, "matcher", no_span_query)
    monkeypatch.setattr(closeness, "_kept", closeness.LeastRecentlyUsed(entries=1000))
    with app.app_context():
        indexing.drain(wait=5)
        with indexing.store().searcher() as searcher:
            sets = docsets(searcher)
            query = parse_text_query(searcher.schema, "supporten dålig")
            matched = sets.evaluate(query)
            assert matched.bit_count() > ranking.NEAR_CANDIDATES
            ids = np.flatnonzero(mask_to_bools(matched, sets.n))
            best = set(ranking._best(ids, scores(sets, query)[ids],
                                     ranking.NEAR_CANDIDATES).tolist())
            top = top_documents(sets, query, matched, 10)
            offsets = {id(r): offset for r, offset, _seg in sets.leaves}
            read = {offsets[id(r)] + d for r, docnums in asked for d in docnums}
            assert read and read <= best
            titles = [searcher.stored_fields(d)["id"] for d in top[:2]]
            assert set(titles) == {str(corpus[0]), str(corpus[2])}


def test_the_order_is_the_one_span_queries_gave(app, corpus, monkeypatch):
    """The same order as before for every page (the candidates no longer grow with the
    page, so pages past the candidates never overlap)."""
    for candidates in (6, 30):
        monkeypatch.setattr(ranking, "NEAR_CANDIDATES", candidates)
        _same_order_as_span_queries(app, monkeypatch)


def _same_order_as_span_queries(app, monkeypatch):
    monkeypatch.setattr(closeness, "_kept", closeness.LeastRecentlyUsed(entries=1000))
    with app.app_context():
        indexing.drain(wait=5)
        with indexing.store().searcher() as searcher:
            sets = docsets(searcher)
            for q in ("supporten dålig", "dålig support", "semesterberäkningen fungerar",
                      "supporten svarar", "lönekörningen går bra", "text dålig dag"):
                query = parse_text_query(searcher.schema, q)
                matched = sets.evaluate(query)
                for limit in (1, 3, 6, 10, 20):
                    assert top_documents(sets, query, matched, limit) == \
                        _reference(sets, query, matched, limit)[:limit], (q, limit)

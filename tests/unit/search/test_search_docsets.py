"""Document masks (kb.search.docsets) answer exactly what Whoosh's own matching does."""

import pytest
from whoosh.collectors import UnsortedCollector

from kb import indexing
from kb.access import policy
from kb.experiences import searching as experience_search
from kb.extensions import db
from kb.search.analysis import JOIN, compound_parts, joined_parts, parts_analyzer, stem
from kb.search.docsets import docsets, ids_to_mask, mask_to_ids
from kb.search.query import parse_text_query
from kb.search.ranking import scores, top_documents


def test_masks_round_trip():
    for ids in ([], [0], [5, 7, 64, 999], list(range(0, 300, 3))):
        assert mask_to_ids(ids_to_mask(ids, 1000)) == ids


def test_runs_of_compound_parts_are_indexed_joined():
    parts = compound_parts(stem("tjänstepensionsrapporteringen"))
    assert len(parts) == 3
    assert joined_parts(parts) == [JOIN.join(parts[:2]), JOIN.join(parts),
                                   JOIN.join(parts[1:])]
    analyzer = parts_analyzer()
    text = "Tjänstepensionsrapporteringen och lönesystemet"
    streamed = {}
    for token in analyzer(text, positions=True):
        streamed.setdefault(token.text, []).append(token.pos)
    assert streamed == analyzer.positions(text)  # the bulk builder's path agrees
    assert "lön+system" in streamed and "rapportering+lön" not in streamed


@pytest.fixture
def corpus(factory):
    author = factory.user()
    heroma = factory.system(slug="heroma", name="Heroma")
    texts = [
        "Tjänstepensionsrapporteringen fungerar, lönesystemet är stabilt.",
        "Pensionen rapporteras för sent; rapporteringen är krånglig.",
        "Tjänstepension och lönerapportering i två steg.",
        "Semesterskulden stämmer varje månad i lönesystemet.",
        "Supporten svarar snabbt om lönekörningen.",
        "Systematisk uppföljning av semesterberäkningen.",
    ]
    return [factory.experience(author, heroma, title=f"Text {n}", pros=text, cons="")
            for n, text in enumerate(texts)]


QUERIES = ["pensionsrapportering", "lönesystem", "system", "semester", "support OR lön",
           "lönesystem NOT semesterskuld", '"stämmer varje månad"', '"lön system"',
           "rapportering", "tjänstepension"]


def later_writes(factory) -> None:
    """Experiences written after the corpus land in segments of their own: matching
    and ranking work per segment."""
    author, system = factory.user(), factory.system()
    for text in ("Semesterskulden stämmer varje månad, lönesystemet också.",
                 "Supporten svarar om lön och rapporteringen."):
        factory.experience(author, system, pros=text)


def whoosh_docnums(searcher, query) -> list[int]:
    collector = UnsortedCollector()
    searcher.search_with_collector(query, collector)
    return sorted(collector.results().docs())


def test_masks_match_whoosh_for_every_query(app, corpus, factory):
    from kb.models import Experience

    later_writes(factory)
    with app.app_context():
        db.session.delete(db.session.get(Experience, corpus[3]))  # a deletion too
        db.session.commit()
        indexing.drain(wait=5)
        assert indexing.store().segment_count() > 1
        with indexing.store().searcher() as searcher:
            sets = docsets(searcher)
            assert sets.joined_parts_indexed()
            for q in QUERIES:
                query = parse_text_query(searcher.schema, q)
                expected = whoosh_docnums(searcher, query)
                assert mask_to_ids(sets.evaluate(query)) == expected, q
                # The scoring query (joined parts) finds the same documents.
                assert whoosh_docnums(searcher, sets.fast_query(query)) == expected, q


def test_a_phrase_of_parts_stays_inside_one_compound(client, corpus):
    page = client.get("/search", query_string={"q": "pensionsrapportering"})
    assert "Text 0" in page.text  # tjänstepensionsrapporteringen
    assert "Text 1" not in page.text and "Text 2" not in page.text


RANKED = ["lönesystem", "system", "semester", "support OR lön", "lönesystem stabilt",
          "pensionsrapportering", "rapportering OR (lönesystem semesterskuld)",
          "lönesystem NOT semesterskuld", '"stämmer varje månad"']


def test_ranking_scores_as_whoosh(app, corpus, factory):
    """The numpy ranking gives Whoosh's own BM25F scores, so its order (equal
    scores by document number), over several segments and a deleted document."""
    from kb.models import Experience

    later_writes(factory)
    with app.app_context():
        db.session.delete(db.session.get(Experience, corpus[4]))
        db.session.commit()
        indexing.drain(wait=5)
        assert indexing.store().segment_count() > 1
        with indexing.store().searcher() as searcher:
            sets = docsets(searcher)
            assert sets.live != (1 << sets.n) - 1  # the deletion is in the index
            for field in ("title", "body"):
                for text in searcher.lexicon(field):
                    word = text.decode("utf-8")
                    assert sets.idf(field, word) == pytest.approx(
                        searcher.idf(field, word), rel=1e-12), (field, word)
            assert sets.idf("body", "finnsinteialls") == pytest.approx(
                searcher.idf("body", "finnsinteialls"), rel=1e-12)
            for q in RANKED:
                query = parse_text_query(searcher.schema, q)
                results = searcher.search(sets.fast_query(query), limit=None)
                expected = [d for _score, d in sorted(
                    (-round(hit.score, 9), hit.docnum) for hit in results)]
                assert expected, q
                ours = scores(sets, query)
                # Whoosh's NOT adds 1 to every result's score, which changes no order.
                constant = 1.0 if " NOT " in q else 0.0
                for hit in results:
                    assert ours[hit.docnum] + constant == pytest.approx(hit.score, rel=1e-9), q
                ranked = top_documents(sets, query, sets.evaluate(query), limit=100)
                assert ranked == expected, q
                assert top_documents(sets, query, sets.evaluate(query), 2) == expected[:2]


def test_segments_no_longer_in_use_leave_the_cache(app, corpus):
    from kb.search import docsets as cache

    def cached_folders():
        return {folder for folder in cache._store.folders() if isinstance(folder, str)}

    with app.app_context():
        assert experience_search.search({"q": "lönesystem"}, policy.VISITOR).total
        before = cached_folders()
        indexing.rebuild()  # a new generation in a new folder
        assert experience_search.search({"q": "lönesystem"}, policy.VISITOR).total
        after = cached_folders()
    assert len(after) == 1 and after != before


def test_a_new_searcher_starts_from_the_previous_ones_masks_and_matches_whoosh(
        app, corpus, factory):
    """After writes (a new small segment each, a deletion in the large one) and after
    the small segments are merged, the masks a searcher takes from the previous
    searcher's are what Whoosh matches."""
    from kb.models import Experience

    def check(searcher):
        sets = docsets(searcher)
        for q in QUERIES:
            query = parse_text_query(searcher.schema, q)
            assert mask_to_ids(sets.evaluate(query)) == whoosh_docnums(searcher, query), q
        return sets._reuse

    with app.app_context():
        indexing.rebuild()  # the corpus in one segment
        with indexing.store().searcher() as searcher:
            assert check(searcher) is None
        author, system = factory.user(), factory.system()
        written = []
        reused = []

        def searched():
            indexing.drain(wait=5)
            with indexing.store().searcher() as searcher:
                reused.append(check(searcher).leaves)

        for text in ("Semesterskulden stämmer varje månad, lönesystemet också.",
                     "Supporten svarar om lön och rapporteringen.",
                     "Tjänstepension i lönesystemet."):
            written.append(factory.experience(author, system, pros=text))
            searched()
        # Edits: a deletion in the large segment, then in the first small one (which
        # the merge then leaves out, moving the documents after it).
        for experience_id, text in ((corpus[3], "Systematisk lönekörning, semester."),
                                    (written[0], "Lönesystem och semester i systemet.")):
            db.session.get(Experience, experience_id).pros = text
            db.session.commit()
            searched()
        # Each searcher built on the one before; the fifth write made the sixth
        # segment, and the drain merged the small ones into one after the large one.
        assert indexing.MERGE_AT_SEGMENTS == 6
        assert reused == [1, 2, 3, 4, 1]
        with indexing.store().searcher() as searcher:
            assert len(searcher.reader().leaf_readers()) == 2


def test_an_older_searcher_takes_nothing_from_a_newer_ones_masks():
    """A thread still on an older commit may build its masks after a newer searcher
    did: the newer one's deletions reach further, so nothing is taken from it."""
    from kb.search.docsets import _Layout

    big, small = (("dir", "MAIN_a"), 0, 100), (("dir", "MAIN_b"), 100, 1)
    older = _Layout(("dir", ("searcher", 1)), (big,), generation=3)
    newer = _Layout(("dir", ("searcher", 2)), (big, small), generation=4)
    assert newer.shared_with(older).leaves == 1
    assert newer.shared_with(older).bits == (1 << 100) - 1
    assert older.shared_with(newer) is None
    elsewhere = _Layout(("other", ("searcher", 3)), (big, small), generation=5)
    assert elsewhere.shared_with(newer) is None

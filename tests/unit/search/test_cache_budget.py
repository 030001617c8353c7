"""The search caches of a process share one byte budget, however many segments the
index has (before, each segment had a budget of its own)."""

from datetime import datetime

import pytest

from kb.search import IndexStore, docsets
from kb.search.docsets import cache_budget, cached_bytes

WORDS = ["lönekörning", "semesterberäkning", "support", "pension", "kollektivavtal",
         "attest", "kontering", "självservice", "lönebesked", "retroaktiv"]


def document(n: int) -> dict:
    words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(4))
    return {"id": str(n), "title": f"Erfarenhet {n}", "body": words, "parts": words,
            "created": datetime(2024, 1, n % 28 + 1)}


@pytest.fixture
def small_budget():
    before = cache_budget()
    docsets.set_budget(64 * 1024)
    yield 64 * 1024
    docsets.set_budget(before)


def test_the_budget_holds_across_many_segments(tmp_path, small_budget):
    store = IndexStore(str(tmp_path / "index"))
    store.ensure()
    store.swap_in(store.new_generation())
    for start in range(0, 40 * 50, 50):  # 40 segments of 50 documents
        with store.try_writer() as changes:
            changes.update(document(n) for n in range(start, start + 50))
            changes.commit(merge=False)
    assert store.segment_count() == 40
    with store.searcher() as searcher:
        sets = docsets.docsets(searcher)
        for _round in range(3):
            for word in WORDS:
                # Still right while entries come and go.
                [key] = [t.text for t in searcher.schema["body"].analyzer(word, mode="index")]
                assert sets.term("body", key).bit_count() == 2000 * 4 // len(WORDS), word
                assert sum(len(ids) for _o, ids, _w, _l in sets.postings("body", key)) == 800
                sets.values("parts")
                assert cached_bytes() <= small_budget
    store.close()


def test_a_budget_from_the_settings_reaches_the_caches(tmp_path):
    before = cache_budget()
    try:
        IndexStore(str(tmp_path / "index"), cache_budget_bytes=5 * 2**20)
        assert cache_budget() == 5 * 2**20
    finally:
        docsets.set_budget(before)


def test_the_app_sets_the_budget_from_search_cache_mb(tmp_path):
    from kb import create_app

    before = cache_budget()
    try:
        create_app({"TESTING": True, "SECRET_KEY": "x", "SEARCH_CACHE_MB": 7,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kb.sqlite3'}",
                    "INDEX_DIR": str(tmp_path / "index")})
        assert cache_budget() == 7 * 2**20
    finally:
        docsets.set_budget(before)

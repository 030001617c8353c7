"""A rebuild writes bounded segments, one at a time per process, and the index it
swaps in holds every experience once."""

from sqlalchemy import func, select

from kb import indexing
from kb.extensions import db, search_index
from kb.indexing import rebuilding
from kb.models import Experience


def test_a_rebuild_streams_into_bounded_segments(app, client, monkeypatch):
    from kb.tools import demo

    monkeypatch.setattr(rebuilding, "SEGMENT_DOCUMENTS", 40)
    monkeypatch.setattr(rebuilding, "PARALLEL_FROM", 100)  # a forked worker too
    with app.app_context():
        demo.seed(230, seed=7)
        assert indexing.rebuild() == 230
        store = search_index.current
        # 115 rows a process: three segments of 40 at most each.
        assert store.segment_count() == 6
        ids, documents = store.document_ids()
        assert documents == 230
        assert ids == set(db.session.scalars(select(Experience.id)))
        published = db.session.scalar(
            select(func.count()).select_from(Experience)
            .where(Experience.visibility == "public", Experience.moderation_state == "published"))
    page = client.get("/search")
    assert page.status_code == 200
    assert f"{published} erfarenheter" in page.text.replace("\u2009", " ")

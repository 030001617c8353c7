"""Members-only, pending and hidden text reaches only those who may read it:
in results, snippets, facet counts and suggestions alike."""

import re

import pytest

from kb.access import policy
from kb.experiences import searching as experience_search


@pytest.fixture
def texts(factory):
    with factory.batch():
        author = factory.user(email="skribent@example.se")
        member = factory.user(email="kollega@example.se")
        moderator = factory.user(email="moderator@example.se", site_role="moderator")
        public = factory.system(slug="heroma", name="Heroma")
        secret = factory.system(slug="hemligt", name="Hemligsystem")
        factory.experience(author, public, title="Öppen", pros="Kvartalsrapporten fungerar.",
                           sector="kommun")
        factory.experience(author, secret, title="Internt", visibility="members",
                           pros="Kvartalsrapporten och konfidentialitetsklausulen.",
                           sector="region")
        factory.experience(author, public, title="Granskas", moderation_state="pending",
                           pros="Kvartalsrapporten väntar.", sector="statlig")
        factory.experience(author, public, title="Dold", moderation_state="hidden",
                           pros="Kvartalsrapporten dold.", sector="privat")
        return {"author": author, "member": member, "moderator": moderator}


def titles(app, viewer_id, q, **filters):
    from kb.extensions import db
    from kb.models import User

    with app.test_request_context():
        viewer = db.session.get(User, viewer_id) if viewer_id else None
        result = experience_search.search({"q": q, **filters}, policy.audience_of(viewer))
        return sorted(h.experience.title for h in result.hits), result


def test_each_kind_of_viewer_sees_what_they_may(app, texts):
    assert titles(app, None, "kvartalsrapporten")[0] == ["Öppen"]
    assert titles(app, texts["member"], "kvartalsrapporten")[0] == ["Internt", "Öppen"]
    assert titles(app, texts["author"], "kvartalsrapporten")[0] == [
        "Dold", "Granskas", "Internt", "Öppen"]
    assert titles(app, texts["moderator"], "kvartalsrapporten")[0] == [
        "Dold", "Granskas", "Internt", "Öppen"]


def test_facet_counts_and_totals_hide_what_a_visitor_may_not_see(app, texts):
    _titles, result = titles(app, None, "kvartalsrapporten")
    assert result.total == 1
    assert [v.code for v in result.facets["sector"]] == ["kommun"]
    assert [v.code for v in result.facets["system"]] == ["heroma"]
    _titles, result = titles(app, None, "", sector="region")
    assert result.total == 0 and result.hits == []


def test_a_members_only_word_is_never_suggested_to_a_visitor(app, texts):
    _titles, visitor = titles(app, None, "konfidentialitetsklausulem")
    assert visitor.suggestion is None
    _titles, member = titles(app, texts["member"], "konfidentialitetsklausulem")
    assert member.suggestion == "konfidentialitetsklausulen"


def results_and_facets(page) -> str:
    """Results, facets and chips, without the visitor's own words echoed back."""
    html = page.text.split('<div class="search-layout">')[1]
    html = re.sub(r"<p>Inga erfarenheter matchar <strong>.*?</strong>", "", html)
    return re.sub(r'</label>|<label [^>]*>|<span class="count">(\(\d+\))</span>', r"\1", html)


def test_the_page_shows_a_visitor_no_members_only_text(client, auth, texts):
    for q in ("konfidentialitetsklausulen", "kvartalsrapporten", ""):
        shown = results_and_facets(client.get("/search", query_string={"q": q}))
        assert "Internt" not in shown and "konfidentialitet" not in shown
        assert "Hemligsystem" not in shown and "Region (" not in shown
    auth.login("kollega@example.se")
    shown = results_and_facets(client.get("/search?q=konfidentialitetsklausulen"))
    assert "<mark>konfidentialitetsklausulen</mark>" in shown
    assert "Hemligsystem (1)" in shown

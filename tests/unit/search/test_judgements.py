"""A query that names a capability or an aspect with a judgement ranks by the authors'
structured answers (kb.search.judgements); other queries rank as before."""

import pytest

from kb import indexing
from kb.access import policy
from kb.experiences import searching
from kb.search import index as search_index
from kb.search import judgements
from kb.search.schema import build_schema


@pytest.mark.parametrize("q, fields, polarity", [
    ("semesterberäkning fungerar dåligt", ("cap_semester",), -1),
    ("dålig semesterberäkning", ("cap_semester",), -1),
    ("semesterberäkningen krånglar", ("cap_semester",), -1),
    ("semesterberäkningen fungerar inte", ("cap_semester",), -1),
    ("problem med semesterhanteringen", ("cap_semester",), -1),
    ("bra semesterberäkning", ("cap_semester",), 1),
    ("semesterberäkningen fungerar bra", ("cap_semester",), 1),
    ("bra support", ("rating_support",), 1),
    ("inte bra support", ("rating_support",), -1),
    ("dålig support", ("rating_support",), -1),
    ("supporten är usel", ("rating_support",), -1),
    ("smidig implementering", ("rating_implementation",), 1),
    ("dåliga integrationer", ("rating_integrations",), -1),
    ("stabilt system", ("rating_stability",), 1),
    ("krångliga rapporter", ("rating_reporting",), -1),
])
def test_a_judged_capability_or_aspect_is_read(q, fields, polarity):
    judgement = judgements.read(q)
    assert judgement is not None and judgement.fields == fields
    assert judgement.polarity == polarity


@pytest.mark.parametrize("q", ["semesterberäkning", "support", "bra", "dålig", "lönekörningen tung",
                               "byta från Hogia", "fungerar utan problem", "supporten svarar",
                               "AGI Skatteverket fil", ""])
def test_other_queries_judge_nothing(q):
    assert judgements.read(q) is None


@pytest.fixture
def semester(factory):
    author = factory.user()
    system = factory.system(slug="heroma", name="Heroma")

    def write(title, text, **answers):
        return factory.experience(author, system, title=title, pros=text, cons="", **answers)

    return {
        # Text alone would put this one first: every word of the query, close together.
        "portal": write("Portalen fungerar dåligt",
                        "Mobilportalen fungerar dåligt. Semesterberäkningen har vi inga "
                        "problem med.", cap_semester="good", cap_selfservice="workaround",
                        rating_support=5),
        "missing": write("Procentregeln saknas", "Semesterberäkningen enligt procentregeln "
                         "saknas, vi räknar själva.", cap_semester="missing", rating_support=2),
        "workaround": write("Excel varje sommar", "Semesterberäkningen för timavlönade gör vi "
                            "i ett kalkylark.", cap_semester="workaround", rating_support=1),
        "unknown": write("Semester", "Semesterberäkningen finns i systemet."),
        "good": write("Sköter sig själv", "Semesterberäkningen sköter sig själv, även "
                      "sammalöneregeln.", cap_semester="good", rating_support=4),
        "support": write("Supporten", "Supporten svarar samma dag.", rating_support=5),
        "support-bad": write("Supporten igen", "Supporten svarar aldrig.", rating_support=1),
    }


def _titles(app, q):
    with app.app_context():
        indexing.drain(wait=5)
        result = searching.search({"q": q}, policy.VISITOR)
        return [hit.experience.title for hit in result.hits], result.total


def test_a_bad_judgement_ranks_missing_and_workarounds_first(app, semester):
    for q in ("semesterberäkning fungerar dåligt", "dålig semesterberäkning",
              "semesterberäkningen krånglar"):
        titles, total = _titles(app, q)
        assert set(titles[:2]) == {"Procentregeln saknas", "Excel varje sommar"}, q
        # A boost, not a filter: every text about the semesterberäkning is there.
        assert total == 5 and set(titles[2:]) == {"Portalen fungerar dåligt", "Semester",
                                                   "Sköter sig själv"}, q
        assert titles.index("Semester") < titles.index("Sköter sig själv"), q


def test_a_good_judgement_ranks_what_works_well_first(app, semester):
    titles, total = _titles(app, "bra semesterberäkning")
    assert total == 5
    assert set(titles[:2]) == {"Sköter sig själv", "Portalen fungerar dåligt"}
    assert titles[2] == "Semester"
    assert titles[-2:] == ["Excel varje sommar", "Procentregeln saknas"]  # missing last


def test_support_judgements_follow_the_support_rating(app, semester):
    titles, total = _titles(app, "bra support")
    assert total == 2 and titles == ["Supporten", "Supporten igen"]
    titles, total = _titles(app, "supporten är usel")
    assert total == 2 and titles == ["Supporten igen", "Supporten"]


def test_queries_without_a_judgement_rank_as_before(app, semester, monkeypatch):
    queries = ("semesterberäkningen", "supporten svarar", "semesterberäkningen procentregeln",
               "portalen fungerar", '"supporten svarar"', "supporten OR semesterberäkningen")
    before = {q: _titles(app, q) for q in queries}
    # The same search with no judgement reading at all.
    monkeypatch.setattr(judgements, "read", lambda text: None)
    assert {q: _titles(app, q) for q in queries} == before


def test_an_index_without_the_answers_is_outdated(monkeypatch):
    """The answers are fields of the index: a generation built without them has
    another schema fingerprint, so kb.indexing.validity has it rebuilt."""
    now = search_index.schema_fingerprint()
    answers = [name for name in build_schema().names() if name.startswith(("cap_", "rating_"))]
    assert len(answers) == 17

    def without_answers():
        schema = build_schema()
        for name in answers:
            schema.remove(name)
        return schema

    monkeypatch.setattr(search_index, "build_schema", without_answers)
    monkeypatch.setattr(search_index, "_fingerprint", None)
    assert search_index.schema_fingerprint() != now

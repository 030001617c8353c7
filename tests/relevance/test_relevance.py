"""kb's search on the judged Swedish collection (tests/relevance/README.md).

The floors sit about 0.03 below what the search reached when they were set
(docs/search.md, "Relevance"): a change that loses relevance fails here with
the whole table in the message. Raise them when the search gets better.
"""

import math

from kb.core import vocab
from kb.tools.demo import catalogue
from tests.relevance import evaluation

NDCG_FLOOR = 0.79  # measured 0.825
RECALL_FLOOR = 0.57  # measured 0.597
# The held-out collection (written before the search was tuned, never tuned to; the
# queries that judge a capability or aspect, and six experiences for them, added
# before the ranking by answers was written).
HELDOUT_NDCG_FLOOR = 0.89  # measured 0.923
HELDOUT_RECALL_FLOOR = 0.83  # measured 0.862
# Queries that judge a capability or aspect (kb.search.judgements), held-out: 0.570
# when the answers are not read.
HELDOUT_JUDGEMENT_NDCG_FLOOR = 0.73  # measured 0.762


def _check(report, ndcg_floor, recall_floor):
    assert report.mean_ndcg >= ndcg_floor and report.mean_recall >= recall_floor, (
        f"mean nDCG@10 {report.mean_ndcg:.3f} (floor {ndcg_floor}), "
        f"mean recall@10 {report.mean_recall:.3f} (floor {recall_floor})\n\n"
        + evaluation.format_report(report)
    )
    # Only a misspelling may find nothing.
    empty = [s.query.text for s in report.scores if s.zero and s.query.kind != "misspelling"]
    assert not empty, empty


def test_kb_search_keeps_its_relevance(app):
    _check(evaluation.evaluate_kb(app), NDCG_FLOOR, RECALL_FLOOR)


def test_kb_search_keeps_its_relevance_on_the_held_out_collection(app):
    experiences_file, queries_file = evaluation.COLLECTIONS["heldout"]
    report = evaluation.evaluate_kb(app, evaluation.load_queries(queries_file),
                                    evaluation.load_experiences(experiences_file))
    _check(report, HELDOUT_NDCG_FLOOR, HELDOUT_RECALL_FLOOR)
    judged = report.summary("judgement")
    assert judged.n >= 5 and judged.ndcg >= HELDOUT_JUDGEMENT_NDCG_FLOOR, (
        f"judgement queries: nDCG@10 {judged.ndcg:.3f} (floor {HELDOUT_JUDGEMENT_NDCG_FLOOR})"
        "\n\n" + evaluation.format_report(report))


def test_the_held_out_collection_is_judged_against_itself():
    experiences_file, queries_file = evaluation.COLLECTIONS["heldout"]
    experiences = evaluation.load_experiences(experiences_file)
    keys = {entry["key"] for entry in experiences}
    slugs = {entry["slug"] for entry in catalogue()}
    queries = evaluation.load_queries(queries_file)
    assert len(experiences) >= 40 and len(keys) == len(experiences)
    assert len(queries) >= 25
    assert all(entry["system"] in slugs for entry in experiences)
    for entry in experiences:
        _check_answers(entry)
    for query in queries:
        assert query.kind in evaluation.KINDS, query.text
        assert query.relevant and set(query.judgments) <= keys, query.text


def test_the_collection_is_what_the_judgments_assume():
    experiences = evaluation.load_experiences()
    keys = [entry["key"] for entry in experiences]
    slugs = {entry["slug"] for entry in catalogue()}
    assert len(experiences) >= 160
    assert len(keys) == len(set(keys))
    for entry in experiences:
        assert entry["system"] in slugs, entry["key"]
        assert entry.get("switched_from", entry["system"]) in slugs, entry["key"]
        assert entry.get("switched_from") != entry["system"], entry["key"]
        assert entry["sector"] in vocab.SECTORS, entry["key"]
        assert entry["size_band"] in vocab.SIZE_BANDS, entry["key"]
        assert entry["reviewer_role"] in vocab.PROFESSIONAL_ROLES, entry["key"]
        assert entry["usage_status"] in vocab.USAGE_STATUSES, entry["key"]
        assert entry["satisfaction"] in vocab.SATISFACTION, entry["key"]
        assert 5 <= len(entry["title"]) <= 150, entry["key"]
        _check_answers(entry)


def _check_answers(entry):
    """The checklist and ratings an entry gives use the form's codes and scale."""
    for key, level in (entry.get("capabilities") or {}).items():
        assert key in vocab.CAPABILITIES and level in vocab.CAPABILITY_LEVELS, entry["key"]
    for key, value in (entry.get("ratings") or {}).items():
        assert key in vocab.SUB_RATINGS and value in range(1, 6), entry["key"]


def test_every_query_is_judged_against_the_collection():
    keys = {entry["key"] for entry in evaluation.load_experiences()}
    queries = evaluation.load_queries()
    texts = [query.text for query in queries]
    assert len(queries) >= 60
    assert len(texts) == len(set(texts))
    for kind in evaluation.KINDS:
        assert sum(query.kind == kind for query in queries) >= 5, kind
    for query in queries:
        assert query.kind in evaluation.KINDS, query.text
        assert query.relevant, query.text
        assert set(query.judgments) <= keys, (query.text, set(query.judgments) - keys)
        assert set(query.judgments.values()) <= {1, 2, 3}, query.text


def test_ndcg_uses_graded_gains_and_the_log2_discount():
    judgments = {"a": 3, "b": 2, "c": 1}
    assert evaluation.ndcg_at(["a", "b", "c"], judgments) == 1.0
    ideal = 3 + 2 / math.log2(3) + 1 / 2
    # Unjudged "x" at rank 1 gains nothing and pushes the rest down one rank.
    assert math.isclose(
        evaluation.ndcg_at(["x", "c", "b", "a"], judgments),
        (1 / math.log2(3) + 2 / 2 + 3 / math.log2(5)) / ideal,
    )
    assert evaluation.ndcg_at([], judgments) == 0.0
    # Only the first ten ranks count.
    assert evaluation.ndcg_at([f"x{i}" for i in range(10)] + ["a"], judgments) == 0.0


def test_recall_counts_the_relevant_found_in_the_first_ten():
    judgments = {"a": 3, "b": 1, "c": 2, "d": 1}
    assert evaluation.recall_at(["x", "b", "a"], judgments) == 0.5
    assert evaluation.recall_at([f"x{i}" for i in range(10)] + ["a", "b", "c", "d"],
                                judgments) == 0.0


def test_the_table_shows_each_kind_and_the_worst_queries():
    queries = [
        evaluation.Query("lön", "word", "", {"a": 3, "b": 1}),
        evaluation.Query("lönen", "inflected", "", {"b": 2}),
    ]
    kb = evaluation.score("kb", queries, {"lön": ["a", "b"], "lönen": []})
    postgres = evaluation.score("PostgreSQL", queries, {"lön": ["b"], "lönen": ["b"]})
    assert kb.summary().zero == 1 and kb.summary("word").ndcg == 1.0
    table = evaluation.format_report(kb, postgres, worst=1)
    lines = table.splitlines()
    assert any(line.split()[:2] == ["all", "2"] for line in lines)
    assert any(line.split()[:1] == ["word"] for line in lines)
    assert lines[-1].split()[:2] == ["0.000", "(1.000)"] and "lönen" in lines[-1]

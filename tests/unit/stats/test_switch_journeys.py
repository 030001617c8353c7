"""Switch journeys (kb.stats.journeys): who left a system and who came, each organisation
once, reasons grouped by theme, satisfaction before and after under the minimum-answers
rule, and the selection behind every count (switch_rows) that /switches lists."""

from datetime import timedelta

import pytest

from kb import stats
from kb.access import policy
from kb.extensions import db
from kb.models import PayrollSystem, utcnow
from kb.stats import journeys


@pytest.fixture
def world(factory):
    """Personec P left by five kommuner for Heroma (one of them by two members, one of
    them also for Hogia), one for Hogia; Heroma left by nobody."""
    personec = factory.system(slug="personec-p", name="Personec P")
    heroma = factory.system(slug="heroma", name="Heroma")
    hogia = factory.system(slug="hogia", name="Hogia Lön")
    reasons = ["Supporten svarade aldrig och licenskostnaden steg.",
               "Semesterberäkningen krävde manuella korrigeringar.",
               "Supporten kunde inte hjälpa oss med kollektivavtalet.",
               "Supporten var långsam.",
               "Vi fick en ny chef."]
    orgs = []
    for n, reason in enumerate(reasons):
        org = factory.organisation(f"Kommun {n}")
        orgs.append(org)
        writer = factory.user(organisation_id=org)
        factory.experience(writer, personec, organisation_id=org, usage_status="former",
                           satisfaction=2)
        factory.experience(writer, heroma, organisation_id=org, switched_from_id=personec,
                           switch_reason=reason, go_live_months=6 + n, in_use_since=2020 + n,
                           satisfaction=4, previous_satisfaction=1 if n == 0 else None)
    # A second member of Kommun 0 describes the same switch: still one organisation.
    second = factory.user(organisation_id=orgs[0])
    earlier = utcnow() - timedelta(days=400)
    factory.experience(second, heroma, organisation_id=orgs[0], switched_from_id=personec,
                       switch_reason="Dyrt.", satisfaction=5, created_at=earlier,
                       confirmed_at=earlier, updated_at=earlier)
    # Kommun 1 also went to Hogia (another member's answer): once in "left", once per pair.
    third = factory.user(organisation_id=orgs[1])
    factory.experience(third, hogia, organisation_id=orgs[1], switched_from_id=personec,
                       switch_reason="Vi ville ha en molntjänst.", satisfaction=3,
                       created_at=earlier, confirmed_at=earlier, updated_at=earlier)
    lone = factory.organisation("Region X", sector="region")
    factory.experience(factory.user(organisation_id=lone), hogia, organisation_id=lone,
                       sector="region", switched_from_id=personec, satisfaction=3)
    return {"personec": personec, "heroma": heroma, "hogia": hogia, "orgs": orgs}


def _journey(app, system_id, audience=policy.VISITOR, **filters):
    with app.app_context():
        system = db.session.get(PayrollSystem, system_id)
        return stats.journey(system, policy.counted(audience), stats.Filters(**filters))


def _ids(app, audience=policy.VISITOR, **which):
    with app.app_context():
        return stats.switch_ids(policy.counted(audience), stats.Switches(**which))


def test_each_organisation_that_left_counts_once(app, world):
    journey = _journey(app, world["personec"])
    left = journey.left
    assert left.n == 6  # five kommuner and the region
    assert len(set(left.ids)) == 6
    assert {(other.system.slug, other.n) for other in left.others} == {
        ("heroma", 5), ("hogia", 2)}
    # Every count is its list: the pair lists hold exactly those organisations.
    assert len(_ids(app, source=world["personec"], target=world["heroma"])) == 5
    assert len(_ids(app, source=world["personec"], target=world["hogia"])) == 2
    assert len(_ids(app, source=world["personec"])) == left.n


def test_came_is_the_same_switches_seen_from_the_new_system(app, world):
    came = _journey(app, world["heroma"]).came
    assert came.n == 5
    assert [(other.system.slug, other.n) for other in came.others] == [("personec-p", 5)]
    assert _journey(app, world["heroma"]).left.n == 0


def test_reasons_grouped_by_theme_with_the_answers_behind_each(app, world):
    left = _journey(app, world["heroma"]).came
    themes = {theme.key: theme.n for theme in left.themes}
    assert themes["support"] == 3
    assert themes["semester"] == 1
    assert themes[stats.OTHER] == 1  # "Vi fick en ny chef."
    assert left.most_common.key == "support" and left.most_common.n == 3
    assert left.with_reason == 5
    # The theme's list is exactly the answers counted for it.
    assert len(_ids(app, target=world["heroma"], theme="support")) == 3


def test_a_single_answer_is_never_the_most_common_reason():
    one = journeys.Direction(n=1, themes=(journeys.Theme("pris", "Pris", 1),), with_reason=1)
    assert one.most_common is None
    tie = journeys.Direction(n=4, themes=(journeys.Theme("pris", "Pris", 2),
                                          journeys.Theme("support", "Support", 2)),
                             with_reason=4)
    assert tie.most_common is None
    only_other = journeys.Direction(n=3, themes=(journeys.Theme(stats.OTHER, "Övrigt", 3),),
                                    with_reason=3)
    assert only_other.most_common is None


@pytest.mark.parametrize("text, expected", [
    ("Licenskostnaden för Personec P ökade kraftigt.", ("pris",)),
    ("Semesterberäkningen i Hogia krävde manuella korrigeringar varje år.",
     ("semester", "anvandbarhet")),
    ("Integrationen mot tidsystemet fungerade aldrig stabilt.",
     ("integrationer", "stabilitet")),
    ("Vi ville bort från egen drift med servrar.", ("drift",)),
    ("Leverantören aviserade slutdatum för vår version.", ("avveckling",)),
    ("AGI-rättelserna tog för mycket tid.", ("anvandbarhet", "lagkrav")),
    ("Vi fick en ny chef.", (stats.OTHER,)),
    ("   ", ()),
])
def test_classify_reads_swedish_reasons(text, expected):
    assert stats.classify(text) == expected


def test_go_live_and_satisfaction_under_the_minimum_answers_rule(app, world):
    came = _journey(app, world["heroma"]).came
    assert came.go_live.n == 5 and came.go_live.median == 8 and came.go_live.low == 6 \
        and came.go_live.high == 10
    assert came.after.enough and came.after.mean.value == 4
    # Before: one stated with the switch (1), four from the organisations' own earlier
    # experiences of Personec P (2 each).
    assert came.before.n == 5 and came.before_stated == 1
    assert came.before.mean.total == 1 + 4 * 2
    hogia = _journey(app, world["hogia"]).came
    assert hogia.after.n == 2 and not hogia.after.enough
    assert hogia.after.mean.shown is None
    assert hogia.after.distribution.counts[3] == 2


def test_years_and_since_select_by_the_year_the_new_system_went_live(app, world):
    came = _journey(app, world["heroma"]).came
    assert [(item.year, item.n) for item in came.years][:2] == [(2024, 1), (2023, 1)]
    assert len(_ids(app, target=world["heroma"], since=2022)) == 3
    assert len(_ids(app, target=world["heroma"], year=2021)) == 1


def test_segment_filters_apply(app, world):
    left = _journey(app, world["personec"], sector="region").left
    assert left.n == 1
    assert [(other.system.slug, other.n) for other in left.others] == [("hogia", 1)]

"""System figures checked against values computed by hand on a small fixture."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from kb import stats
from kb.access import policy
from kb.extensions import db
from kb.models import Experience, PayrollSystem, User
from kb.stats.filters import recent_cutoff

MONTH = timedelta(days=30.5)


@pytest.fixture
def data(factory):
    return factory.figures_world()


def profile_for(app, system_id, user_id=None, **filters):
    with app.app_context():
        user = db.session.get(User, user_id) if user_id else None
        system = db.session.get(PayrollSystem, system_id)
        return stats.profile(system, policy.counted(policy.audience_of(user)),
                             stats.Filters(**filters))


def test_a_visitor_counts_public_published_experiences_only(app, data):
    profile = profile_for(app, data.heroma)
    assert profile.n == 6
    assert profile.satisfaction.total == 19 and profile.satisfaction.n == 6
    assert profile.distribution.counts == {1: 1, 2: 1, 3: 1, 4: 2, 5: 1}
    # Recommend 10, 9, 7, 3, 0: two promoters, one passive, two detractors.
    assert (profile.nps.promoters, profile.nps.passives, profile.nps.detractors) == (2, 1, 2)
    assert profile.nps.value == 0 and profile.nps.enough
    assert profile.sub_ratings["usability"].shown == pytest.approx(16 / 5)
    assert profile.sub_ratings["support"].n == 0 and profile.sub_ratings["support"].shown is None
    agi = profile.capabilities["agi"]
    assert (agi.good, agi.workaround, agi.missing, agi.unknown, agi.n) == (3, 1, 1, 1, 5)
    assert agi.percent("good") == pytest.approx(60)
    assert agi.percent("missing") == pytest.approx(20)


def test_a_member_counts_every_published_experience_but_never_pending_or_hidden(app, data):
    profile = profile_for(app, data.heroma, data.member)
    assert profile.n == 7
    assert profile.satisfaction.shown == pytest.approx(24 / 7)
    assert profile.nps.n == 6 and profile.nps.value == pytest.approx(100 * (3 - 2) / 6)
    assert profile.sub_ratings["usability"].shown == pytest.approx(17 / 6)
    assert profile.capabilities["agi"].percent("good") == pytest.approx(400 / 6)
    moderators_view = profile_for(app, data.heroma, data.moderator)
    assert moderators_view.n == 7
    assert moderators_view.distribution.counts == profile.distribution.counts


def test_fewer_than_five_answers_are_not_shown(app, data):
    kommun = profile_for(app, data.heroma, sector="kommun")  # visitor: 1, 2, 3, 7
    assert kommun.n == 4
    assert not kommun.satisfaction.enough and kommun.satisfaction.shown is None
    assert kommun.nps.shown is None
    assert stats.MIN_ANSWERS == 5
    members_kommun = profile_for(app, data.heroma, data.member, sector="kommun")
    assert members_kommun.n == 5
    assert members_kommun.satisfaction.shown == pytest.approx(19 / 5)


def test_filters_and_the_24_month_window(app, data):
    recent = profile_for(app, data.heroma, data.member, recent=True)  # all but no. 4
    assert recent.n == 6 and recent.satisfaction.shown == pytest.approx(22 / 6)
    assert [(g.code, g.n) for g in recent.by_status] == [("current", 6)]
    visitor_recent = profile_for(app, data.heroma, recent=True)
    assert visitor_recent.satisfaction.shown == pytest.approx(17 / 5)
    region = profile_for(app, data.heroma, sector="region", size="1000-4999")
    assert region.n == 2
    assert profile_for(app, data.heroma, role="hr").n == 0


def test_breakdowns_by_sector_size_year_and_status(app, data):
    profile = profile_for(app, data.heroma)
    assert [(g.code, g.n, g.satisfaction.total) for g in profile.by_sector] == [
        ("kommun", 4, 14), ("region", 2, 5)]
    assert [(g.code, g.n) for g in profile.by_size] == [("1000-4999", 6)]
    assert [(g.code, g.n) for g in profile.by_status] == [("current", 5), ("former", 1)]
    years = {}
    for months, sat in ((1, 5), (1, 4), (2, 4), (25, 2), (23, 3), (2, 1)):
        year = (data.now - months * MONTH).year
        years.setdefault(year, []).append(sat)
    assert [(g.code, g.n, g.satisfaction.total) for g in profile.by_year] == [
        (year, len(sats), sum(sats)) for year, sats in sorted(years.items())]


def test_switches_both_ways_with_reasons_the_viewer_may_read(app, data):
    visitor = profile_for(app, data.heroma)
    [came] = visitor.switched_from
    assert (came.system.slug, came.n) == ("personec-p", 2)
    assert [(r.text, r.n) for r in came.reasons] == [("AGI fungerade inte", 2)]
    [went] = visitor.switched_to
    assert (went.system.name, went.n) == ("Personec P", 1)
    assert [r.text for r in went.reasons] == ["För dyra licenser"]
    member = profile_for(app, data.heroma, data.member)
    assert [(r.text, r.n) for r in member.switched_from[0].reasons] == [
        ("AGI fungerade inte", 2), ("Hemlig anledning", 1)]
    for profile in (visitor, member, profile_for(app, data.heroma, data.moderator)):
        texts = [r.text for f in profile.switched_from + profile.switched_to for r in f.reasons]
        assert "Väntande skäl" not in texts
    assert profile_for(app, data.heroma, sector="region").switched_from == []


def test_a_comparison_is_the_profiles_side_by_side(app, data):
    with app.app_context():
        systems = [db.session.get(PayrollSystem, i) for i in (data.primula, data.heroma)]
        primula, heroma = stats.profiles(systems, policy.counted(policy.VISITOR))
    assert primula.n == 0 and primula.satisfaction.shown is None
    assert primula.distribution.counts == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert heroma.n == 6


def test_every_write_invalidates_the_cached_figures(app, data, factory):
    assert profile_for(app, data.heroma).n == 6
    factory.experience(data.member, data.heroma, satisfaction=5)
    assert profile_for(app, data.heroma).n == 7
    with app.app_context():
        experience = db.session.scalar(select(Experience).where(Experience.title == "Erfarenhet 1"))
        experience.moderation_state = "hidden"
        db.session.commit()
        experience_id = experience.id
    assert profile_for(app, data.heroma).n == 6
    with app.app_context():
        db.session.delete(db.session.get(Experience, experience_id))
        db.session.commit()
        db.session.get(PayrollSystem, data.personec).name = "Visma Personec P"
        db.session.commit()
    after = profile_for(app, data.heroma)
    assert after.n == 6 and after.switched_from[0].n == 1
    assert after.switched_from[0].system.name == "Visma Personec P"


@pytest.mark.parametrize(("today", "cutoff"), [
    (datetime(2026, 11, 27, 15, 30), datetime(2024, 11, 27)),
    (datetime(2026, 2, 28, 1, 0), datetime(2024, 2, 28)),
    (datetime(2028, 2, 29, 9, 0), datetime(2026, 2, 28)),
])
def test_the_24_month_cutoff_is_midnight_24_months_back(today, cutoff):
    assert recent_cutoff(today) == cutoff


def test_filters_from_query_parameters():
    args = {"sector": "kommun", "size": "1000-4999", "role": "nonsense", "recent": "1"}
    filters = stats.Filters.from_args(args)
    assert filters == stats.Filters(sector="kommun", size="1000-4999", recent=True)
    assert filters.describe() == "Kommun · 1 000–4 999 anställda · senaste 24 månaderna"
    with pytest.raises(stats.FilterError):
        stats.Filters.from_args(args, strict=True)

"""The decision report's quotes come only from the answers its figures count: each
organisation's current answer for the system, in the same segment, filters and
audience; each with its dates and, when not public, who may read it."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from kb import stats
from kb.access import policy
from kb.catalogue import decision
from kb.extensions import db
from kb.models import Experience, PayrollSystem, User, utcnow

MONTH = timedelta(days=30.5)


@dataclass
class World:
    heroma: int
    reader: int  # a member of the network the shared answer is shared with
    network_answer: int
    members_answer: int
    now: object


@pytest.fixture
def world(factory):
    """Heroma among kommuner: every organisation's current answer is 2-4 of 5, but some
    of them (and a region) once said 5.

    organisation  answer (newest first)                                      counted
    Alfa          3 (1 month),  5 "Gammalt beröm från Alfa" (2 years)         the 3
    Beta          2 former (2 months), 5 "Beröm innan Beta lämnade" (3 years) the 2
    Gamma         4 members-only (1 month)                                   members
    Delta         2 shared with Lönenätverket Syd (3 months)                 the network
    Epsilon       4 (written 30 months ago, confirmed 2 months ago)           not recent
    Zeta          4 (1 month), a network's survey answer                     not nosurvey
    Region Norr   5 "Beröm från en region" (region, 1 month)                 other segment
    """
    now = utcnow()
    heroma = factory.system(slug="heroma", name="Heroma")
    factory.system(slug="primula", name="Primula")

    def member(name, sector="kommun"):
        organisation = factory.organisation(name, sector=sector)
        return organisation, factory.user(organisation_id=organisation)

    def answer(author, organisation, satisfaction, months, pros, cons="Krångligt.", **fields):
        fields.setdefault("created_at", now - months * MONTH)
        fields.setdefault("confirmed_at", now - months * MONTH)
        return factory.experience(author, heroma, organisation_id=organisation,
                                  satisfaction=satisfaction, pros=pros, cons=cons, **fields)

    alfa, alfa_old = member("Alfa kommun")
    answer(alfa_old, alfa, 5, 24, "Gammalt beröm från Alfa.", "Gammal kritik från Alfa.")
    answer(factory.user(organisation_id=alfa), alfa, 3, 1, "Alfa: stabil lönekörning.",
           "Alfa: semestern kräver handpåläggning.")
    beta, beta_old = member("Beta kommun")
    answer(beta_old, beta, 5, 36, "Beröm innan Beta lämnade.")
    answer(factory.user(organisation_id=beta), beta, 2, 2, "Beta: rapporterna var bra.",
           "Beta: supporten svarade aldrig.", usage_status="former")
    gamma, gamma_author = member("Gamma kommun")
    members_answer = answer(gamma_author, gamma, 4, 1, "Gamma: beröm för medlemmar.",
                            visibility="members")
    delta, delta_author = member("Delta kommun")
    reader = factory.user(email="lasare@kommun.se")
    network = factory.network(slug="syd", name="Lönenätverket Syd",
                              members={reader: "member", delta_author: "member"})
    network_answer = answer(delta_author, delta, 2, 3, "Delta: beröm i nätverket.",
                            networks=(network,))
    epsilon, epsilon_author = member("Epsilon kommun")
    answer(epsilon_author, epsilon, 4, 30, "Epsilon: gammal men bekräftad.",
           confirmed_at=now - 2 * MONTH)
    zeta, zeta_author = member("Zeta kommun")
    answer(zeta_author, zeta, 4, 1, "Zeta: från enkäten.", survey_network_id=network)
    region, region_author = member("Region Norr", sector="region")
    answer(region_author, region, 5, 1, "Beröm från en region.", sector="region")
    return World(heroma, reader, network_answer, members_answer, now)


def quotes_for(app, world, user_id=None, **filters):
    with app.app_context():
        user = db.session.get(User, user_id) if user_id else None
        audience = policy.audience_of(user)
        chosen = stats.Filters(**filters)
        said = decision.voices(world.heroma, audience, chosen)
        counted = stats.counted_answers([world.heroma], policy.counted(audience),
                                        chosen)[world.heroma]
        profile = stats.profile(db.session.get(PayrollSystem, world.heroma),
                                policy.counted(audience), chosen)
        return said, counted, profile


def test_the_counted_answers_are_the_ones_the_figures_count(app, world):
    _said, counted, profile = quotes_for(app, world, sector="kommun")
    with app.app_context():
        rows = [db.session.get(Experience, experience_id) for experience_id in counted]
        assert len(counted) == profile.n == 4  # Alfa, Beta, Epsilon, Zeta (public)
        assert sum(row.satisfaction for row in rows) == profile.satisfaction.total == 13
        assert {row.organisation.name for row in rows} == {
            "Alfa kommun", "Beta kommun", "Epsilon kommun", "Zeta kommun"}


def test_no_for_quote_comes_from_an_answer_the_figures_do_not_count(app, world):
    said, counted, profile = quotes_for(app, world, sector="kommun")
    assert profile.distribution.counts[5] == 0  # nobody counted is very satisfied...
    pros = [quote.text for quote in said.pros]
    # ...so no "for" quote says 5: not Alfa's older answer, not what Beta said before
    # it left Heroma, not the region outside the segment.
    # The most satisfied first, then the most recently confirmed.
    assert pros == ["Zeta: från enkäten.", "Epsilon: gammal men bekräftad.",
                    "Alfa: stabil lönekörning."]
    assert [quote.satisfaction for quote in said.pros] == [4, 4, 3]
    assert all(quote.experience_id in counted for quote in said.pros + said.cons)
    for text in ("Gammalt beröm från Alfa.", "Beröm innan Beta lämnade.",
                 "Beröm från en region.", "Gammal kritik från Alfa."):
        assert text not in pros + [quote.text for quote in said.cons]
    # The "against" side starts with the least satisfied counted answer: Beta's, which
    # left Heroma and says so.
    assert said.cons[0].text == "Beta: supporten svarade aldrig."
    assert said.cons[0].satisfaction == 2
    assert said.cons[0].context == ("Lönechef, kommun, 1 000–4 999 anställda, "
                                    "har använt systemet tidigare")
    assert [quote.satisfaction for quote in said.cons] == [2, 3, 4]


def test_every_organisation_is_quoted_at_most_once_a_side(app, world):
    said, _counted, _profile = quotes_for(app, world)
    ids = [quote.experience_id for quote in said.pros]
    assert len(ids) == len(set(ids)) == decision.QUOTES_PER_SIDE
    # Without the sector filter, the region's 5 is counted and quoted first.
    assert said.pros[0].text == "Beröm från en region." and said.pros[0].satisfaction == 5


def test_the_filters_of_the_figures_bind_the_quotes(app, world):
    recent, counted, _profile = quotes_for(app, world, sector="kommun", recent=True)
    assert "Epsilon: gammal men bekräftad." not in [quote.text for quote in recent.pros]
    assert len(counted) == 3
    no_survey, counted, _profile = quotes_for(app, world, sector="kommun",
                                                      no_survey=True)
    assert "Zeta: från enkäten." not in [quote.text for quote in no_survey.pros]
    assert len(counted) == 3


def test_quotes_a_member_may_see_are_marked_with_who_may_read_them(app, world):
    visitor, _counted, _profile = quotes_for(app, world, sector="kommun")
    seen = [quote.text for quote in visitor.pros + visitor.cons]
    assert "Gamma: beröm för medlemmar." not in seen
    assert "Delta: beröm i nätverket." not in seen
    assert all(quote.public and quote.audience_label is None
               for quote in visitor.pros + visitor.cons)

    member, counted, profile = quotes_for(app, world, world.reader, sector="kommun")
    assert world.members_answer in counted and world.network_answer in counted
    assert profile.n == 6
    by_text = {quote.text: quote for quote in member.pros + member.cons}
    assert by_text["Gamma: beröm för medlemmar."].audience_label == "Endast för medlemmar"
    assert not by_text["Gamma: beröm för medlemmar."].public
    shared = [quote for quote in member.cons if quote.experience_id == world.network_answer]
    assert shared and shared[0].audience_label == "Delad med nätverket Lönenätverket Syd"


def test_a_quote_carries_when_it_was_written_and_confirmed(app, world):
    said, _counted, _profile = quotes_for(app, world, sector="kommun")
    zeta, epsilon = said.pros[:2]
    assert epsilon.written == (world.now - 30 * MONTH).date()
    assert epsilon.confirmed == (world.now - 2 * MONTH).date()
    assert zeta.written == (world.now - MONTH).date() and zeta.confirmed is None


def test_what_figures_count_beyond_public_is_named():
    assert decision.beyond_public(frozenset({"public"})) == []
    assert decision.beyond_public(frozenset({"public", "members", "networks"})) == [
        "erfarenheter som bara inloggade medlemmar kan läsa",
        "erfarenheter som bara delas med nätverk du är med i",
    ]


def test_the_segment_says_which_visibilities_it_counts(app, world):
    with app.app_context():
        reader = policy.audience_of(db.session.get(User, world.reader))
        kommun = stats.Filters(sector="kommun")
        assert stats.counted_visibilities(policy.counted(policy.VISITOR), kommun) == {"public"}
        assert stats.counted_visibilities(policy.counted(reader), kommun) == {
            "public", "members", "networks"}
        region = stats.Filters(sector="region")
        assert stats.counted_visibilities(policy.counted(reader), region) == {"public"}


def test_within_a_rating_the_most_helpful_answer_is_quoted_first(app, world):
    with app.app_context():
        epsilon = db.session.query(Experience).filter_by(pros="Epsilon: gammal men bekräftad.")
        epsilon.one().helpful_count = 3
        db.session.commit()
    said, _counted, _profile = quotes_for(app, world, sector="kommun")
    assert [quote.text for quote in said.pros][:2] == ["Epsilon: gammal men bekräftad.",
                                                       "Zeta: från enkäten."]

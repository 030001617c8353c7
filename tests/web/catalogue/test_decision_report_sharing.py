"""A decision report one can hand to a steering group: it quotes only the answers its
figures count, marks quotes that are not public, says whether it includes what only
the reader may see, and offers a version with public material only."""

import re
from datetime import timedelta

import pytest

from kb.models import utcnow
from tests.support.pages import main_content

MONTH = timedelta(days=30.5)
REPORT = "/compare/report?s=heroma&s=primula&sector=kommun"
NOTICE = "Underlaget innehåller även sådant som bara du som medlem kan se"


@pytest.fixture
def world(factory):
    """Heroma among kommuner, every organisation's current answer 2-4 of 5:

    Alfa    3 now; 5 "Gammalt beröm från Alfa" two years ago (not counted)
    Beta    2 as a former user now; 5 "Beröm innan Beta lämnade" before (not counted)
    Gamma   4, members only
    Delta   2, shared with Lönenätverket Syd, which the reader is in
    Region  5 "Beröm från en region" (another segment)
    Primula: two public answers of a private firm and a kommun.
    """
    now = utcnow()
    heroma = factory.system(slug="heroma", name="Heroma")
    primula = factory.system(slug="primula", name="Primula")

    def answer(organisation, satisfaction, months, pros, cons="Krångligt.", system=heroma,
               **fields):
        author = factory.user(organisation_id=organisation)
        return factory.experience(author, system, organisation_id=organisation,
                                  satisfaction=satisfaction, pros=pros, cons=cons,
                                  created_at=now - months * MONTH,
                                  confirmed_at=now - months * MONTH, **fields)

    alfa = factory.organisation("Alfa kommun")
    answer(alfa, 5, 24, "Gammalt beröm från Alfa.")
    answer(alfa, 3, 1, "Alfa: stabil lönekörning.", "Alfa: semestern är krånglig.")
    beta = factory.organisation("Beta kommun")
    answer(beta, 5, 36, "Beröm innan Beta lämnade.")
    answer(beta, 2, 2, "Beta: rapporterna var bra.", "Beta: supporten svarade aldrig.",
           usage_status="former")
    gamma = factory.organisation("Gamma kommun")
    answer(gamma, 4, 1, "Gamma: beröm för medlemmar.", "Gamma: kritik för medlemmar.",
           visibility="members")
    reader_organisation = factory.organisation("Läsarby kommun")
    factory.user(email="lasare@kommun.se", organisation_id=reader_organisation)
    network = factory.network(slug="syd", name="Lönenätverket Syd")
    delta = factory.organisation("Delta kommun")
    answer(delta, 2, 3, "Delta: beröm i nätverket.", "Delta: kritik i nätverket.",
           networks=(network,))
    region = factory.organisation("Region Norr", sector="region")
    answer(region, 5, 1, "Beröm från en region.", sector="region")
    answer(factory.organisation("Företaget AB", sector="privat"), 4, 1, "Primula: bra.",
           system=primula, sector="privat")
    answer(factory.organisation("Gammaby kommun"), 3, 1, "Primula i kommunen.",
           system=primula)
    return network


def join_network(app, network, email="lasare@kommun.se"):
    from sqlalchemy import select

    from kb.extensions import db
    from kb.models import NetworkMembership, User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.add(NetworkMembership(network_id=network, user_id=user.id, role="member",
                                         status="active"))
        db.session.commit()


def for_side(html: str, system: str) -> str:
    """The "Det som fungerar bra" column of one system's quotes."""
    section = html.split(f"<h3>{system}</h3>", 1)[1]
    return section.split("<h4>Det som fungerar bra</h4>", 1)[1].split("</div>", 1)[0]


def quote_with(html: str, text: str) -> str:
    match = re.search(r'<blockquote class="quote"><p>”' + re.escape(text)
                      + r'”</p><footer>(.*?)</footer></blockquote>', html)
    assert match, text
    return match.group(1)


def test_the_report_quotes_only_the_answers_its_figures_count(client, world):
    html = main_content(client.get(REPORT))
    pros = for_side(html, "Heroma")
    assert "Alfa: stabil lönekörning." in pros and "Beta: rapporterna var bra." in pros
    for uncounted in ("Gammalt beröm från Alfa.", "Beröm innan Beta lämnade.",
                      "Beröm från en region."):
        assert uncounted not in html
    # The ratings beside the quotes are those the figures count: none is a 5.
    assert "nöjdhet 5 av 5" not in pros
    footer = quote_with(html, "Beta: supporten svarade aldrig.")
    assert "har använt systemet tidigare · nöjdhet 2 av 5" in footer


def test_each_quote_shows_its_date(client, world):
    html = main_content(client.get(REPORT))
    footer = quote_with(html, "Alfa: stabil lönekörning.")
    written = (utcnow() - MONTH).date()
    months = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december")
    assert (f'skriven <time datetime="{written.isoformat()}">{written.day} '
            f"{months[written.month - 1]} {written.year}</time>") in footer
    assert "Lönechef, kommun, 1 000–4 999 anställda" in footer
    assert "Medlem" not in footer  # role, sector and size band: never a name


def test_a_visitor_reads_a_public_report_and_is_told_so(client, world):
    html = main_content(client.get(REPORT))
    assert "Underlaget bygger bara på publika erfarenheter" in html
    assert NOTICE not in html
    assert "Gamma: beröm för medlemmar." not in html
    assert "Delta: beröm i nätverket." not in html
    assert "Endast för medlemmar" not in html and "Delad med nätverket" not in html


def test_a_member_report_marks_what_is_not_public_and_offers_the_public_version(
        client, app, auth, world):
    join_network(app, world)
    auth.login("lasare@kommun.se")
    html = main_content(client.get(REPORT))
    assert NOTICE in html
    assert "erfarenheter som bara inloggade medlemmar kan läsa" in html
    assert "erfarenheter som bara delas med nätverk du är med i" in html
    assert '<span class="badge">Endast för medlemmar</span>' in quote_with(
        html, "Gamma: beröm för medlemmar.")
    assert "Delad med nätverket Lönenätverket Syd" in quote_with(
        html, "Delta: kritik i nätverket.")
    assert "Endast för medlemmar" not in quote_with(html, "Alfa: stabil lönekörning.")
    link = re.search(r'<a href="([^"]+)">Underlag med bara publikt material', html)
    assert link
    public_url = link.group(1).replace("&amp;", "&")
    assert "underlag=publikt" in public_url and "sector=kommun" in public_url

    public = main_content(client.get(public_url))
    assert "Offentligt underlag:" in public
    assert NOTICE not in public
    for hidden in ("Gamma: beröm för medlemmar.", "Delta: beröm i nätverket.",
                   "Endast för medlemmar", "Delad med nätverket"):
        assert hidden not in public
    assert "Alfa: stabil lönekörning." in public
    # Its printed address is the public version's own.
    assert re.search(r"Webbsidan: https?://[^ <]+/compare/report\?[^ <]*underlag=publikt<",
                     public)


def test_the_notice_appears_exactly_when_reader_only_material_counts(client, app, auth,
                                                                    world):
    auth.login("lasare@kommun.se")
    # Outside the network: members-only material still counts.
    assert NOTICE in main_content(client.get(REPORT))
    assert "erfarenheter som bara delas med nätverk" not in main_content(client.get(REPORT))
    # Among private firms every counted answer is public: no notice, a link to share.
    private = main_content(client.get("/compare/report?s=heroma&s=primula&sector=privat"))
    assert NOTICE not in private
    assert "Underlaget bygger bara på publika erfarenheter" in private
    assert "Länk till underlaget att dela" in private


def test_the_public_version_ignores_the_members_own_segment(client, auth, world):
    auth.login("lasare@kommun.se")
    own = main_content(client.get("/compare/report?s=heroma&s=primula"))
    assert "Urval: <strong>Kommun · 1 000–4 999 anställda</strong>" in own
    assert "sector=kommun&amp;size=1000-4999&amp;underlag=publikt" in own
    shared = main_content(client.get("/compare/report?s=heroma&s=primula&underlag=publikt"))
    assert "Urval: <strong>Alla organisationer</strong>" in shared
    assert "Beröm från en region." in shared  # the region counts for everyone

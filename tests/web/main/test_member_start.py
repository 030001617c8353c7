"""A member's start page (kb.web.start): organisations like hers, her networks' next
meetings and open questions, answers to her questions, new experiences of the systems
she follows, her experiences to confirm – only what she may see; a visitor keeps the
visitors' page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from kb.extensions import db
from kb.models import Experience, utcnow
from tests.support.pages import main_content, post

SEGMENT = {"sector": "kommun", "size_band": "5000+"}


def _section(html: str, heading_id: str) -> str:
    """One part of the start page: from its heading to the next part."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(0)


@pytest.fixture
def world(factory):
    """Anna, lönechef at a kommun of 5 000+, in the Skåne network (Bo too) and not in
    Norr (Cecilia's). Heroma runs at five kommuner of her size, Personec at two; Agda
    only at a region."""
    with factory.batch():
        own_org = factory.organisation("Exempelby kommun", **SEGMENT)
        anna = factory.user(email="anna@kommun.se", display_name="Anna Andersson",
                            organisation_id=own_org)
        bo = factory.member("bo@lund.se", "Bo Berg", "Lunds kommun")
        cecilia = factory.member("cecilia@umea.se", "Cecilia Ek", "Umeå kommun")
        heroma = factory.system(slug="heroma", name="Heroma")
        personec = factory.system(slug="personec", name="Personec P")
        agda = factory.system(slug="agda", name="Agda PS")
        for n, score in enumerate([5, 4, 4, 4, 3]):
            org = factory.organisation(f"Storkommun {n}", **SEGMENT)
            author = factory.user(email=f"h{n}@kommun.se", organisation_id=org)
            factory.experience(author, heroma, organisation_id=org, satisfaction=score,
                               title=f"Heroma i storkommun {n}", **SEGMENT)
        for n in range(2):
            org = factory.organisation(f"Annan storkommun {n}", **SEGMENT)
            author = factory.user(email=f"p{n}@kommun.se", organisation_id=org)
            factory.experience(author, personec, organisation_id=org, satisfaction=2,
                               **SEGMENT)
        region = factory.organisation("Exempelregionen", sector="region", size_band="5000+")
        author = factory.user(email="r@region.se", organisation_id=region)
        factory.experience(author, agda, organisation_id=region, sector="region",
                           size_band="5000+")
        skane = factory.network(slug="skane", name="Lönechefsnätverket Skåne",
                                members={anna: "member", bo: "leader"})
        norr = factory.network(slug="norr", name="Lönenätverket Norr",
                               members={cecilia: "leader"})
    return {"anna": anna, "bo": bo, "cecilia": cecilia, "heroma": heroma,
            "personec": personec, "skane": skane, "norr": norr}


def _as_anna(client, auth):
    response = auth.login("anna@kommun.se")
    assert response.status_code == 302
    return client


def test_a_member_sees_her_segment_and_her_networks_next_meeting(client, auth, factory, world):
    factory.meeting(world["skane"], title="Vårträff i Malmö", in_days=10)
    factory.meeting(world["norr"], title="Hemligt möte i Umeå", in_days=3)
    _as_anna(client, auth)

    html = main_content(client.get("/"))
    assert "Hej Anna Andersson!" in html
    segment = _section(html, "segment-heading")
    assert "Hela marknaden för kommun · 5 000 anställda eller fler" in segment
    heroma = re.search(r"<li>\s*<a [^>]*>Heroma</a>.*?</li>", segment, re.S).group(0)
    assert "5 organisationer kör det i dag" in heroma
    assert "4,0" in heroma and "(n=5)" in heroma  # (5 + 4 + 4 + 4 + 3) / 5
    personec = re.search(r"<li>\s*<a [^>]*>Personec P</a>.*?</li>", segment, re.S).group(0)
    assert "för få svar (n=2)" in personec and "stars-number" not in personec
    assert "Agda PS" not in segment  # a region's system is not her segment's
    # The whole market view of her segment, one click away.
    assert 'href="/systems?sector=kommun&amp;size=5000%2B"' in segment

    networks = _section(html, "networks-heading")
    assert "Vårträff i Malmö" in networks and "Lönechefsnätverket Skåne" in networks
    assert "Hemligt möte i Umeå" not in html
    # The visitors' list of every organisation's systems gives way to hers.
    assert "Lönesystem som flest organisationer kör" not in html


def test_questions_answers_and_followed_systems_only_from_her_networks(client, auth, factory,
                                                                       world):
    asked = factory.network_question(world["skane"], world["anna"],
                                     title="Hur gör ni med semesterskulden?")
    factory.network_question(world["skane"], world["bo"], body="Vi bokar den månadsvis.",
                             parent_id=asked, title="")
    factory.network_question(world["skane"], world["bo"], title="Vem kör PAXml-import?")
    factory.network_question(world["norr"], world["cecilia"], title="Hemlig fråga i Norr")
    factory.experience(world["bo"], world["heroma"], title="Ny Heroma-erfarenhet i Lund",
                       **SEGMENT)
    factory.experience(world["cecilia"], world["heroma"], networks=[world["norr"]],
                       title="Heroma delat bara i Norr", **SEGMENT)
    _as_anna(client, auth)
    followed = post(client, "/systems/heroma/follow", {"follow": "1"}, page="/systems/heroma")
    assert followed.status_code == 302

    html = main_content(client.get("/"))
    answers = _section(html, "answers-heading")
    assert "Hur gör ni med semesterskulden?" in answers and "1 svar" in answers
    networks = _section(html, "networks-heading")
    assert "Vem kör PAXml-import?" in networks
    assert "Hur gör ni med semesterskulden?" not in networks  # answered already
    news = _section(html, "followed-heading")
    assert "Ny Heroma-erfarenhet i Lund" in news
    # Nothing from a network she is not in.
    assert "Hemlig fråga i Norr" not in html
    assert "Heroma delat bara i Norr" not in html
    assert "Lönenätverket Norr" not in html


def test_her_experiences_to_confirm(client, auth, factory, world):
    old = factory.experience(world["anna"], world["heroma"], title="Min gamla Heroma-text",
                             **SEGMENT)
    with client.application.app_context():
        db.session.get(Experience, old).confirmed_at = utcnow() - timedelta(days=400)
        db.session.commit()
    _as_anna(client, auth)
    html = main_content(client.get("/"))
    assert "1 erfarenhet väntar på att du bekräftar" in _section(html, "due-heading")
    # Asked to be reminded later: the start page still lists it, quietly.
    assert post(client, "/experiences/confirmations/later", page="/").status_code == 302
    due = _section(main_content(client.get("/")), "due-heading")
    assert "Min gamla Heroma-text" in due and "senast bekräftad" in due


def test_empty_parts_say_what_to_do_next(client, auth, factory):
    factory.user(email="ny@example.se", display_name="Nina Ny")
    auth.login("ny@example.se")
    html = main_content(client.get("/"))
    assert "Ange din organisations sektor och storlek" in _section(html, "segment-heading")
    assert "Hitta ett nätverk att gå med i" in _section(html, "networks-heading")
    assert "Du följer inga lönesystem än" in _section(html, "followed-heading")
    assert "Inget att bekräfta just nu" in _section(html, "due-heading")
    # Without a segment of her own she still sees which systems most organisations run.
    assert "Lönesystem som flest organisationer kör" in html


def test_a_visitor_keeps_the_visitors_page(client, world):
    html = main_content(client.get("/"))
    assert "Vilket lönesystem kör de andra – och hur nöjda är de?" in html
    assert "Lönesystem som flest organisationer kör" in html
    for heading in ("Organisationer som din", "Mina nätverk", "Svar på dina frågor",
                    "Nytt om system du följer"):
        assert heading not in html


def _statements(app, client) -> int:
    """How many SQL statements the start page costs (asked twice: the first may warm
    the figures' snapshot after a write)."""
    client.get("/")
    seen = []

    def record(*_args):
        seen.append(1)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get("/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return len(seen)


def test_the_start_page_costs_the_same_queries_with_more_to_show(app, client, auth, factory,
                                                                 world):
    factory.meeting(world["skane"], title="Första mötet", in_days=5)
    factory.network_question(world["skane"], world["bo"], title="Första frågan")
    _as_anna(client, auth)
    post(client, "/systems/heroma/follow", {"follow": "1"}, page="/systems/heroma")
    few = _statements(app, client)
    with factory.batch():
        for n in range(4):
            factory.meeting(world["skane"], title=f"Möte {n}", in_days=6 + n)
            factory.network_question(world["skane"], world["bo"], title=f"Fråga {n}")
            asked = factory.network_question(world["skane"], world["anna"], title=f"Min {n}")
            factory.network_question(world["skane"], world["bo"], parent_id=asked, title="",
                                     body="Ett svar.")
            factory.experience(world["bo"], world["heroma"], title=f"Nytt {n}", **SEGMENT)
    post(client, "/systems/personec/follow", {"follow": "1"}, page="/systems/personec")
    many = _statements(app, client)
    assert "Min 3" in client.get("/").text
    assert many <= few, (few, many)

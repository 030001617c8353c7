"""Filters, facets, sorting, pages and suggestions on /search, and hostile input."""

import re
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.budget import examples
from tests.support.pages import csrf_token


def hit_titles(page) -> list[str]:
    return re.findall(r'<h3><a href="/experiences/\d+">(.*?)</a></h3>', page.text)


def plain(title: str) -> str:
    return re.sub(r"</?mark>", "", title)


def facet(page, param: str) -> dict[str, tuple[int, bool]]:
    """A filter's checkboxes: {label: (count, ticked)}."""
    group = re.search(rf'<fieldset class="facet" id="facet-{param}">(.*?)</fieldset>',
                      page.text, re.S)
    if group is None:
        return {}
    found = {}
    for box, label, n in re.findall(r'<input type="checkbox"([^>]*)>\s*<label[^>]*>(.*?) '
                                    r'<span class="count">\((\d+)\)</span>', group.group(1)):
        found[label] = (int(n), " checked" in box)
    return found


def chips(page) -> list[tuple[str, str]]:
    """The chosen filters shown as chips: (text, the link that removes it)."""
    return [(re.sub(r"<[^>]+>", "", text).replace("Ta bort filtret ", "").replace(" ×", "").strip(),
             href.replace("&amp;", "&"))
            for href, text in re.findall(r'<a class="chip" href="([^"]*)">(.*?)</a>', page.text)]


def test_filters_narrow_results_and_facets_follow(client, factory):
    author = factory.user()
    heroma = factory.system(slug="heroma", name="Heroma")
    hogia = factory.system(slug="hogia", name="Hogia Lön")
    factory.experience(author, heroma, title="Kommunen nöjd", sector="kommun", satisfaction=5)
    factory.experience(author, heroma, title="Regionen missnöjd", sector="region",
                       satisfaction=2)
    factory.experience(author, hogia, title="Bolaget nöjt", sector="privat", satisfaction=4)

    page = client.get("/search?q=lönekörningen")
    assert sorted(map(plain, hit_titles(page))) == ["Bolaget nöjt", "Kommunen nöjd",
                                                    "Regionen missnöjd"]
    assert facet(page, "system") == {"Heroma": (2, False), "Hogia Lön": (1, False)}
    assert chips(page) == []

    page = client.get("/search?q=lönekörningen&system=heroma")
    assert sorted(map(plain, hit_titles(page))) == ["Kommunen nöjd", "Regionen missnöjd"]
    assert facet(page, "sector") == {"Kommun": (1, False), "Region": (1, False)}
    # A system's count says what ticking it would add, so Hogia stays on the list.
    assert facet(page, "system") == {"Heroma": (2, True), "Hogia Lön": (1, False)}
    assert chips(page) == [("Lönesystem: Heroma", "/search?q=l%C3%B6nek%C3%B6rningen")]

    page = client.get("/search?system=heroma&min_rating=4")
    assert list(map(plain, hit_titles(page))) == ["Kommunen nöjd"]
    assert ("Nöjdhet 4 eller högre", "/search?system=heroma") in chips(page)


def test_several_values_of_a_filter_widen_it_and_filters_together_narrow(client, factory):
    author = factory.user()
    heroma = factory.system(slug="heroma", name="Heroma")
    hogia = factory.system(slug="hogia", name="Hogia Lön")
    primula = factory.system(slug="primula", name="Primula")
    factory.experience(author, heroma, title="Kommunen på Heroma", sector="kommun")
    factory.experience(author, heroma, title="Regionen på Heroma", sector="region")
    factory.experience(author, hogia, title="Bolaget på Hogia", sector="privat")
    factory.experience(author, primula, title="Myndigheten på Primula", sector="statlig")

    page = client.get("/search?system=heroma&system=hogia")
    assert sorted(map(plain, hit_titles(page))) == ["Bolaget på Hogia", "Kommunen på Heroma",
                                                    "Regionen på Heroma"]
    assert facet(page, "system") == {"Heroma": (2, True), "Hogia Lön": (1, True),
                                     "Primula": (1, False)}
    page = client.get("/search?system=heroma&system=hogia&sector=kommun&sector=privat")
    assert sorted(map(plain, hit_titles(page))) == ["Bolaget på Hogia", "Kommunen på Heroma"]
    assert "2 erfarenheter" in page.text
    # Each chip takes away one value and keeps the rest.
    assert ("Sektor: Kommun", "/search?system=heroma&system=hogia&sector=privat") \
        in chips(page)
    assert ("Lönesystem: Hogia Lön",
            "/search?system=heroma&sector=kommun&sector=privat") in chips(page)
    # The API takes the same repeated parameters.
    body = client.get("/api/v1/experiences?system=heroma&system=hogia&sector=kommun"
                      "&sector=privat").get_json()
    assert sorted(item["title"] for item in body["items"]) == ["Bolaget på Hogia",
                                                               "Kommunen på Heroma"]


def test_a_page_without_hits_says_what_to_try(client, factory):
    factory.experience(factory.user(), factory.system(slug="heroma", name="Heroma"),
                       title="Lönekörningen i kommunen", sector="kommun")
    page = client.get("/search?q=qwzxyv+lönekörningen&sector=region")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "Inga erfarenheter hittades" in text
    assert "använda färre ord, till exempel bara qwzxyv eller lönekörningen" in text
    assert "kontrollera stavningen" in text
    assert "ta bort ett filter ovan, eller söka utan filter" in text
    assert 'href="/search?q=qwzxyv+l%C3%B6nek%C3%B6rningen">söka utan filter' in page.text
    assert "Antal per kategori" not in text
    # The chosen filter can still be taken away, though nothing matches it.
    assert facet(page, "sector") == {"Region": (0, True)}


def test_sorting_by_rating_and_newest(client, factory):
    author = factory.user()
    system = factory.system()
    factory.experience(author, system, title="Först", satisfaction=3)
    factory.experience(author, system, title="Sedan", satisfaction=5)
    factory.experience(author, system, title="Sist", satisfaction=1)
    assert list(map(plain, hit_titles(client.get("/search?sort=rating")))) == [
        "Sedan", "Först", "Sist"]
    newest = list(map(plain, hit_titles(client.get("/search"))))
    assert newest == ["Sist", "Sedan", "Först"]


def test_results_come_twenty_a_page(client, factory):
    author = factory.user()
    system = factory.system()
    for n in range(23):
        factory.experience(author, system, title=f"Erfarenhet nummer {n}")
    first = client.get("/search?q=erfarenhet")
    assert len(hit_titles(first)) == 20
    assert "23 erfarenheter" in first.text
    second = client.get("/search?q=erfarenhet&page=2")
    assert len(hit_titles(second)) == 3
    assert len(hit_titles(client.get("/search?q=erfarenhet&page=999"))) == 3


def test_a_misspelt_word_gets_menade_du_with_a_link(client, factory):
    factory.experience(factory.user(), factory.system(), title="Semesterberäkningen",
                       pros="Semesterberäkningen fungerar.")
    page = client.get("/search?q=semesterberäkingen")
    assert "Menade du" in page.text
    # The base form of the word the text writes, not its inflection.
    assert "semesterberäkning</a>" in page.text
    assert 'href="/search?q=semesterber%C3%A4kning"' in page.text


def test_snippet_falls_back_and_escapes_html(client, factory):
    factory.experience(factory.user(), factory.system(name="Heroma", slug="heroma"),
                       title="Om <script>", pros="Stabilt <b>system</b> för oss.")
    page = client.get("/search?q=Heroma")
    assert "Stabilt &lt;b&gt;system&lt;/b&gt; för oss." in page.text
    assert "<script>" not in page.text.split("<main")[1]


def test_demo_experiences_are_labelled(client, factory):
    factory.experience(factory.user(), factory.system(), title="Påhittad", is_demo=True)
    assert "Exempeldata</span>" in client.get("/search?q=påhittad").text.split("<main")[1]


def test_hostile_input_gets_a_normal_page(client, factory):
    factory.experience(factory.user(), factory.system(), title="Lönesystemet")
    for args in (
        {"q": "ö" * 5000},
        {"q": "*system"},
        {"q": "lön* OR ?ystem"},
        {"q": 'AND OR NOT ( ) " ^ ~ :'},
        {"q": "title:lön [a TO z]"},
        {"q": "NOT NOT lön"},
        {"q": "NOT NOT NOT lönesystemet"},
        {"page": "-1", "min_rating": "99", "since": "abc", "sort": "drop", "system": "../x"},
        {"sector": "<script>", "size": "5000+", "role": "x" * 300},
    ):
        page = client.get("/search", query_string=args)
        assert page.status_code == 200, args
    assert "har kortats" in client.get("/search", query_string={"q": "ö" * 5000}).text
    # A leading wildcard is an ordinary word, never a scan of the lexicon.
    assert "Lönesystemet" in client.get("/search?q=*lönesystem").text


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(alphabet=st.sampled_from(list('lönsystemÖÅ *?"()~^:[]{}-+!\\/ANDORNT\x00')),
                 max_size=80),
       page=st.text(max_size=5), sort=st.text(max_size=10))
def test_any_query_string_gets_a_normal_page(client, q, page, sort):
    response = client.get("/search", query_string={"q": q, "page": page, "sort": sort})
    assert response.status_code == 200


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(["NOT", "AND", "OR", "ANDNOT", "ANDMAYBE", "lön",
                                       "system", "(", ")", '"', "*", "~2", "^3", "-", "+"]),
                      max_size=12))
def test_any_arrangement_of_operators_gets_a_normal_page(client, words):
    q = " ".join(words)
    assert client.get("/search", query_string={"q": q}).status_code == 200
    assert client.get("/api/v1/experiences", query_string={"q": q}).status_code == 200


def test_most_helpful_first_and_a_vote_reorders_the_list(client, auth, factory):
    author = factory.user()
    factory.user(email="roestare@example.se")
    system = factory.system()
    oldest = factory.experience(author, system, title="Äldst")
    factory.experience(author, system, title="Mitten")
    factory.experience(author, system, title="Nyast")
    page = client.get("/search")
    assert "Mest hjälpsamma" in page.text
    # No votes yet: newest first.
    assert list(map(plain, hit_titles(client.get("/search?sort=helpful")))) == [
        "Nyast", "Mitten", "Äldst"]
    auth.login("roestare@example.se")
    response = client.post(f"/experiences/{oldest}/helpful",
                           data={"csrf_token": csrf_token(client.get(f"/experiences/{oldest}"))})
    assert response.status_code in (200, 302, 303)
    assert list(map(plain, hit_titles(client.get("/search?sort=helpful")))) == [
        "Äldst", "Nyast", "Mitten"]


def test_hiding_experiences_not_confirmed_for_24_months(app, client, factory):
    from kb.extensions import db
    from kb.models import Experience, utcnow

    author = factory.user()
    system = factory.system()
    long_ago = utcnow() - timedelta(days=25 * 31)
    stale = factory.experience(author, system, title="Obekräftad", confirmed_at=long_ago,
                               created_at=long_ago)
    factory.experience(author, system, title="Bekräftad")
    page = client.get("/search")
    assert "Dölj erfarenheter som inte bekräftats på 24 månader" in page.text
    assert sorted(map(plain, hit_titles(page))) == ["Bekräftad", "Obekräftad"]
    page = client.get("/search?fresh=1")
    assert list(map(plain, hit_titles(page))) == ["Bekräftad"]
    assert 'name="fresh" value="1" checked' in page.text
    assert ("Bekräftad de senaste 24 månaderna", "/search") in chips(page)
    # The author confirms it again: it is back.
    with app.app_context():
        db.session.get(Experience, stale).confirmed_at = utcnow()
        db.session.commit()
    assert sorted(map(plain, hit_titles(client.get("/search?fresh=1")))) == [
        "Bekräftad", "Obekräftad"]

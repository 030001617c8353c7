"""What organisations like mine run, and how happy they are: the market view, counted
by organisations, and its downloads."""

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kb import stats
from kb.access import policy
from kb.extensions import db
from kb.models import Experience, PayrollSystem, SatisfactionHistory, utcnow
from tests.support.pages import csrf_token, main_content

MONTH = timedelta(days=30.5)


@pytest.fixture
def segment(factory):
    return factory.market_segment()


def market_for(app, **filters):
    with app.app_context():
        systems = list(db.session.scalars(select(PayrollSystem).order_by(PayrollSystem.id)))
        return stats.market(systems, policy.counted(policy.VISITOR), stats.Filters(**filters))


# --------------------------------------------------------------------------- figures


def test_an_organisation_counts_once_per_system_with_its_spread(app, segment):
    market = market_for(app, sector="kommun", size="1000-4999")
    heroma = market.standing("heroma").profile
    assert heroma.n == 8 and heroma.experiences == 10
    # Exempelby counts with its most recently confirmed experience (4), not 2 or 5.
    assert heroma.satisfaction.total == 4 + (3 + 4 + 4 + 5 + 3 + 4 + 2)
    assert heroma.distribution.n == 8
    assert heroma.shared == stats.Shared(organisations=1, answers=3, widest=3)
    assert market.organisations == 10 and market.current == 10


def test_the_segment_ranks_systems_by_organisations_running_them_today(app, segment):
    market = market_for(app, sector="kommun", size="1000-4999")
    assert [s.system.slug for s in market.systems] == ["heroma", "personec-p"]
    heroma, personec = market.systems
    assert (heroma.share.count, heroma.share.n) == (8, 10)
    assert heroma.share.value == pytest.approx(80)
    assert personec.share.value == pytest.approx(20)
    assert heroma.profile.considering == stats.Share(2, 8)
    assert heroma.profile.go_live == stats.GoLive(7, 9.0, 6, 12)
    [switch] = market.switches
    assert (switch.source.slug, switch.target.slug, switch.n) == ("personec-p", "heroma", 3)
    assert [(r.text, r.n) for r in switch.reasons] == [("Personec P klarade inte HÖK.", 3)]
    [considered] = market.considering
    assert (considered.source.slug, considered.target.slug, considered.n) == (
        "heroma", "personec-p", 2)
    everyone = market_for(app)
    assert [s.system.slug for s in everyone.systems] == ["heroma", "primula", "personec-p"]
    assert everyone.standing("personec-p").profile.n == 4
    assert everyone.standing("personec-p").profile.current == 2


def test_the_trend_compares_the_last_two_years_with_the_two_before(app, factory):
    system = factory.system(slug="heroma", name="Heroma")
    now = utcnow()
    with app.app_context():
        author = factory.user()
    # Five written three years ago at 2; five in the last year at 4; one written three
    # years ago at 2 and updated last month to 5 counts 2 then and 5 now.
    for months, satisfaction in [(36, 2)] * 5 + [(6, 4)] * 5:
        factory.experience(author, system, satisfaction=satisfaction,
                           created_at=now - months * MONTH, confirmed_at=now - months * MONTH)
    updated = factory.experience(author, system, satisfaction=5, created_at=now - 36 * MONTH,
                                 confirmed_at=now - MONTH)
    with app.app_context():
        db.session.add(SatisfactionHistory(experience_id=updated, satisfaction=2,
                                           stated_at=now - 36 * MONTH, change="updated"))
        db.session.commit()
        profile = stats.profile(db.session.get(PayrollSystem, system),
                                policy.counted(policy.VISITOR))
    assert profile.trend.earlier == stats.Mean(12, 6)
    assert profile.trend.recent == stats.Mean(25, 6)
    assert profile.trend.direction == "better" and profile.trend.label == "Bättre"
    assert profile.trend.change == pytest.approx(25 / 6 - 2)


def test_a_new_experience_takes_the_authors_organisation(app, factory):
    from kb.experiences import records as experiences

    system = factory.system(slug="heroma", name="Heroma")
    place = factory.organisation("Exempelby kommun")
    member = factory.user(organisation_id=place)
    with app.app_context():
        from kb.models import User

        author = db.session.get(User, member)
        written = experiences.record(author, {
            "system_id": system, "sector": "kommun", "size_band": "1000-4999",
            "reviewer_role": "lonechef", "usage_status": "current", "satisfaction": 4,
            "title": "Stabil lönekörning", "visibility": "public"})
        assert written.organisation_id == place


# --------------------------------------------------------------------------- one each


def _form(system_id, satisfaction, title):
    from kb.core import vocab

    return {"system_id": str(system_id), "sector": "kommun", "size_band": "1000-4999",
            "reviewer_role": "lonechef", "usage_status": "current",
            "satisfaction": str(satisfaction), "title": title, "pros": "Lönekörningen går.",
            "visibility": "public", **{f"cap_{key}": "unknown" for key in vocab.CAPABILITIES}}


def test_a_second_experience_of_the_same_system_offers_to_update_the_first(
        app, client, auth, segment):
    auth.login("karin@exempelby.se")
    before = market_for(app, sector="kommun", size="1000-4999").standing("heroma").profile
    form = client.get(f"/experiences/new?system={segment.heroma}")
    html = main_content(form)
    assert "Du har redan en erfarenhet av Heroma" in html
    response = client.post("/experiences/new", data={
        **_form(segment.heroma, 5, "Bättre efter uppgraderingen"),
        "csrf_token": csrf_token(form)})
    assert response.status_code == 422
    html = main_content(response)
    assert "Du har redan delat en erfarenhet av det här lönesystemet" in html
    with app.app_context():
        earlier = db.session.scalar(select(Experience).where(
            Experience.author_id == segment.member))
        earlier_id = earlier.id
    action = f'formaction="/experiences/{earlier_id}/edit"'
    assert action in html and "Uppdatera min tidigare erfarenhet med det jag fyllt i" in html
    assert 'value="Bättre efter uppgraderingen"' in html  # what was typed is kept
    # The button sends the same form to the first experience's edit page.
    updated = client.post(f"/experiences/{earlier_id}/edit", data={
        **_form(segment.heroma, 5, "Bättre efter uppgraderingen"),
        "csrf_token": csrf_token(response)})
    assert updated.status_code == 302, re.findall(r"field-error[^>]*>([^<]*)", updated.text)
    with app.app_context():
        mine = db.session.scalars(select(Experience).where(
            Experience.author_id == segment.member)).all()
        assert [(e.satisfaction, e.title) for e in mine] == [(5, "Bättre efter uppgraderingen")]
        history = db.session.scalars(select(SatisfactionHistory.satisfaction).where(
            SatisfactionHistory.experience_id == earlier_id)).all()
        assert history == [2]
    after = market_for(app, sector="kommun", size="1000-4999").standing("heroma").profile
    assert (after.n, after.experiences) == (before.n, before.experiences) == (8, 10)


def test_the_domain_refuses_a_second_experience_of_a_system(app, segment):
    from kb.core.errors import Conflict
    from kb.experiences import records as experiences
    from kb.models import User

    with app.app_context():
        author = db.session.get(User, segment.member)
        with pytest.raises(Conflict):
            experiences.record(author, {
                "system_id": segment.heroma, "sector": "kommun", "size_band": "1000-4999",
                "reviewer_role": "lonechef", "usage_status": "current", "satisfaction": 4,
                "title": "En gång till", "visibility": "public"})
        assert db.session.scalar(select(func.count()).select_from(Experience).where(
            Experience.author_id == segment.member)) == 1


# --------------------------------------------------------------------------- pages


def _table_rows(html):
    table = html.split('class="data-table market-table"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        name = re.search(r'<th scope="row"[^>]*><a[^>]*>([^<]+)</a>', row).group(1)
        current = re.findall(r'<td class="num">([^<]*)</td>', row)[1]
        rows.append((name, int(current)))
    return rows


def test_a_member_sees_the_systems_of_organisations_like_hers_first(app, client, auth, segment):
    auth.login("karin@exempelby.se")
    html = main_content(client.get("/systems"))
    assert "din organisations sektor och storlek" in html
    assert '<option value="kommun" selected>' in html
    assert '<option value="1000-4999" selected>' in html
    assert _table_rows(html) == [("Heroma", 8), ("Personec P", 2)]
    assert "80\u00a0% (8 av 10)" in html
    assert "Primula" not in html.split("catalogue-heading")[0]
    # The market chart, and the flows diagram of the segment's switches (its own tests:
    # test_market_flows.py).
    assert html.count('class="chart chart-scatter"') == 1 and 'role="img"' in html
    assert html.count('class="chart chart-flows"') == 1
    assert "Personec P klarade inte HÖK." in html  # the segment's switches
    everyone = main_content(client.get("/systems?urval=alla"))
    assert _table_rows(everyone) == [("Heroma", 8), ("Primula", 6), ("Personec P", 2)]
    assert "din organisations sektor och storlek" not in everyone
    # A visitor has no segment of their own: every organisation.
    auth.logout()
    assert _table_rows(main_content(client.get("/systems"))) == _table_rows(everyone)


def test_the_market_chart_puts_satisfaction_against_share(app, client, segment):
    html = main_content(client.get("/systems?sector=kommun&size=1000-4999"))
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "<title id=" in svg and "<desc id=" in svg
    assert svg.count('class="dot"') == 1  # Personec P has too few answers to be placed
    assert "Heroma: 80\u00a0% av urvalet, nöjdhet 3,6 (n=8)" in svg
    assert "style=" not in svg


def rows_of(response):
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


TEXT_COLUMNS = {"Lönesystem", "Leverantör", "Trend", "Urval", "Datum"}


def test_the_market_downloads_as_csv_where_every_figure_is_a_number(client, auth, segment):
    auth.login("karin@exempelby.se")
    response = client.get("/systems.csv")  # the member's own segment, as on the page
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, heroma, personec = rows_of(response)
    row = dict(zip(header, heroma, strict=True))
    assert row["Lönesystem"] == "Heroma" and row["Urval"] == "Kommun · 1 000–4 999 anställda"
    assert row["Kör systemet i dag (organisationer)"] == "8"
    assert row["Andel av urvalet (%)"] == "80,0"
    assert row["Genomsnittlig nöjdhet (1–5)"] == "3,62"
    assert row["Genomsnittlig nöjdhet n"] == "8"
    for name, value in row.items():
        if name not in TEXT_COLUMNS and value:
            assert re.fullmatch(r"-?\d+(,\d+)?", value), (name, value)
    few = dict(zip(header, personec, strict=True))
    assert few["Genomsnittlig nöjdhet (1–5)"] == "" and few["Genomsnittlig nöjdhet n"] == "2"
    everyone = rows_of(client.get("/systems.csv?urval=alla"))
    assert [r[1] for r in everyone[1:]] == ["Heroma", "Primula", "Personec P"]


def test_the_market_downloads_as_excel_with_numeric_cells(client, segment):
    response = client.get("/systems.xlsx?sector=kommun&size=1000-4999")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Lönesystem", "Byten", "Om underlaget"]
    sheet = workbook["Lönesystem"]
    header = [cell.value for cell in sheet[1]]
    heroma = dict(zip(header, sheet[2], strict=True))
    for name in ("Kör systemet i dag (organisationer)", "Andel av urvalet (%)",
                 "Genomsnittlig nöjdhet (1–5)", "NPS (-100 till +100)"):
        assert heroma[name].data_type == "n", name
    assert heroma["Andel av urvalet (%)"].value == pytest.approx(80)
    switches = workbook["Byten"]
    assert [c.value for c in switches[2]] == ["Personec P", "Heroma", 3,
                                              "Personec P klarade inte HÖK."]


def test_the_api_gives_the_segment_view(client, segment):
    from openapi_core import OpenAPI
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    from werkzeug.test import EnvironBuilder

    from kb.web.openapi import openapi_document

    spec = OpenAPI.from_dict(openapi_document())
    query = "sector=kommun&size=1000-4999"
    response = client.get(f"/api/v1/market?{query}")
    request = EnvironBuilder(path="/api/v1/market", query_string=query).get_request()
    spec.validate_request(WerkzeugOpenAPIRequest(request))
    spec.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
    body = response.json
    assert body["organisations"] == 10
    first = body["systems"][0]
    assert (first["rank"], first["system"]["slug"], first["organisations"],
            first["experiences"], first["current_organisations"]) == (1, "heroma", 8, 10, 8)
    assert first["share"] == {"count": 8, "n": 10, "percent": 80.0, "too_few": False}
    assert first["satisfaction"]["average"] == pytest.approx(29 / 8)
    assert body["systems"][1]["satisfaction"] == {"average": None, "n": 2, "too_few": True}
    assert body["switches"][0]["from"]["slug"] == "personec-p"
    profile = client.get("/api/v1/systems/heroma?sector=kommun&size=1000-4999").json["profile"]
    assert (profile["organisations"], profile["experience_count"]) == (8, 10)
    bad = client.get("/api/v1/market?sector=rymden")
    assert bad.status_code == 400 and "Okänd sektor" in bad.json["error"]["message"]

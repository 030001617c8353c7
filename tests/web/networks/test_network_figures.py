"""“How happy are we?” inside a network: a member sees every answer behind a system's
figures by name, so its mean, NPS and distribution are shown whatever n is, with n
beside them; the minimum-answers rule keeps protecting what the viewer cannot see –
anonymous answers (left out and said so) and everybody
who is not a member."""

import csv
import html
import io

import pytest
from openpyxl import load_workbook

from kb.access import figures, policy
from kb.extensions import db
from kb.models import Experience, Network
from tests.support.pages import main_content


@pytest.fixture
def network(app, factory, skane):
    """Skåne: Anna (leader, Malmö stad) runs Heroma at 4, Bo (Lunds kommun) Heroma at 2
    and Hogia at 5 is Cecilia's once she joins; a moderator who is not a member."""
    heroma = factory.system(slug="heroma", name="Heroma")
    hogia = factory.system(slug="hogia-lon", name="Hogia Lön")
    factory.network_experience(skane["anna"], heroma, satisfaction=4, recommend=9)
    factory.network_experience(skane["bo"], heroma, satisfaction=2, recommend=3,
                               networks=[skane["network"]])
    factory.user(email="moa@kb.se", site_role="moderator")
    return {**skane, "heroma": heroma, "hogia": hogia}


def page_of(client, auth, email):
    auth.login(email)
    try:
        return html.unescape(main_content(client.get("/networks/skane")))
    finally:
        auth.logout()


def summary_of(page: str) -> str:
    return page.split('id="per-system-heading"')[1].split("</table>")[0]


def summary_row(page: str, system: str) -> str:
    return next(row for row in summary_of(page).split("<tr>") if system in row)


def test_a_member_sees_each_systems_mean_and_distribution_below_five_answers(
        client, auth, network):
    for email in ("anna@malmo.se", "bo@lund.se"):
        page = page_of(client, auth, email)
        heroma = summary_row(page, "Heroma")
        # (4 + 2) / 2, with n beside it; the distribution: one 4, one 2.
        assert "3,0 (n=2)" in heroma
        assert "för få svar" not in page
        assert "betyg 4:</span> 1" in heroma and "betyg 2:</span> 1" in heroma
        assert "betyg 5:</span> 0" in heroma
        # NPS: one promoter (9) and one detractor (3) of two.
        assert "0 (n=2)" in heroma
        assert "Du ser varje svar bakom siffrorna" in page


def test_the_member_table_shows_satisfaction_before_the_member(client, auth, network):
    page = page_of(client, auth, "bo@lund.se")
    table = page.split('class="data-table network-systems"')[1].split("</table>")[0]
    headings = [cell.split("</th>")[0] for cell in table.split('<th scope="col">')[1:]]
    assert headings[:3] == ["Organisation", "Lönesystem", "Nöjdhet"]
    assert headings.index("Nöjdhet") < headings.index("Medlem")


def test_a_moderator_outside_the_network_sees_the_protected_figures(client, auth, network):
    # A moderator reads inside every network but is not one of its members: for them
    # the figures keep the minimum-answers rule. (Bo's answer is shared with the
    # network only, so their figures count Anna's alone.)
    page = page_of(client, auth, "moa@kb.se")
    assert "Vad kör vi i nätverket?" in page
    heroma = summary_row(page, "Heroma")
    assert "för få svar (n=1)" in heroma and "4,0" not in heroma
    assert "betyg" not in heroma
    assert "visas när minst 5 har svarat" in page


@pytest.mark.parametrize("who", [None, "cecilia@ystad.se"])
def test_visitors_and_other_members_see_no_figures_of_the_network(client, auth, factory,
                                                                   network, who):
    open_network = factory.network(slug="oppet", name="Öppna nätverket", access="open",
                                   members={network["anna"]: "leader", network["bo"]: "member"})
    assert open_network
    if who:
        auth.login(who)
    for slug in ("skane", "oppet"):
        page = html.unescape(main_content(client.get(f"/networks/{slug}")))
        assert "Per system" not in page and "3,0" not in page and "Heroma" not in page
        assert client.get(f"/networks/{slug}/overview.csv").status_code in (302, 403)
        assert client.get(f"/networks/{slug}/overview.xlsx").status_code in (302, 403)


def test_a_few_anonymous_answers_are_left_out_and_said_so(client, auth, factory, network):
    for n in range(2):
        member = factory.member(f"anonym{n}@kb.se", f"Anonym {n}", f"Kommun {n}")
        factory.membership(network["network"], member)
        factory.network_experience(member, network["heroma"], satisfaction=5, recommend=10,
                                   anonymous=True)
    page = page_of(client, auth, "bo@lund.se")
    # Counted, the two fives would show through: (4 + 2 + 5 + 5) − the named 4 and 2.
    assert "3,0 (n=2)" in summary_row(page, "Heroma")
    assert "2 anonyma svar ingår inte" in page
    assert "Anonym 0" in page.split("Utan erfarenhet att visa")[1]  # never a row


def test_five_anonymous_answers_that_agree_are_left_out_too(client, auth, factory, network):
    for n in range(5):
        member = factory.member(f"anonym{n}@kb.se", f"Anonym {n}", f"Kommun {n}")
        factory.membership(network["network"], member)
        factory.network_experience(member, network["hogia"], satisfaction=5, recommend=10,
                                   anonymous=True)
    page = page_of(client, auth, "bo@lund.se")
    # Counted, the members without a row would be known to run Hogia Lön.
    assert "5 anonyma svar ingår inte" in page
    rows = page.split('class="data-table network-systems"')[1].split("</table>")[0]
    assert "Hogia Lön" not in rows and "Hogia Lön" not in summary_of(page)
    assert "Anonym 4" in page.split("Utan erfarenhet att visa")[1]


def test_the_viewer_sees_every_answer_only_as_a_member_and_never_an_anonymous_one(
        app, factory, network):
    with app.app_context():
        skane = db.session.get(Network, network["network"])
        answers = db.session.query(Experience).all()
        member = policy.Audience(member_id=network["bo"], network_ids=frozenset({skane.id}))
        moderator = policy.Audience(member_id=999, moderator=True)
        assert figures.sees_every_answer(member, skane, answers)
        assert not figures.sees_every_answer(moderator, skane, answers)
        assert not figures.sees_every_answer(policy.VISITOR, skane, answers)
        answers[0].anonymous = True
        assert not figures.sees_every_answer(member, skane, answers)
        db.session.rollback()


def test_the_exports_give_the_members_figures_whatever_n(client, auth, factory, network):
    member = factory.member("anonym@kb.se", "Anonym", "Kommun A")
    factory.membership(network["network"], member)
    factory.network_experience(member, network["heroma"], satisfaction=1, anonymous=True)
    auth.login("bo@lund.se")
    text = client.get("/networks/skane/overview.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    heroma = next(row for row in rows if row and row[0] == "Heroma" and len(row) == 12)
    # Organisations, experiences, the mean and its n, the NPS and its n, then 5 … 1.
    assert heroma[1:] == ["2", "2", "3,00", "2", "0,00", "2", "0", "1", "0", "1", "0"]
    assert any(row and row[0].startswith("1 anonymt svar ingår inte") for row in rows)
    workbook = load_workbook(io.BytesIO(client.get("/networks/skane/overview.xlsx").data))
    values = [cell.value for cell in workbook["Per system"][3]]
    assert values == ["Heroma", 2, 2, 3.0, 2, 0.0, 2, 0, 1, 0, 1, 0]

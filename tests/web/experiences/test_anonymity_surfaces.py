"""An anonymous experience shows role, sector and size band and nothing finer – no name,
no organisation, no exact number of employees paid – wherever it is met: its page and
link previews, lists, search, the API, downloads, the decision report, a network's page
and files, a leader's meeting notes and mails. A network page cannot be subtracted from
to find who wrote one."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from kb.community import notification_mail, notifications
from kb.extensions import db
from kb.models import Experience, Follow, User, utcnow
from kb.models.mail import MailPreference
from tests.support.pages import ask, comment_id, main_content, outbox

NAME = "Greta Unikanamnsson"
ORGANISATION = "Unikaby kommun"
# Her name, its parts and her organisation: none may be met beside her experiences.
SECRETS = ("Greta Unikanamnsson", "Unikanamnsson", "Unikaby")
# 4321 as any page, file or mail may write it: 4321, 4 321, with a no-break or narrow
# no-break space, or an HTML entity for one.
NUMBER = re.compile(r"(?<!\w)4(?:[ \u00a0\u202f]|&nbsp;|&#160;|&#x[aA]0;|&#8239;)?321(?!\w)")
CONTEXT = "Lönechef, kommun, 1 000–4 999 anställda"
WORD = "zyklopmodulen"  # in both of her experiences' texts, nowhere else
PUBLIC_TITLE = "Zyklopmodulen gjorde semesterberäkningen begriplig"
NETWORK_TITLE = "Zyklopmodulen i Personec P fungerar för nätverket"


def assert_anonymous(text: str, where: str) -> None:
    """Neither her name, her organisation nor her head count is in `text`."""
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} on {where}"
    assert not NUMBER.search(text), f"the number of employees paid on {where}"


def workbook_text(data: bytes) -> str:
    """Every cell of every sheet of an .xlsx, as text (numbers as written: 4321)."""
    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(" ".join("" if value is None else str(value) for value in row)
                     for sheet in workbook for row in sheet.iter_rows(values_only=True))


@pytest.fixture
def world(app, factory):
    """Greta Unikanamnsson of Unikaby kommun (4 321 employees paid) wrote two anonymous
    experiences: a public one of Heroma, and one of Personec P shared with her network
    only. Her network has a leader (Lena) and a member (Nils); Olof is a member of kb
    outside it; Fia follows Heroma and Personec P (mail at once), Vera follows Heroma
    (weekly digest). Six others' named experiences make the figures shown."""
    heroma = factory.system(slug="heroma", name="Heroma", vendor="CGI")
    personec = factory.system(slug="personec-p", name="Personec P", vendor="Visma")
    greta = factory.member("greta@unikaby.se", NAME, ORGANISATION)
    lena = factory.member("lena@ledare.se", "Lena Ledare", "Ledarby kommun")
    nils = factory.member("nils@natverk.se", "Nils Nätverk", "Nätby kommun")
    factory.member("olof@annan.se", "Olof Annan", "Annanby kommun")
    fia = factory.member("fia@foljer.se", "Fia Följare", "Följby kommun")
    vera = factory.member("vera@veckan.se", "Vera Vecka", "Veckoby kommun")
    network = factory.network(slug="unikanatverket", name="Unikanätverket",
                               members={lena: "leader", greta: "member", nils: "member",
                                        fia: "member"})
    meeting = factory.meeting(network, title="Vårmötet", in_days=-1)
    for n in range(6):
        author = factory.member(f"kollega{n}@kommun.se", f"Kollega {n}", f"Kommun {n}")
        for system in (heroma, personec):
            factory.experience(author, system, satisfaction=2 + n % 4, recommend=7,
                               employees_paid=1200 + n, title=f"Vanlig erfarenhet {n}",
                               pros="Lönekörningen går i tid.",
                               cons="Semesterberäkningen kräver handpåläggning.")
    with app.app_context():
        organisation_id = db.session.get(User, greta).organisation_id
        for follower, kind_frequency in ((fia, "at_once"), (vera, None)):
            db.session.add(Follow(user_id=follower, system_id=heroma))
            if kind_frequency:
                db.session.add(MailPreference(user_id=follower, kind="new_experience",
                                              frequency=kind_frequency))
        db.session.add(Follow(user_id=fia, system_id=personec))
        db.session.commit()
    public = factory.experience(
        greta, heroma, anonymous=True, organisation_id=organisation_id, employees_paid=4321,
        satisfaction=5, recommend=9, title=PUBLIC_TITLE,
        pros="Zyklopmodulen räknar semesterskulden rätt varje månad.",
        cons="Rapporterna är svåra att hitta.", tips="Testa lönearterna tidigt.")
    shared = factory.experience(
        greta, personec, networks=[network], anonymous=True, organisation_id=organisation_id,
        employees_paid=4321, satisfaction=2, title=NETWORK_TITLE,
        pros="Zyklopmodulen sköter AGI-filen.", cons="Supporten svarar sent.")
    with app.app_context():
        for experience_id in (public, shared):
            notifications.notify_followers(db.session.get(Experience, experience_id))
    return {"public": public, "shared": shared, "network": network, "meeting": meeting,
            "greta": greta, "heroma": heroma, "personec": personec}


VIEWERS = {
    "a visitor": None,
    "another member": "olof@annan.se",
    "a network member": "nils@natverk.se",
    "a leader": "lena@ledare.se",
}


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_no_surface_shows_who_wrote_an_anonymous_experience(client, auth, world, viewer):
    email = VIEWERS[viewer]
    if email:
        auth.login(email)
    in_network = viewer in ("a network member", "a leader")
    public, shared = world["public"], world["shared"]
    shown = [public, shared] if in_network else [public]

    def get(url: str, status: int = 200):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        return response

    # The experience pages, link previews (Open Graph) included: the whole page.
    for experience_id in shown:
        page = get(f"/experiences/{experience_id}")
        assert_anonymous(page.text, f"/experiences/{experience_id} for {viewer}")
        assert CONTEXT in main_content(page)
        assert "Anställda som får lön" not in page.text
    if not in_network:
        get(f"/experiences/{shared}", 404)

    # Lists: the system pages and the home page.
    for url, title in (("/systems/heroma", PUBLIC_TITLE), ("/systems/personec-p", None),
                       ("/", None)):
        page = get(url)
        assert_anonymous(page.text, f"{url} for {viewer}")
        if title:
            assert title in page.text and CONTEXT in main_content(page)

    # Search: her words find her experiences; her name, organisation and head count do
    # not (the page may repeat what was searched for, so only the links are checked).
    found = get(f"/search?q={WORD}")
    assert_anonymous(found.text, f"search results for {viewer}")
    assert f'href="/experiences/{public}"' in found.text and CONTEXT in main_content(found)
    assert (f'href="/experiences/{shared}"' in found.text) == in_network
    for query in ("Greta", "Unikanamnsson", "Greta+Unikanamnsson", "Unikaby", "4321"):
        page = get(f"/search?q={query}")
        assert f"/experiences/{public}" not in page.text, query
        assert f"/experiences/{shared}" not in page.text, query

    # The API: the list, a search, one experience; employees_paid is null.
    for url in ("/api/v1/experiences", f"/api/v1/experiences?q={WORD}",
                f"/api/v1/experiences/{public}"):
        response = get(url)
        assert_anonymous(response.get_data(as_text=True), f"{url} for {viewer}")
    item = get(f"/api/v1/experiences/{public}").get_json()
    assert item["employees_paid"] is None and item["author"] == CONTEXT
    assert item["size_band"] == "1000-4999" and item["sector"] == "kommun"

    # Figures and downloads: the decision report, the comparison and market files.
    for url in ("/compare/report?s=heroma&s=personec-p",
                "/compare/report?s=heroma&s=personec-p&underlag=publikt",
                "/compare.csv?s=heroma&s=personec-p", "/systems.csv",
                "/systems?sector=kommun", "/compare?s=heroma&s=personec-p"):
        assert_anonymous(get(url).get_data(as_text=True), f"{url} for {viewer}")
    for url in ("/compare.xlsx?s=heroma&s=personec-p", "/systems.xlsx"):
        assert_anonymous(workbook_text(get(url).data), f"{url} for {viewer}")

    # The network: its page, files and API; the leader's notes form.
    slug = "unikanatverket"
    network_json = get(f"/api/v1/networks/{slug}").get_data(as_text=True)
    assert_anonymous(network_json, f"the network's API for {viewer}")
    if not in_network:
        return
    page = get(f"/networks/{slug}")
    section = page.text.split('id="kor-heading"', 1)[1].split('id="moten-heading"', 1)[0]
    rows = section.split("Utan erfarenhet att visa", 1)[0]
    assert_anonymous(rows, f"the network's list for {viewer}")
    assert not NUMBER.search(page.text)
    assert f"/experiences/{public}" not in page.text
    assert f"/experiences/{shared}" not in page.text
    assert "2 anonyma svar ingår inte" in section
    assert json.loads(network_json)["overview"]["anonymous_left_out"] == 2
    for suffix in ("csv", "xlsx"):
        data = get(f"/networks/{slug}/overview.{suffix}").data
        text = data.decode("utf-8") if suffix == "csv" else workbook_text(data)
        assert_anonymous(text, f"overview.{suffix} for {viewer}")
        assert "2 anonyma svar ingår inte" in text
    notes_url = f"/networks/{slug}/meetings/{world['meeting']}/notes"
    if viewer == "a leader":
        form = get(notes_url)
        assert_anonymous(main_content(form), "the meeting notes form")
        # Her public experience would tell the leader that its author is a member; the one
        # she shared with this network tells nothing the sharing does not.
        assert PUBLIC_TITLE not in form.text and f'value="{public}"' not in form.text
        assert NETWORK_TITLE in form.text
    else:
        get(notes_url, 403)


def test_mails_about_an_anonymous_experience_name_nobody(app, client, auth, world):
    # Fia hears at once of both (she follows both systems and is in the network);
    # Vera, who follows Heroma, in her weekly digest.
    at_once = outbox(app, recipient="fia@foljer.se")
    assert {PUBLIC_TITLE, NETWORK_TITLE} <= {m.subject.split(": ", 1)[1] for m in at_once}
    with app.app_context():
        notification_mail.send_digests(now=utcnow() + timedelta(days=8))
        db.session.commit()
    digest = outbox(app, recipient="vera@veckan.se")
    assert digest and PUBLIC_TITLE in digest[0].text
    # She answers a question about her experience: the asker's mail quotes "Skribenten".
    auth.login("olof@annan.se")
    ask(client, world["public"], "Hur mycket kostade licenserna?")
    auth.logout()
    auth.login("greta@unikaby.se")
    asked = comment_id(app, "Hur mycket kostade licenserna?")
    ask(client, world["public"], "Runt en krona per anställd och månad.", asked)
    auth.logout()
    answer = outbox(app, recipient="olof@annan.se")
    assert answer and "Skribenten skriver:" in answer[-1].text
    for mail in outbox(app):
        if mail.recipient == "greta@unikaby.se":
            continue  # mail to her own address may greet her by name
        assert_anonymous(f"{mail.subject}\n{mail.text}\n{mail.html}", f"mail to {mail.recipient}")


def test_her_own_page_shows_her_what_others_do_not_see(client, auth, world):
    """The author sees her head count on her own page, marked as hers alone; the byline
    stays as others see it. This is what the other tests would catch if it leaked."""
    auth.login("greta@unikaby.se")
    page = main_content(client.get(f"/experiences/{world['public']}"))
    assert NUMBER.search(page) and "visas inte för andra" in page
    assert "Erfarenheten är anonym" in page and NAME not in page
    auth.logout()
    auth.login("olof@annan.se")
    assert "Erfarenheten är anonym" not in client.get(f"/experiences/{world['public']}").text


def test_a_moderator_sees_who_wrote_it_marked_as_for_moderators(client, auth, factory, world):
    factory.user(email="moa@kb.se", site_role="moderator")
    auth.login("moa@kb.se")
    page = main_content(client.get(f"/experiences/{world['public']}"))
    assert f"Skriven av {NAME}, {ORGANISATION} – det ser bara moderatorer." in page
    assert NUMBER.search(page)


# --------------------------------------------------------------------------- subtraction

def _network_section(client, slug: str) -> str:
    page = client.get(f"/networks/{slug}").text
    return page.split('id="kor-heading"', 1)[1].split('id="moten-heading"', 1)[0]


def test_a_network_page_cannot_be_subtracted_to_name_an_anonymous_author(
        app, client, auth, factory):
    """Four members named, one anonymous, all running Heroma. Counted in the summary,
    hers would make five answers: the mean would show, and the mean times five minus
    the four listed ratings would be hers; the summary's organisations minus the rows
    would be her system. Left out, the page is the same whatever she runs and rates."""
    heroma = factory.system(slug="heroma", name="Heroma")
    primula = factory.system(slug="primula", name="Primula")
    named = [factory.member(f"m{n}@kommun.se", f"Medlem Nummer{n}", f"Kommun {n}")
             for n in range(4)]
    greta = factory.member("greta@unikaby.se", NAME, ORGANISATION)
    network = factory.network(slug="fem", name="Fem i nätverket",
                              members={named[0]: "leader", **{m: "member" for m in named[1:]},
                                       greta: "member"})
    for member in named:
        factory.network_experience(member, heroma, networks=[network], satisfaction=4,
                                   recommend=8)
    anonymous = factory.network_experience(greta, heroma, networks=[network], anonymous=True,
                                           satisfaction=1, recommend=0, employees_paid=4321)
    auth.login("m1@kommun.se")
    before = _network_section(client, "fem")
    overview = client.get("/api/v1/networks/fem").get_json()["overview"]
    # The summary is the rows: four organisations, four answers, each seen by the member,
    # so the mean shows with its n – hers is not in it.
    [summary] = overview["systems"]
    assert summary["organisations"] == summary["experience_count"] == 4
    assert len(overview["organisations"]) == 4
    assert summary["satisfaction"]["average"] == 4.0 and summary["satisfaction"]["n"] == 4
    assert "3,4" not in before and "3.4" not in before  # (4+4+4+4+1)/5
    assert "1 anonymt svar ingår inte" in before
    assert_anonymous(before.split("Utan erfarenhet att visa", 1)[0], "the network's list")

    # Whatever she runs and however satisfied she is, the page says the same.
    for system, satisfaction in ((heroma, 5), (primula, 2)):
        with app.app_context():
            experience = db.session.get(Experience, anonymous)
            experience.system_id, experience.satisfaction = system, satisfaction
            db.session.commit()
        assert _network_section(client, "fem") == before
        assert client.get("/api/v1/networks/fem").get_json()["overview"] == overview
        csv_rows = list(csv.reader(io.StringIO(
            client.get("/networks/fem/overview.csv").data.decode("utf-8-sig")), delimiter=";"))
        assert not any(row and row[0] == "Primula" for row in csv_rows)

"""Names and titles stored with line breaks (before the forms refused them) cannot
forge a line in another member's mail, nor a header: every name and title in a mail is
on the line the mail puts it on, and no subject holds a line break."""

import pytest

from kb.extensions import db
from kb.models import User
from tests.support.pages import ask, outbox, post

FORGED_LINE = "Klicka här för att behålla kontot: https://ond.example/logga-in"


def _forge_name(app, user_id: int, name: str) -> None:
    with app.app_context():
        db.session.get(User, user_id).display_name = name
        db.session.commit()


def _assert_no_forged_line(mail) -> None:
    assert "\r" not in mail.subject and "\n" not in mail.subject
    assert not any(ord(c) < 32 for c in mail.subject)
    for line in mail.text.splitlines():
        assert not line.startswith(("Klicka här", "Bcc:", "Länk:")), mail.text
        assert not any(ord(c) < 32 and c != "\t" for c in line), repr(line)


@pytest.fixture
def network(factory):
    anna = factory.member("anna@malmo.se", "Anna Andersson", "Malmö stad")
    bo = factory.member("bo@lund.se", "Bo Berg", "Lunds kommun")
    network = factory.network(slug="skane", name="Lönechefsnätverket Skåne", kind="lonechef",
                              members={anna: "leader", bo: "member"})
    return {"anna": anna, "bo": bo, "network": network}


def test_a_cancelled_meeting_with_a_forged_title_mails_one_line_each(app, client, auth,
                                                                     network, factory):
    meeting = factory.meeting(network["network"],
                              title=f"Vårträff\r\nBcc: alla@example.se\n{FORGED_LINE}\x1b")
    _forge_name(app, network["bo"], f"Bo\n{FORGED_LINE}\r\nLänk: https://ond.example")
    auth.login("anna@malmo.se")
    response = post(client, f"/networks/skane/meetings/{meeting}/cancel",
                    page=f"/networks/skane/meetings/{meeting}")
    assert response.status_code == 302
    [mail] = outbox(app, recipient="bo@lund.se")
    _assert_no_forged_line(mail)
    assert mail.subject.startswith("Ett möte i ditt nätverk är inställt: Vårträff Bcc: ")
    first = mail.text.splitlines()[0]
    assert first == f"Hej Bo {FORGED_LINE} Länk: https://ond.example!"
    assert "”Vårträff Bcc: alla@example.se Klicka här" in mail.text


def test_a_question_from_a_forged_name_quotes_it_on_one_line(app, client, auth, factory):
    anna = factory.member("anna@malmo.se", "Anna Andersson", "Malmö stad")
    bo = factory.member("bo@lund.se", "Bo Berg", "Lunds kommun")
    experience = factory.experience(anna, factory.system(name="Heroma"))
    _forge_name(app, bo, f"Bo Berg\n\n{FORGED_LINE}\n")
    auth.login("bo@lund.se")
    assert ask(client, experience, "Hur gör ni med semesterskulden?").status_code == 302
    [mail] = outbox(app, recipient="anna@malmo.se")
    _assert_no_forged_line(mail)
    assert f"Bo Berg {FORGED_LINE} skriver:" in mail.text.splitlines()
    assert "> Hur gör ni med semesterskulden?" in mail.text.splitlines()


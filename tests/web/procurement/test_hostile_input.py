"""What a member (or anyone) may try against procurement: forged ids, other people's
messages, too many messages, control characters, impossible years, huge and false
documents."""

from __future__ import annotations

import io
import re
import zipfile

from sqlalchemy import func, select

from kb.extensions import db
from kb.models import ProcurementMessage, ProcurementOpening, ProcurementRequirement
from kb.procurement import this_year
from tests.support.pages import full_form, outbox, post, post_form


def _opened(factory, email, end, year_from, year_to, system=None, **experience):
    """A member with a published answer ending `end`, open for year_from–year_to."""
    with factory.batch():
        organisation = factory.organisation(email.split("@")[1])
        user = factory.user(email=email, organisation_id=organisation)
        system = system or factory.system()
        experience_id = factory.experience(user, system, organisation_id=organisation,
                                           contract_end_year=end, **experience)
        opening = factory._add(ProcurementOpening(user_id=user, experience_id=experience_id,
                                                  year_from=year_from, year_to=year_to))
    return user, opening


def test_forged_and_foreign_ids_are_not_found(client, factory, auth, app):
    year = this_year()
    _me, _mine = _opened(factory, "me@a.se", year + 1, year + 1, year + 2)
    _near, near = _opened(factory, "near@b.se", year + 2, year + 1, year + 3)
    _far, far = _opened(factory, "far@c.se", year + 9, year + 9, year + 9)
    auth.login("me@a.se")
    assert client.get(f"/upphandling/partner/{near}/meddelande").status_code == 200
    # Outside my window, forged, or my own: not a partner of mine.
    for opening in (far, 999999, _mine):
        assert client.get(f"/upphandling/partner/{opening}/meddelande").status_code == 404
        response = post(client, f"/upphandling/partner/{opening}/meddelande",
                        {"body": "Hej"}, page="/upphandling/partner")
        assert response.status_code == 404
    assert client.get("/upphandling/partner/99999999999/meddelande").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcurementMessage)) == 0


def test_only_sender_and_recipient_read_a_message_and_only_the_recipient_answers(
        client, factory, auth, app):
    year = this_year()
    _opened(factory, "sender@a.se", year + 1, year + 1, year + 2)
    _recipient, opening = _opened(factory, "recipient@b.se", year + 2, year + 1, year + 3)
    _opened(factory, "other@c.se", year + 1, year + 1, year + 2)
    auth.login("sender@a.se")
    post(client, f"/upphandling/partner/{opening}/meddelande", {"body": "Hej!"},
         page="/upphandling/partner")
    with app.app_context():
        message = db.session.scalar(select(ProcurementMessage.id))
    path = f"/upphandling/meddelanden/{message}"
    # The sender cannot answer her own message (and so learn the address).
    response = post(client, path, {"body": "svar"}, page=path)
    assert response.status_code == 422
    assert "recipient@b.se" not in client.get(path).text
    auth.logout()
    auth.login("other@c.se")
    assert client.get(path).status_code == 404
    assert post(client, path, {"body": "svar"}, page="/upphandling/partner").status_code == 404
    assert outbox(app, kind="procurement_contact") == []
    auth.logout()
    auth.login("recipient@b.se")
    assert post(client, path, {"body": "Ja"}, page=path).status_code == 302
    # Once only.
    assert post(client, path, {"body": "Igen"}, page=path).status_code == 422
    assert len(outbox(app, kind="procurement_contact")) == 2


def test_messages_are_limited_and_refuse_control_characters(client, factory, auth, app):
    year = this_year()
    _opened(factory, "busy@a.se", year + 1, year + 1, year + 2)
    others = [_opened(factory, f"p{n}@org{n}.se", year + 1, year + 1, year + 2)[1]
              for n in range(7)]
    auth.login("busy@a.se")
    bad = post(client, f"/upphandling/partner/{others[0]}/meddelande",
               {"body": "Hej\x1b[31m röd"}, page="/upphandling/partner")
    assert bad.status_code == 422 and "styrtecken" in bad.text
    assert "Hej" in bad.text  # what was typed is kept
    huge = post(client, f"/upphandling/partner/{others[0]}/meddelande",
                {"body": "x" * 2001}, page="/upphandling/partner")
    assert huge.status_code == 422 and "Högst 2" in huge.text
    for opening in others[:5]:
        assert post(client, f"/upphandling/partner/{opening}/meddelande", {"body": "Hej"},
                    page="/upphandling/partner").status_code == 302
    # A second unanswered message to the same member, and a sixth in a day: refused.
    again = post(client, f"/upphandling/partner/{others[0]}/meddelande", {"body": "Hej"},
                 page="/upphandling/partner")
    assert again.status_code == 422
    sixth = post(client, f"/upphandling/partner/{others[5]}/meddelande", {"body": "Hej"},
                 page="/upphandling/partner")
    assert sixth.status_code == 422 and "5 meddelanden" in sixth.text
    assert len(outbox(app, kind="procurement_message")) == 5


def test_the_window_and_the_contract_years_are_checked(client, factory, auth):
    year = this_year()
    heroma = factory.system(slug="heroma", name="Heroma")
    with factory.batch():
        organisation = factory.organisation("Exempelby kommun")
        user = factory.user(email="anna@a.se", organisation_id=organisation)
        experience = factory.experience(user, heroma, organisation_id=organisation,
                                        contract_end_year=year + 1)
    auth.login("anna@a.se")
    refused = post(client, "/upphandling/partner",
                   {"experience_id": str(experience), "year_from": str(year + 3),
                    "year_to": str(year + 1)}, page="/upphandling/partner")
    assert refused.status_code == 422
    assert "Slutåret kan inte vara före startåret." in refused.text
    forged = post(client, "/upphandling/partner",
                  {"experience_id": "999999", "year_from": str(year),
                   "year_to": str(year + 1)}, page="/upphandling/partner")
    assert forged.status_code == 422

    data = full_form(heroma, factory.system(), factory.system())
    data.update(contract_end_year=str(year + 40), contract_end_month="",
                next_procurement_year="1900", procured_with="Grannby kommun")
    response = post_form(client, f"/experiences/{experience}/edit", data)
    assert response.status_code == 422
    assert f"Ange ett år mellan {year - 10} och {year + 15}." in response.text
    assert "Välj Samordnad upphandling ovan, eller lämna fältet tomt." in response.text
    data.update(contract_end_year="", contract_end_month="5", next_procurement_year="",
                procured_with="", contract_extension="2+1\tår")
    response = post_form(client, f"/experiences/{experience}/edit", data)
    assert response.status_code == 422
    assert "Ange året avtalet löper ut, eller lämna månaden tom." in response.text
    assert "Får inte innehålla radbrytningar eller styrtecken." in response.text
    assert "<details class=\"optional-section\" open>" in response.text


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _share(client, **fields):
    data = {"title": "Kravlista lönesystem 2026", "visibility": "members", "req_agi": "must",
            "req_semester": "should", **fields}
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/upphandling/krav/ny").text).group(1)
    return client.post("/upphandling/krav/ny", data={**data, "csrf_token": token},
                       content_type="multipart/form-data")


def _share_large(client, content: bytes):
    """A large upload with a body built here: the test client's own encoding spools it
    to a temporary file it never closes."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/upphandling/krav/ny").text).group(1)
    fields = {"csrf_token": token, "title": "Stor", "visibility": "members"}
    parts = [f'--grans\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in fields.items()]
    parts.append(b'--grans\r\nContent-Disposition: form-data; name="document"; '
                 b'filename="krav.pdf"\r\nContent-Type: application/pdf\r\n\r\n')
    body = b"".join(parts) + content + b"\r\n--grans--\r\n"
    return client.post("/upphandling/krav/ny", input_stream=io.BytesIO(body),
                       content_type="multipart/form-data; boundary=grans",
                       headers={"Content-Length": str(len(body))})


def test_a_requirement_list_is_shared_compared_and_its_document_served_safely(
        client, factory, auth, app):
    factory.figures_world()
    with factory.batch():
        organisation = factory.organisation("Exempelby kommun")
        factory.user(email="anna@a.se", organisation_id=organisation)
        factory.user(email="berit@b.se")
    auth.login("anna@a.se")
    response = _share(client, document=(io.BytesIO(_docx()), '../krav lista <x> åäö.docx'))
    assert response.status_code == 302, response.text
    path = response.headers["Location"]
    page = client.get(path)
    assert "Ska-krav" in page.text and "Bör-krav" in page.text
    assert "AGI" in page.text and "Heroma" in page.text
    document = client.get(path + "/dokument")
    assert document.status_code == 200 and document.data == _docx()
    disposition = document.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"krav-lista-x-aao.docx\"")
    assert "\r" not in disposition and "\n" not in disposition and "<" not in disposition
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    auth.logout()
    # Members only: a visitor finds nothing, another member reads it.
    assert client.get(path).status_code == 404
    assert client.get(path + "/dokument").status_code == 404
    auth.login("berit@b.se")
    assert client.get(path).status_code == 200
    remove = post(client, path + "/ta-bort", page=path)
    assert remove.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcurementRequirement)) == 1


def test_false_huge_and_foreign_documents_are_refused(client, factory, auth, app):
    with factory.batch():
        factory.user(email="anna@a.se")
    auth.login("anna@a.se")
    fake_pdf = _share(client, document=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "krav.pdf"))
    assert fake_pdf.status_code == 422 and "Filen är inte en PDF." in fake_pdf.text
    program = _share(client, document=(io.BytesIO(b"MZ\x90\x00"), "krav.exe"))
    assert program.status_code == 422 and "Ladda upp en PDF" in program.text
    zip_not_docx = _share(client, document=(io.BytesIO(b"PK\x03\x04broken"), "krav.docx"))
    assert zip_not_docx.status_code == 422
    huge = _share_large(client, b"%PDF-" + b"0" * (6 * 1024 * 1024))
    assert huge.status_code == 413 and "större än 5 MB" in huge.text
    nothing = _share(client, req_agi="", req_semester="")
    assert nothing.status_code == 422
    assert "Markera minst ett krav, eller ladda upp kravdokumentet." in nothing.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcurementRequirement)) == 0
    ok = _share(client, document=(io.BytesIO(b"%PDF-1.7\n%%EOF"), "krav.pdf"))
    assert ok.status_code == 302


def test_a_member_takes_her_procurement_data_with_her_and_leaves_nothing_behind(
        client, factory, auth, app):
    from pathlib import Path

    from tests.support.apps import PASSWORD
    from tests.support.pages import csrf_token

    year = this_year()
    _opened(factory, "anna@a.se", year + 1, year + 1, year + 2, procurement_route="adda")
    auth.login("anna@a.se")
    assert _share(client, document=(io.BytesIO(b"%PDF-1.7\n"), "krav.pdf")).status_code == 302
    data = client.get("/account/export.json").get_json()
    assert data["procurement"]["open_to_joint_procurement"]["year_to"] == year + 2
    assert data["procurement"]["requirement_lists"][0]["document"] == "krav.pdf"
    assert data["experiences"][0]["contract_end_year"] == year + 1
    folder = Path(app.config["PROCUREMENT_DIR"])
    assert len(list(folder.iterdir())) == 1
    page = client.get("/account")
    client.post("/account/delete", data={"delete-experiences": "delete",
                                         "delete-current_password": PASSWORD,
                                         "csrf_token": csrf_token(page)})
    assert list(folder.iterdir()) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcurementOpening)) == 0

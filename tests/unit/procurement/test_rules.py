"""The rules of procurement without pages: what contract facts may be stored, which
counts are withheld, who sees a contract, and what a document must be."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from types import SimpleNamespace

import pytest

from kb.access import procurement as access
from kb.access.policy import VISITOR, Audience
from kb.core.errors import Invalid
from kb.procurement.contracts import check, has_contract, normalised
from kb.procurement.outlook import Count, _guarded
from kb.procurement.requirements import document_type, safe_name

NOW = datetime(2026, 6, 1)


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"contract_end_year": 2015}, "contract_end_year", "Ange ett år mellan 2016 och 2041."),
    ({"contract_end_year": 2042}, "contract_end_year", "Ange ett år mellan 2016 och 2041."),
    ({"contract_end_month": 3}, "contract_end_month",
     "Ange året avtalet löper ut, eller lämna månaden tom."),
    ({"contract_end_year": 2027, "contract_end_month": 13}, "contract_end_month",
     "Ange en månad mellan 1 och 12."),
    ({"next_procurement_year": 2024}, "next_procurement_year",
     "Ange ett år mellan 2025 och 2041."),
    ({"procurement_route": "bribe"}, "procurement_route", "Välj ett av alternativen."),
    ({"procurement_route": "adda", "procured_with": "Grannby"}, "procured_with",
     "Välj Samordnad upphandling ovan, eller lämna fältet tomt."),
    ({"contract_audience": "everyone"}, "contract_audience", "Välj ett av alternativen."),
])
def test_impossible_contract_facts_are_refused_by_field(values, field, message):
    assert check(values, NOW) == {field: message}


def test_sensible_facts_pass_and_are_stored_tidily():
    values = {"contract_end_year": 2016, "contract_end_month": 12, "procurement_route": "joint",
              "procured_with": "  Grannby kommun ", "next_procurement_year": 2041,
              "contract_extension": " 2+1 år ", "contract_audience": ""}
    assert check(values, NOW) == {}
    stored = normalised(values)
    assert stored["procured_with"] == "Grannby kommun" and stored["contract_extension"] == "2+1 år"
    assert stored["contract_audience"] == "same"
    assert not has_contract(normalised({"contract_audience": "members"}))


def test_a_total_that_would_give_a_small_count_away_is_withheld():
    counts, total = _guarded([6, 2, 0], 8)
    assert [c.text for c in counts] == ["6", "färre än 5", "0"]
    assert total.shown is None and total.text == "visas inte"
    # Two small counts: the total names neither.
    counts, total = _guarded([6, 2, 3], 11)
    assert total.shown == 11
    # Nothing small: nothing withheld.
    assert _guarded([5, 0], 5)[1].shown == 5
    assert Count(4).shown is None and Count(0).shown == 0 and Count(5).shown == 5


def _experience(**fields):
    values = {"id": 1, "author_id": 7, "visibility": "public", "moderation_state": "published",
              "anonymous": False, "contract_audience": "same", "network_ids": frozenset()}
    values.update(fields)
    return SimpleNamespace(**values)


MEMBER = Audience(member_id=8)
AUTHOR = Audience(member_id=7)
MODERATOR = Audience(member_id=9, moderator=True)


def test_the_contract_audience_narrows_and_never_widens():
    public = _experience()
    assert access.may_see_contract(VISITOR, public)
    members = _experience(contract_audience="members")
    assert not access.may_see_contract(VISITOR, members)
    assert access.may_see_contract(MEMBER, members)
    private = _experience(contract_audience="private")
    assert not access.may_see_contract(MEMBER, private)
    assert access.may_see_contract(AUTHOR, private) and access.may_see_contract(MODERATOR,
                                                                                 private)
    # "Same as the answer" on a members-only answer is still members only.
    assert not access.may_see_contract(VISITOR, _experience(visibility="members"))
    assert access.counted_contract_audiences(VISITOR) == {"same"}
    assert "private" not in access.counted_contract_audiences(MODERATOR)


def test_an_anonymous_answer_keeps_what_could_name_it():
    anonymous = _experience(anonymous=True)
    assert access.may_see_contract(MEMBER, anonymous)
    assert not access.may_see_identifying_contract(MEMBER, anonymous)
    assert access.may_see_identifying_contract(AUTHOR, anonymous)


def _zip(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(part, "<x/>")
    return out.getvalue()


def test_a_document_is_what_its_content_says():
    assert document_type("Krav.PDF", b"%PDF-1.4 ...") == "pdf"
    assert document_type("krav.docx", _zip("word/document.xml")) == "docx"
    assert document_type("krav.xlsx", _zip("xl/workbook.xml")) == "xlsx"
    for name, content in (("krav.pdf", b"<html>"), ("krav.docx", _zip("xl/workbook.xml")),
                          ("krav.xlsx", b"PK\x03\x04"), ("krav.html", b"%PDF-"),
                          ("krav", b"%PDF-")):
        with pytest.raises(Invalid):
            document_type(name, content)


def test_a_document_is_offered_under_a_plain_name():
    assert safe_name("../../etc/passwd.pdf", "pdf") == "etc-passwd.pdf"
    assert safe_name('Kravlista "lön" 2026\r\nX-Evil: 1.docx', "docx") == \
        "Kravlista-lon-2026-X-Evil-1.docx"
    assert safe_name("åäö.xlsx", "xlsx") == "aao.xlsx"
    assert safe_name("\u202e\u0000.pdf", "pdf") == "kravlista.pdf"

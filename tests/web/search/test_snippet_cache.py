"""Snippets are kept between requests, but never outlive the text they were cut from
nor serve another query's highlights."""

import re

from kb.extensions import db
from kb.models import Experience


def snippets(client, q: str) -> list[str]:
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 200
    return re.findall(r"<mark>(.*?)</mark>", page.text)


def test_an_edited_experience_is_cut_again(app, client, factory):
    author = factory.user()
    system = factory.system()
    experience_id = factory.experience(
        author, system, title="Stabilt system",
        pros="Pensionsrapporteringen till KPA går av sig själv varje månad.")
    assert "Pensionsrapporteringen" in snippets(client, "pensionsrapportering")
    with app.app_context():
        db.session.get(Experience, experience_id).pros = (
            "Pensionsrapportering kräver numera handpåläggning varje månad.")
        db.session.commit()
    marked = snippets(client, "pensionsrapportering")
    assert marked == ["Pensionsrapportering"]
    page = client.get("/search", query_string={"q": "pensionsrapportering"}).text
    assert "handpåläggning" in page and "går av sig själv" not in page


def test_each_query_marks_its_own_words_in_the_same_text(client, factory):
    author = factory.user()
    system = factory.system()
    factory.experience(author, system, title="Lönekörning i tid",
                       pros="Semesterberäkningen fungerar och supporten svarar snabbt.")
    assert snippets(client, "semesterberäkning") == ["Semesterberäkningen"]
    assert snippets(client, "support") == ["supporten"]
    assert snippets(client, "semesterberäkning") == ["Semesterberäkningen"]

"""A payroll manager reads a system's profile, narrows it to organisations like hers."""

import re

from tests.support.pages import main_content


def test_a_visitor_sees_the_public_figures_with_charts_and_tables(client, factory):
    factory.figures_world()
    page = client.get("/systems/heroma")
    assert page.status_code == 200
    html = main_content(page)
    assert "3,2 (n=6)" in html  # average satisfaction 19/6
    assert "0 (n=5)" in html  # NPS: 2 promoters, 2 detractors of 5
    assert "AGI fungerade inte" in html and "För dyra licenser" in html
    assert "Hemlig anledning" not in html and "Väntande skäl" not in html
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) == 4
    assert all('role="img"' in svg and "aria-labelledby" in svg for svg in svgs)
    assert "<title id=" in html and "<desc id=" in html
    assert "style=" not in html and "<script" not in html
    assert '<th scope="row">5 – Mycket nöjd</th>' in html


def test_a_member_sees_members_only_experiences_in_the_figures(client, factory, auth):
    factory.figures_world()
    auth.login("anna@kommun.se")
    html = main_content(client.get("/systems/heroma"))
    assert "3,4 (n=7)" in html
    assert "Hemlig anledning" in html
    assert "Väntande skäl" not in html


def test_filters_narrow_the_figures_and_say_when_there_are_too_few(client, factory):
    factory.figures_world()
    html = main_content(client.get("/systems/heroma?sector=kommun"))
    assert "Urval: <strong>Kommun</strong>" in html
    assert "för få svar (n=4)" in html
    assert '<option value="kommun" selected>' in html
    recent = main_content(client.get("/systems/heroma?recent=1"))
    assert "3,4 (n=5)" in recent  # 17/5 over the last 24 months
    assert 'name="recent" value="1" checked' in recent


def test_nonsense_parameters_show_the_whole_profile(client, factory):
    factory.figures_world()
    page = client.get("/systems/heroma?sector=%00x&size=9&recent=kanske&page=x")
    assert page.status_code == 200
    assert "3,2 (n=6)" in page.text
    assert client.get("/systems/finns-inte").status_code == 404


def test_switched_reasons_are_escaped(client, factory):
    fixture = factory.figures_world()
    member = factory.user()
    factory.experience(member, fixture.primula, switched_from_id=fixture.heroma,
                       switch_reason="<script>alert(1)</script>")
    html = client.get("/systems/heroma").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_home_page_shows_the_most_common_switches(client, factory):
    factory.figures_world()
    html = main_content(client.get("/"))
    assert "Vanligaste bytena" in html
    assert re.search(r"Från <a[^>]*>Personec P</a> till <a[^>]*>Heroma</a>", html)
    assert "2 organisationer" in html  # each organisation once (kb.stats)
    assert 'action="/search"' in html

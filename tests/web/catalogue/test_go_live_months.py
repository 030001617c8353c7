"""The comparison's go-live row says "1 månad", never "1 månader"."""

from tests.support.pages import main_content


def _system_with_go_live(factory, slug, months):
    system = factory.system(slug=slug, name=slug.capitalize())
    for value in months:
        factory.experience(factory.user(), system, go_live_months=value)


def test_one_month_is_singular_and_a_half_is_written_with_a_comma(client, factory):
    _system_with_go_live(factory, "snabb", [1, 1, 1, 1, 1])
    _system_with_go_live(factory, "lagom", [2, 2, 2, 2, 2])
    _system_with_go_live(factory, "mitt", [1, 1, 1, 2, 2, 2])
    html = main_content(client.get("/compare?s=snabb&s=lagom&s=mitt"))
    assert "1 månad (1–1, n=5)" in html
    assert "2 månader (2–2, n=5)" in html
    assert "1,5 månader (1–2, n=6)" in html
    assert "1 månader" not in html

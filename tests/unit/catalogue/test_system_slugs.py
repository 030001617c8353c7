"""A proposed system gets a slug no system has (kb.core.slugs for the rule)."""

from kb import catalogue


def test_a_taken_system_slug_gets_a_number(app, factory):
    factory.system(slug="hogia-lon", name="Hogia Lön")
    with app.app_context():
        assert catalogue.free_slug("Hogia Lön") == "hogia-lon-2"
        assert catalogue.free_slug("Nytt Lönesystem") == "nytt-lonesystem"
        assert catalogue.free_slug("薪资") == "system"
        assert len(catalogue.free_slug("Lönesystem " * 20)) <= 80  # the column's width

"""A started network gets a slug no network has (kb.core.slugs for the rule)."""

from kb import networks
from kb.extensions import db
from kb.models import User


def test_a_network_whose_slug_is_taken_gets_a_number(app, factory):
    founder = factory.user(email="lena@kommun.se")
    factory.network(slug="lonechefsnatverket-skane", name="Lönechefsnätverket i Skåne")
    with app.app_context():
        user = db.session.get(User, founder)
        started = networks.start(user, {"name": "Lönechefsnätverket Skåne", "kind": "alla",
                                        "access": "invite"})
        assert started.slug == "lonechefsnatverket-skane-2"
        other = networks.start(user, {"name": "Löneadministratörer Väst", "kind": "alla",
                                      "access": "invite"})
        assert other.slug == "loneadministratorer-vast"

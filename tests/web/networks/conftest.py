"""The people and the network most network tests start from."""

import pytest


@pytest.fixture
def colleagues(factory):
    """Anna (Malmö stad), Bo (Lunds kommun) and Cecilia (Ystads kommun), members of kb
    each in an organisation of their own; no network yet."""
    with factory.batch():
        return {
            "anna": factory.member("anna@malmo.se", "Anna Andersson", "Malmö stad"),
            "bo": factory.member("bo@lund.se", "Bo Berg", "Lunds kommun"),
            "cecilia": factory.member("cecilia@ystad.se", "Cecilia Ek", "Ystads kommun"),
        }


@pytest.fixture
def skane(factory, colleagues):
    """Lönechefsnätverket Skåne (invite only), led by Anna with Bo as a member; Cecilia
    is outside. The colleagues' ids, the network's as "network"."""
    network = factory.network(slug="skane", name="Lönechefsnätverket Skåne", kind="lonechef",
                              access="invite",
                              members={colleagues["anna"]: "leader", colleagues["bo"]: "member"})
    return {**colleagues, "network": network}

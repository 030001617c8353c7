"""A system page's pages count what the viewer may see of that system, under the
chosen filters, from the figures (no count of the rows again)."""

import re
from datetime import timedelta

from kb.models import utcnow


def pages(page) -> str | None:
    match = re.search(r"Sida (\d+) av (\d+)", page.text)
    return match.group(0) if match else None


def test_pages_count_what_the_viewer_may_see(client, auth, factory):
    author = factory.user(email="forfattare@example.se")
    system = factory.system(slug="heroma", name="Heroma")
    other = factory.system(slug="hogia", name="Hogia")
    for n in range(10):
        factory.experience(author, system, title=f"Offentlig {n}", sector="kommun")
    factory.experience(author, other, title="Annat system", sector="kommun")
    factory.experience(author, system, title="Bara för medlemmar", visibility="members",
                       sector="region")
    factory.experience(author, system, title="Dold", moderation_state="hidden", sector="region")
    assert pages(client.get("/systems/heroma")) is None  # ten: one page
    auth.login("forfattare@example.se")
    # The member also sees the members-only one, the author their own hidden one.
    assert pages(client.get("/systems/heroma")) == "Sida 1 av 2"
    second = client.get("/systems/heroma?page=2")
    assert pages(second) == "Sida 2 av 2"
    # Every one counted is listed: the second page holds the rest.
    listed = re.findall(r'href="/experiences/(\d+)"', client.get("/systems/heroma").text
                        + second.text)
    assert len(set(listed)) == 12
    assert pages(client.get("/systems/heroma?sector=kommun")) is None


def test_pages_count_only_recently_confirmed_when_asked(client, factory):
    author = factory.user()
    system = factory.system(slug="heroma", name="Heroma")
    for n in range(8):
        factory.experience(author, system, title=f"Bekräftad {n}")
    long_ago = utcnow() - timedelta(days=3 * 365)
    for n in range(5):
        factory.experience(author, system, title=f"Gammal {n}", created_at=long_ago,
                           confirmed_at=long_ago)
    assert pages(client.get("/systems/heroma")) == "Sida 1 av 2"
    assert pages(client.get("/systems/heroma?fresh=1")) is None

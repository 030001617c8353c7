"""The home page's figures are kb.stats's figures: each organisation counts once per
system (its newest answer), and a mean resting on fewer than stats.MIN_ANSWERS
organisations is withheld ("för få svar"), as on every other page and in the API."""

import re

from kb import stats
from tests.support.pages import main_content


def _organisations_answer(factory, system: int, scores: list[int], prefix: str) -> list[int]:
    """One member per organisation, each with an experience of `system`."""
    members = []
    for n, score in enumerate(scores):
        organisation = factory.organisation(f"{prefix} kommun {n}")
        member = factory.user(email=f"{prefix}{n}@kommun.se", organisation_id=organisation)
        factory.experience(member, system, organisation_id=organisation, satisfaction=score)
        members.append((member, organisation))
    return members


def _listed(html: str, name: str) -> str:
    """The home page's list item of one system."""
    items = re.findall(r"<li>\s*<a href=\"/systems/[^\"]+\">[^<]*</a>.*?</li>", html, re.S)
    found = [item for item in items if f">{name}</a>" in item]
    assert len(found) == 1, (name, items)
    return found[0]


def test_a_mean_needs_as_many_organisations_as_every_other_figure(client, factory):
    assert stats.MIN_ANSWERS == 5
    few = factory.system(slug="fatalig", name="Fåtalig")
    enough = factory.system(slug="vanlig", name="Vanlig")
    _organisations_answer(factory, few, [5, 5, 5, 5], "fa")
    members = _organisations_answer(factory, enough, [5, 4, 4, 4, 3], "va")
    # A colleague in the first organisation answers later: that organisation's newest
    # answer stands for it, so the organisations stay five and the mean is theirs.
    _member, organisation = members[0]
    colleague = factory.user(email="kollega@kommun.se", organisation_id=organisation)
    factory.experience(colleague, enough, organisation_id=organisation, satisfaction=1)

    html = main_content(client.get("/"))
    withheld = _listed(html, "Fåtalig")
    assert "för få svar" in withheld
    assert "stars-number" not in withheld and "5,0" not in withheld
    assert "4 organisationer" in withheld

    shown = _listed(html, "Vanlig")
    assert "för få svar" not in shown
    assert "3,2" in shown  # (1 + 4 + 4 + 4 + 3) / 5 organisations, not 21 / 6 answers
    assert "5 organisationer" in shown
    assert "6 organisationer" not in shown and "erfarenheter" not in shown
    assert "färre än 5 organisationer" in html
    # Every experience still counts in the summary at the top.
    assert "10 erfarenheter av 2 lönesystem" in html


def test_the_fifth_organisation_brings_the_mean_out(client, factory):
    system = factory.system(slug="vaxande", name="Växande")
    _organisations_answer(factory, system, [4, 4, 4, 4], "vx")
    assert "för få svar" in _listed(main_content(client.get("/")), "Växande")
    _organisations_answer(factory, system, [2], "ny")
    shown = _listed(main_content(client.get("/")), "Växande")
    assert "3,6" in shown and "för få svar" not in shown


def test_the_api_lists_the_same_mean_and_organisations(client, factory):
    few = factory.system(slug="fatalig", name="Fåtalig")
    enough = factory.system(slug="vanlig", name="Vanlig")
    _organisations_answer(factory, few, [5, 5, 5, 5], "fa")
    members = _organisations_answer(factory, enough, [5, 4, 4, 4, 3], "va")
    _member, organisation = members[0]
    colleague = factory.user(email="kollega@kommun.se", organisation_id=organisation)
    factory.experience(colleague, enough, organisation_id=organisation, satisfaction=1)
    items = {item["slug"]: item for item in client.get("/api/v1/systems").json["items"]}
    assert (items["vanlig"]["experience_count"], items["vanlig"]["organisations"]) == (6, 5)
    assert items["vanlig"]["average_satisfaction"] == 3.2
    assert (items["fatalig"]["organisations"], items["fatalig"]["average_satisfaction"]) == (
        4, None)


def test_the_switches_on_the_home_page_count_organisations(client, factory):
    old = factory.system(slug="gammalt", name="Gammalt")
    new = factory.system(slug="nytt", name="Nytt")
    organisation = factory.organisation("Bytarby kommun")
    for n in range(2):  # two colleagues of one organisation tell of the same switch
        member = factory.user(email=f"bytare{n}@kommun.se", organisation_id=organisation)
        factory.experience(member, new, organisation_id=organisation, switched_from_id=old)
    html = main_content(client.get("/"))
    link = re.search(r"Från <a[^>]*>Gammalt</a> till <a[^>]*>Nytt</a> – "
                     r"<a href=\"([^\"]+)\">1 organisation</a>", html)
    assert link, html
    listed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "1 organisation bytte från Gammalt till Nytt" in listed

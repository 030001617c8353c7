"""Demo procurement (kb.procurement): members open to procuring together, with their
windows, and shared requirement lists – so the partner list and /upphandling/krav are
not empty in a demo.

The demo networks' members (data/networks.json: "openings", "requirements") open up
with their own answers' contracts; a few of the generic demo accounts open up with
their newest answer of a public organisation whose contract ends from REFERENCE_YEAR
on (non-anonymous, its facts readable by whoever reads it). Added once: nothing is
added when a demo opening exists. Nobody can log in as a demo account, so the partner
list is seen by real members who open up themselves.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from kb.extensions import db
from kb.models import Experience, ProcurementOpening, ProcurementRequirement, User
from kb.tools.demo.contracts import PUBLIC, REFERENCE_YEAR
from kb.tools.demo.seeding import DEMO_ACCOUNTS, DEMO_EMAIL_DOMAIN

# The generic demo accounts who open up, and the region (län) each names.
GENERIC_OPENINGS = (("anna.lonechef", "vastra_gotaland"), ("lars.lonechef", "stockholm"),
                    ("karin.forvaltare", "ostergotland"), ("erik.forvaltare", "uppsala"),
                    ("maria.loneadmin", "jonkoping"), ("johan.loneadmin", "norrbotten"))


def _demo_user_ids() -> list[int]:
    emails = [f"{local}@{DEMO_EMAIL_DOMAIN}" for local, _name, _role in DEMO_ACCOUNTS]
    return list(db.session.scalars(select(User.id).where(User.email.in_(emails))))


def seed_procurement(data: dict, users: dict[str, User]) -> tuple[int, int]:
    """Add the demo openings and requirement lists (`users`: the demo networks' members
    by local part); return how many of each were added. The caller commits."""
    members = [user.id for user in users.values()]
    if db.session.scalar(select(ProcurementOpening.id).where(
            ProcurementOpening.user_id.in_(members + _demo_user_ids())).limit(1)):
        return 0, 0
    openings = 0
    for spec in data.get("openings", []):
        user = users[spec["member"]]
        experience = db.session.scalar(select(Experience).where(
            Experience.author_id == user.id, Experience.contract_end_year.is_not(None))
            .order_by(Experience.id).limit(1))
        if experience is None:
            continue
        db.session.add(ProcurementOpening(
            user_id=user.id, experience_id=experience.id, year_from=spec["from"],
            year_to=spec["to"], region=spec["region"],
            show_organisation=spec["show_organisation"]))
        openings += 1
    for local, region in GENERIC_OPENINGS:
        user = db.session.scalar(select(User).where(
            User.email == f"{local}@{DEMO_EMAIL_DOMAIN}"))
        if user is None:
            continue
        candidates = db.session.scalars(select(Experience).where(
            Experience.author_id == user.id, Experience.is_demo,
            Experience.usage_status == "current", Experience.anonymous.is_(False),
            Experience.sector.in_(sorted(PUBLIC)), Experience.contract_audience == "same",
            Experience.contract_end_year.between(REFERENCE_YEAR, REFERENCE_YEAR + 5))
            .order_by(Experience.id)).all()
        if not candidates:
            continue
        # One from the middle: the same one for the same seed.
        experience = candidates[len(candidates) // 2]
        end = experience.contract_end_year
        db.session.add(ProcurementOpening(
            user_id=user.id, experience_id=experience.id, year_from=max(REFERENCE_YEAR, end - 1),
            year_to=end + 1, region=region, show_organisation=False))
        openings += 1
    requirements = 0
    for spec in data.get("requirements", []):
        author = users[spec["author"]]
        organisation = author.organisation
        db.session.add(ProcurementRequirement(
            author_id=author.id, title=spec["title"], year=spec["year"],
            sector=organisation.sector if organisation else "",
            size_band=organisation.size_band if organisation else "",
            items=json.dumps(spec["items"]), visibility=spec["visibility"]))
        requirements += 1
    return openings, requirements

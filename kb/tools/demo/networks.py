"""Demo networks (data/networks.json): one per kind, with demo members from demo
organisations, their experiences (some shared with the network only, most with their
contract), a coming meeting with answers and a question with answers – all labelled
Exempeldata like the demo experiences, and written by demo accounts nobody can log in
as. With them come the demo's procurement openings and requirement lists
(kb.tools.demo.procurement).

Added once (networks are found by slug); the meeting is placed `days_ahead` days from
the day of seeding, in Swedish time, so the demo always has a coming meeting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.resources import files

from sqlalchemy import select

from kb.access import organisations as verified
from kb.core.dates import STOCKHOLM
from kb.extensions import db
from kb.models import (
    Experience,
    Meeting,
    MeetingResponse,
    Network,
    NetworkMembership,
    NetworkQuestion,
    Organisation,
    PayrollSystem,
    User,
)
from kb.tools.demo.procurement import seed_procurement
from kb.tools.demo.seeding import DEMO_ACCOUNT_CREATED, DEMO_EMAIL_DOMAIN, _unusable_password_hash

DEMO_CREATED = datetime(2024, 9, 2, 8, 0)


@dataclass(frozen=True)
class NetworkSeedResult:
    networks: int
    accounts: int
    experiences: int
    openings: int = 0  # members open to procuring together
    requirements: int = 0  # shared requirement lists


def network_data() -> dict:
    return json.loads(files(__package__).joinpath("data", "networks.json").read_text("utf-8"))


def seed_networks(today: date | None = None) -> NetworkSeedResult:
    """Add the demo networks that are missing, with everything in them."""
    data = network_data()
    existing = set(db.session.scalars(select(Network.slug)))
    wanted = [n for n in data["networks"] if n["slug"] not in existing]
    if not wanted:
        return NetworkSeedResult(0, 0, 0)
    systems = dict(db.session.execute(select(PayrollSystem.slug, PayrollSystem.id)).all())
    users, accounts, written = {}, 0, []
    for person in data["members"]:
        email = f"{person['local']}@{DEMO_EMAIL_DOMAIN}"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            # Each demo member's organisation is verified, as a moderator would confirm
            # it (the operator who seeds vouches for it, as for `kb create-user`): the
            # demo's network answers and figures are those of verified organisations.
            user = User(email=email, display_name=person["name"],
                        password_hash=_unusable_password_hash(), site_role="member",
                        professional_role=person["role"], created_at=DEMO_ACCOUNT_CREATED,
                        organisation=Organisation(name=person["organisation"],
                                                  sector=person["sector"],
                                                  size_band=person["size_band"]),
                        organisation_verified_at=DEMO_ACCOUNT_CREATED,
                        organisation_verified_by=verified.MODERATOR)
            db.session.add(user)
            accounts += 1
        users[person["local"]] = user
    db.session.flush()
    networks = {}
    for spec in wanted:
        network = Network(slug=spec["slug"], name=spec["name"], kind=spec["kind"],
                          region=spec["region"], access=spec["access"],
                          auto_approve=spec["auto_approve"], description=spec["description"],
                          is_demo=True, created_by_id=users[spec["leader"]].id,
                          created_at=DEMO_CREATED)
        db.session.add(network)
        db.session.flush()
        networks[spec["slug"]] = network
        for local, role in [(spec["leader"], "leader"), *((m, "member") for m in spec["members"])]:
            db.session.add(NetworkMembership(network_id=network.id, user_id=users[local].id,
                                             role=role, status="active",
                                             joined_at=DEMO_CREATED, created_at=DEMO_CREATED))
    for person in data["members"]:
        user = users[person["local"]]
        if person["system"] not in systems or db.session.scalar(
                select(Experience.id).where(Experience.author_id == user.id).limit(1)):
            continue
        shared_with = (_networks_of(person["local"], wanted, networks)[:1]
                       if person["share"] == "networks" else [])
        experience = Experience(
            author_id=user.id, system_id=systems[person["system"]], sector=person["sector"],
            size_band=person["size_band"], reviewer_role=person["role"],
            usage_status="current", satisfaction=person["satisfaction"],
            recommend=person["recommend"],
            considering_switch_to_id=systems.get(person["considering"] or ""),
            title=person["title"], pros=person["pros"], cons=person["cons"],
            visibility="networks" if shared_with else "public", is_demo=True,
            created_at=DEMO_CREATED, updated_at=DEMO_CREATED, confirmed_at=DEMO_CREATED,
            **data.get("contracts", {}).get(person["local"], {}))
        experience.networks = shared_with
        db.session.add(experience)
        written.append(experience)
    today = today or datetime.now(STOCKHOLM).date()
    for spec in data["meetings"]:
        network = networks.get(spec["network"])
        if network is None:
            continue
        day = today + timedelta(days=spec["days_ahead"])
        meeting = Meeting(network_id=network.id, uid=f"demo-{network.slug}-{day}@kb-natverk",
                          title=spec["title"], starts_at=_local_to_utc(day, spec["start"]),
                          ends_at=_local_to_utc(day, spec["end"]), mode=spec["mode"],
                          address=spec["address"], meeting_url=spec["meeting_url"],
                          agenda=spec["agenda"], topics=spec["topics"], is_demo=True,
                          created_by_id=network.created_by_id)
        meeting.systems = [db.session.get(PayrollSystem, systems[s]) for s in spec["systems"]
                           if s in systems]
        db.session.add(meeting)
        db.session.flush()
        for local, answer, attendance in spec["answers"]:
            db.session.add(MeetingResponse(meeting_id=meeting.id, user_id=users[local].id,
                                           answer=answer, attendance=attendance))
    for spec in data["questions"]:
        network = networks.get(spec["network"])
        if network is None:
            continue
        question = NetworkQuestion(network_id=network.id, author_id=users[spec["author"]].id,
                                   title=spec["title"], body=spec["body"], is_demo=True)
        db.session.add(question)
        db.session.flush()
        for answer in spec["answers"]:
            db.session.add(NetworkQuestion(network_id=network.id, parent_id=question.id,
                                           author_id=users[answer["author"]].id,
                                           body=answer["body"], helped=answer["helped"],
                                           is_demo=True))
    db.session.flush()
    openings, requirements = seed_procurement(data, users)
    db.session.commit()
    return NetworkSeedResult(len(networks), accounts, len(written), openings, requirements)


def _networks_of(local: str, wanted: list[dict], networks: dict) -> list[Network]:
    return [networks[spec["slug"]] for spec in wanted
            if local == spec["leader"] or local in spec["members"]]


def _local_to_utc(day: date, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    local = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=STOCKHOLM)
    return (local - local.utcoffset()).replace(tzinfo=None)



"""Writes the demo catalogue, the demo accounts and the synthetic experiences.

Experiences are built as plain dicts and written with Core bulk inserts: no ORM
objects per row and, on purpose, no rows in the change log. In the same
transaction the load asks every server to rebuild its index from the database
(kb.changelog.state.request_rebuild); ``kb seed-demo`` rebuilds its own at once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, insert, select

from kb.changelog import state
from kb.database import analyze
from kb.extensions import db
from kb.models import Experience, Organisation, PayrollSystem, SatisfactionHistory, User
from kb.tools.demo.datafiles import catalogue
from kb.tools.demo.generator import Generator
from kb.tools.demo.profiles import PROFILES

DEMO_EMAIL_DOMAIN = "exempel.kb.se"
# (local part, display name, professional role). Names say plainly that they are examples.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("anna.lonechef", "Exempel-Anna (lönechef)", "lonechef"),
    ("lars.lonechef", "Exempel-Lars (lönechef)", "lonechef"),
    ("maria.loneadmin", "Exempel-Maria (löneadministratör)", "loneadministrator"),
    ("johan.loneadmin", "Exempel-Johan (löneadministratör)", "loneadministrator"),
    ("sara.loneadmin", "Exempel-Sara (löneadministratör)", "loneadministrator"),
    ("karin.forvaltare", "Exempel-Karin (systemförvaltare)", "systemforvaltare"),
    ("erik.forvaltare", "Exempel-Erik (systemförvaltare)", "systemforvaltare"),
    ("lena.hr", "Exempel-Lena (HR)", "hr"),
    ("peter.ekonomi", "Exempel-Peter (ekonomi)", "ekonomi"),
    ("eva.ekonomi", "Exempel-Eva (ekonomi)", "ekonomi"),
    ("nils.konsult", "Exempel-Nils (lönekonsult)", "konsult"),
    ("ida.konsult", "Exempel-Ida (lönekonsult)", "konsult"),
]
DEMO_ACCOUNT_CREATED = datetime(2019, 1, 1, 8, 0)


@dataclass(frozen=True)
class SeedResult:
    systems: int  # catalogue systems added by this run
    experiences: int  # experiences added by this run
    accounts: int = 0  # demo accounts added by this run


def load_catalogue() -> int:
    """Insert the systems of data/catalogue.json missing by slug; return how many were added."""
    existing = set(db.session.scalars(select(PayrollSystem.slug)))
    added = 0
    for entry in catalogue():
        if entry["slug"] not in existing:
            db.session.add(PayrollSystem(**entry))
            added += 1
    db.session.commit()
    return added


def _unusable_password_hash() -> str:
    # No "$": werkzeug's check_password_hash rejects it for every password.
    return "!demo-account-no-login-" + secrets.token_hex(16)


def ensure_demo_accounts() -> tuple[dict[str, list[int]], int]:
    """Create the demo accounts that are missing; return ids by professional role."""
    emails = [f"{local}@{DEMO_EMAIL_DOMAIN}" for local, _, _ in DEMO_ACCOUNTS]
    existing = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    added = 0
    for (_local, display_name, role), email in zip(DEMO_ACCOUNTS, emails, strict=True):
        if email not in existing:
            user = User(
                email=email,
                display_name=display_name,
                password_hash=_unusable_password_hash(),
                site_role="member",
                professional_role=role,
                created_at=DEMO_ACCOUNT_CREATED,
                active=True,
                # Left unconfirmed: nobody reads these addresses, so no notification is
                # ever mailed to them (their experiences are loaded as published).
                email_confirmed_at=None,
            )
            db.session.add(user)
            existing[email] = user
            added += 1
    db.session.commit()
    by_role: dict[str, list[int]] = {}
    for (_local, _name, role), email in zip(DEMO_ACCOUNTS, emails, strict=True):
        by_role.setdefault(role, []).append(existing[email].id)
    return by_role, added


def seed(count: int, seed: int = 1, batch_size: int = 5000) -> SeedResult:
    """Load the catalogue, the demo accounts and `count` synthetic experiences."""
    systems_added = load_catalogue()
    authors, accounts_added = ensure_demo_accounts()
    system_ids = dict(
        db.session.execute(
            select(PayrollSystem.slug, PayrollSystem.id).where(
                PayrollSystem.slug.in_(list(PROFILES))
            )
        ).all()
    )
    # A Core insert on the table: executemany without the ORM's per-row bulk handling
    # (several times faster than insert(Experience) through the ORM).
    statement = insert(Experience.__table__)
    batch: list[dict] = []
    written = 0
    organisations: dict[str, int] = {}
    for row in Generator(seed, system_ids, authors).rows(count):
        batch.append(row)
        if len(batch) >= batch_size:
            db.session.execute(statement, _with_organisations(batch, organisations))
            written += len(batch)
            batch = []
    if batch:
        db.session.execute(statement, _with_organisations(batch, organisations))
        written += len(batch)
    _keep_earlier_satisfactions(seed, batch_size)
    if written:
        state.request_rebuild(db.session)
    db.session.commit()
    if written:
        analyze([Experience, SatisfactionHistory, Organisation, User])
    return SeedResult(systems=systems_added, experiences=written, accounts=accounts_added)


def _with_organisations(rows: list[dict], known: dict[str, int]) -> list[dict]:
    """The rows with organisation_id for each organisation name, the demo organisations
    made on first use (an earlier seeding's are used again: names do not depend on the
    seed)."""
    wanted = {row["organisation"]: (row["sector"], row["size_band"]) for row in rows}
    missing = [name for name in wanted if name not in known]
    for start in range(0, len(missing), 500):
        names = missing[start:start + 500]
        known.update(db.session.execute(
            select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
        ).all())
    made = [Organisation(name=name, sector=wanted[name][0], size_band=wanted[name][1])
            for name in missing if name not in known]
    if made:
        db.session.add_all(made)
        db.session.flush()
        known.update((organisation.name, organisation.id) for organisation in made)
    # Values the generator draws for a column the schema does not (yet) have are left
    # out (previous_satisfaction before its migration).
    columns = set(Experience.__table__.c.keys())
    return [{**{k: v for k, v in row.items() if k in columns},
             "organisation_id": known[row["organisation"]]} for row in rows]


# How much the satisfaction stated before a confirmation differed: mostly not at all.
_EARLIER_STEPS = ((0, 55), (-1, 20), (1, 15), (-2, 5), (2, 5))


def _keep_earlier_satisfactions(seed: int, batch_size: int) -> None:
    """What confirmations leave behind (kb.freshness): for each demo experience its
    author confirmed or updated after writing it, the satisfaction stated when written."""
    rng = random.Random(f"earlier-{seed}")
    steps, weights = zip(*_EARLIER_STEPS, strict=True)
    rows = db.session.execute(
        select(Experience.id, Experience.satisfaction, Experience.created_at,
               Experience.confirmed_at)
        .where(Experience.is_demo, Experience.confirmed_at > Experience.created_at,
               ~exists().where(SatisfactionHistory.experience_id == Experience.id))
        .order_by(Experience.id)
    ).all()
    statement = insert(SatisfactionHistory.__table__)
    for start in range(0, len(rows), batch_size):
        batch = []
        for experience_id, satisfaction, created, confirmed in rows[start:start + batch_size]:
            earlier = min(5, max(1, satisfaction + rng.choices(steps, weights)[0]))
            batch.append({"experience_id": experience_id, "satisfaction": earlier,
                          "stated_at": created, "recorded_at": confirmed,
                          "change": "confirmed" if earlier == satisfaction else "updated"})
        db.session.execute(statement, batch)

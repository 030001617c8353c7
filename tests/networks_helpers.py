"""Story helpers for the network tests: organisations, networks started and joined through
the real forms."""

from __future__ import annotations

import re

from sqlalchemy import select

from kb.extensions import db
from kb.models import Network, Organisation, User
from tests.conftest import csrf_token


def organisation(app, name: str, sector: str = "kommun", size_band: str = "1000-4999") -> int:
    with app.app_context():
        org = Organisation(name=name, sector=sector, size_band=size_band)
        db.session.add(org)
        db.session.commit()
        return org.id


def member(app, factory, email: str, name: str, org_name: str | None = None, **fields) -> int:
    if org_name is not None:
        fields["organisation_id"] = organisation(app, org_name)
    return factory.user(email=email, display_name=name, **fields)


def post(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST a form with the CSRF token of `page` (or of the login page)."""
    token = csrf_token(client.get(page or "/auth/login"))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def start_network(client, name: str = "Lönechefsnätverket Skåne", kind: str = "lonechef",
                  access: str = "invite", **fields) -> str:
    """The logged-in member starts a network through the form; returns its slug."""
    data = {"name": name, "kind": kind, "region": "Skåne", "access": access,
            "description": "Vi träffas fyra gånger om året.", **fields}
    response = post(client, "/networks/new", data, page="/networks/new")
    assert response.status_code == 302, response.text
    return response.headers["Location"].rsplit("/", 1)[1]


def invite_link(client, slug: str, note: str = "") -> str:
    """A leader creates an invite link; returns its path."""
    response = post(client, f"/networks/{slug}/members/invites", {"note": note},
                    page=f"/networks/{slug}/members", follow_redirects=True)
    assert response.status_code == 200
    match = re.search(r'id="invite-link" type="text" readonly value="https?://[^/]+([^"]+)"',
                      response.text)
    assert match, "no invite link on the page"
    return match.group(1)


def accept(client, link: str):
    return post(client, link, page=link)


def network_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Network.id).where(Network.slug == slug))


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def experience(app, author_id: int, system_id: int, networks=(), **fields) -> int:
    """A published experience; with networks, shared with those only."""
    from kb.models import Experience

    values = {"sector": "kommun", "size_band": "1000-4999", "reviewer_role": "lonechef",
              "usage_status": "current", "satisfaction": 4, "recommend": 8,
              "title": "Stabil lönekörning", "pros": "Lönekörningen fungerar."}
    values.update(fields)
    if networks:
        values["visibility"] = "networks"
    with app.app_context():
        found = Experience(author_id=author_id, system_id=system_id, **values)
        found.networks = [db.session.get(Network, i) for i in networks]
        db.session.add(found)
        db.session.commit()
        return found.id

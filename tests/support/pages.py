"""Pages and forms through the Flask test client: CSRF tokens, logging in, the forms a
member fills in (registering, an experience, a question, starting and joining a
network), mail in the outbox and links in it."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from sqlalchemy import select

from kb.core import vocab
from kb.extensions import db
from tests.support.apps import PASSWORD


def csrf_token(response) -> str:
    """The CSRF token of the (first) form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.text)
    if match is None:
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def main_content(response) -> str:
    """The page's main content, without the header that names the logged-in member."""
    return response.text.split('id="innehall"', 1)[1]


def without_csrf_tokens(html: str) -> str:
    """A page with its forms' CSRF tokens blanked: two pages of one session carry the
    same token signed at different seconds, which is no difference a reader sees."""
    return re.sub(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+"', r'\1…"', html)


def link_in(text: str, path: str) -> str:
    """The first absolute link in a mail's text whose path starts with `path`."""
    match = re.search(r"https?://[^\s/]+(" + re.escape(path) + r"[^\s>]*)", text)
    assert match, f"no link to {path} in:\n{text}"
    return match.group(1)


def outbox(app, **where) -> list:
    """The mails kb has queued (kb.models.OutboxMail), oldest first, as plain objects:
    recipient, subject, text, html, headers, kind, status."""
    from kb.models import OutboxMail

    with app.app_context():
        query = select(OutboxMail).order_by(OutboxMail.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMail, name) == value)
        return [SimpleNamespace(id=m.id, recipient=m.recipient, subject=m.subject,
                                text=m.text_body, html=m.html_body, kind=m.kind,
                                status=m.status, attempts=m.attempts,
                                headers=json.loads(m.headers))
                for m in db.session.scalars(query)]


class Auth:
    """Logs in and out through the real forms, CSRF included."""

    def __init__(self, client):
        self.client = client

    def login(self, email, password=PASSWORD, follow_redirects=False, next_url=None):
        url = "/auth/login" + (f"?next={next_url}" if next_url else "")
        page = self.client.get(url)
        return self.client.post(
            url,
            data={"email": email, "password": password, "csrf_token": csrf_token(page)},
            follow_redirects=follow_redirects,
        )

    def logout(self):
        page = self.client.get("/")
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(page)})


def post(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST a form with the CSRF token of `page` (or of the login page)."""
    token = csrf_token(client.get(page or "/auth/login"))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def post_form(client, url, data):
    """POST the form at `url` with the CSRF token of its own page."""
    page = client.get(url)
    return client.post(url, data={**data, "csrf_token": csrf_token(page)})


def register(client, **overrides):
    """Register through /auth/register (Karin of Exempelby kommun unless overridden)."""
    page = client.get("/auth/register")
    data = {
        "display_name": "Karin Lönechef",
        "email": "karin@kommun.se",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "professional_role": "lonechef",
        "organisation_name": "Exempelby kommun",
        "sector": "kommun",
        "size_band": "1000-4999",
        "accept_terms": "y",
        "csrf_token": csrf_token(page),
    }
    data.update(overrides)
    return client.post("/auth/register", data=data)


def full_form(system_id, switched_from_id, considering_id):
    """The experience form with every field filled in."""
    data = {
        "system_id": str(system_id),
        "sector": "region",
        "size_band": "5000+",
        "employees_paid": "12400",
        "reviewer_role": "systemforvaltare",
        "deployment": "service",
        "in_use_since": "2016",
        "usage_status": "current",
        "satisfaction": "4",
        "recommend": "8",
        "switched_from_id": str(switched_from_id),
        "switch_reason": "Det gamla systemet klarade inte AGI på individnivå.",
        "go_live_months": "14",
        "considering_switch_to_id": str(considering_id),
        "title": "Stabilt för en stor region, men semesterberäkningen kräver handpåläggning",
        "pros": "Lönekörningen går alltid i tid.\nAGI-filen går igenom hos Skatteverket.",
        "cons": "Semesterskulden är svår att stämma av vid semesterårsskiftet.",
        "tips": "Avsätt tid för att testa kollektivavtalens lönearter.",
        "body": "Vi har runt tolv tusen anställda som får lön varje månad.",
        "visibility": "public",
        "anonymous": "y",
    }
    for n, key in enumerate(vocab.SUB_RATINGS):
        data[f"rating_{key}"] = str(1 + n % 5)
    levels = list(vocab.CAPABILITY_LEVELS)
    for n, key in enumerate(vocab.CAPABILITIES):
        data[f"cap_{key}"] = levels[n % len(levels)]
    return data


def ask(client, experience_id, body, parent_id=None):
    """Ask a question about an experience (or answer one: parent_id)."""
    data = {"body": body}
    if parent_id is not None:
        data["parent_id"] = str(parent_id)
    return post(client, f"/experiences/{experience_id}/comments", data,
                page=f"/experiences/{experience_id}")


def comment_id(app, body):
    from kb.models import Comment

    with app.app_context():
        return db.session.scalar(select(Comment.id).where(Comment.body == body))


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
    """Follow an invite link and accept it."""
    return post(client, link, page=link)


def network_id(app, slug: str) -> int:
    from kb.models import Network

    with app.app_context():
        return db.session.scalar(select(Network.id).where(Network.slug == slug))


def user_id(app, email: str) -> int:
    from kb.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))

"""The authorization matrix: every route of the URL map × visitor, member, author, moderator
and admin. A route without a rule here fails the test, so no route is left unguarded."""

from pathlib import Path

import pytest
from sqlalchemy import select

from kb import create_app
from kb.community import mail_settings
from kb.extensions import db
from kb.models import (
    Comment,
    NetworkInvite,
    Notification,
    PayrollSystem,
    ProcurementMessage,
    ProcurementRequirement,
)
from tests.support.pages import csrf_token

ROLES = ("visitor", "member", "moderator", "admin", "author")  # author last: it may delete

# Who may use a route: public, member (any logged-in member), others (members other than the
# author), author (of the experience or comment in the URL), moderator (moderators and
# admins), admin.
ACCESS = {
    "static": "public",
    "main.index": "public",
    "main.healthz": "public",
    "auth.login": "public",
    "auth.register": "public",
    "auth.registered": "public",
    "auth.logout": "member",
    "auth.confirm": "public",
    "auth.disown": "public",  # the confirmation link proves the mailbox, not a login
    "auth.resend_confirmation": "member",
    "auth.confirm_email_change": "public",
    "auth.forgot_password": "public",
    "auth.reset_password": "public",
    "main.privacy": "public",
    "main.terms": "public",
    "account.unsubscribe": "public",
    "systems.index": "public",
    "systems.detail": "public",
    "systems.journey": "public",
    "systems.switch_list": "public",
    "compare.index": "public",
    "compare.csv_download": "public",
    "compare.xlsx_download": "public",
    "compare.report": "public",
    "systems.csv_download": "public",
    "systems.xlsx_download": "public",
    "api.market": "public",
    "api.openapi": "public",
    "api.systems": "public",
    "api.system_detail": "public",
    "api.system_switches": "public",
    "api.switch_list": "public",
    "api.compare": "public",
    "api.experiences": "public",
    "api.experience": "public",
    "search.search_page": "public",
    "experiences.view": "public",
    "experiences.new": "member",
    "experiences.propose_system": "member",
    "experiences.flag": "member",
    "experiences.edit": "author",
    "experiences.delete": "author",
    "account.index": "member",
    "account.update": "member",
    "account.export": "member",
    "account.join_organisation": "member",
    "community.add_comment": "member",
    "community.helpful": "others",
    "follows.follow": "member",
    "notifications.notification_list": "member",
    "notifications.mark_notifications_read": "member",
    "notifications.open_notification": "author",
    "freshness.ask_later": "member",
    "freshness.confirm": "author",
    "comments.edit_comment": "author",
    "comments.delete_comment": "author",
    "comments.hide_comment": "moderator",
    "comments.restore_comment": "moderator",
    "admin.index": "moderator",
    "admin.queue": "moderator",
    "admin.flags": "moderator",
    "admin.decide": "moderator",
    "admin.systems": "moderator",
    "admin.approve_system": "moderator",
    "admin.merge_system": "moderator",
    "admin.audit_log": "moderator",
    "admin.survey_import": "moderator",
    "admin.decide_import": "moderator",
    "admin.organisations": "moderator",
    "admin.set_organisation_domain": "moderator",
    "admin.confirm_organisation": "moderator",
    "admin.users": "admin",
    "admin.set_active": "admin",
    "admin.set_role": "admin",
    "admin.invite_codes": "admin",
    # Networks: the author leads the network "natverket"; "network" is its members and
    # moderators (who read everything), "network_member" its members only.
    "networks.index": "public",
    "networks.new": "member",
    "networks.detail": "public",
    "networks.edit": "leader",
    "networks.close": "moderator",
    "networks.reopen": "moderator",
    "networks.overview_csv": "network_member",
    "networks.overview_xlsx": "network_member",
    "networks.meetings_feed": "network_member",
    "networks.members": "network",
    "networks.join": "member",
    "networks.leave": "member",
    "networks.manage": "leader",
    "networks.confirm_organisation": "leader",
    "networks.create_invite": "leader",
    "networks.revoke_invite": "leader",
    # A visitor with an invite link gets the page naming the network (with login and
    # registration), or for an invitation by e-mail, the register or login page.
    "networks.accept_invite": "public",
    "networks.invite_by_email": "leader",
    "networks.manage_invitation": "leader",
    "meetings.index": "network",
    "meetings.calendar_link": "network_member",
    "meetings.new": "leader",
    "meetings.detail": "network",
    "meetings.answer": "network_member",
    "meetings.edit": "leader",
    "meetings.cancel": "leader",
    "meetings.notes": "leader",
    "meetings.meeting_ics": "network_member",
    "network_questions.index": "network",
    "network_questions.new": "network_member",
    "network_questions.detail": "network",
    "network_questions.add_answer": "network_member",
    "network_questions.helped": "author",
    "api.networks_list": "public",
    "api.network": "public",
    "api.network_meetings": "network",
    "api.network_question_list": "network",
    "survey.upload": "leader",
    "survey.review": "leader",
    "survey.confirm": "leader",
    # The experience in the URL is a member's own, not a network's survey answer.
    "survey_claims.claim": "nobody",
    # Procurement (docs/procurement.md): the partner list is for open members only, and
    # nobody in this world is open; the message and the requirement list are the author's,
    # and a moderator removes a list too (with a reason for the audit log; without one
    # the page says so and nothing is removed).
    "procurement.index": "public",
    "procurement.csv_download": "public",
    "api.procurement": "public",
    "partners.index": "member",
    "partners.open_up": "member",
    "partners.close": "member",
    "partners.write": "nobody",
    "partners.messages": "member",
    "partners.message": "author",
    "requirements.index": "public",
    "requirements.new": "member",
    "requirements.detail": "public",
    "requirements.document": "public",
    "requirements.remove": "author_or_moderator",
}

ALLOWED = {
    "public": set(ROLES),
    "member": {"member", "author", "moderator", "admin"},
    "others": {"member", "moderator", "admin"},  # not on one's own experience
    "author": {"author"},
    "moderator": {"moderator", "admin"},
    "admin": {"admin"},
    "leader": {"author"},
    "network": {"author", "moderator", "admin"},
    "network_member": {"author"},
    "author_or_moderator": {"author", "moderator", "admin"},
    "nobody": set(),
}

# Author-only routes give 404 instead of 403 where the object itself is private (a
# notification is nobody else's business).
HIDDEN_FROM_OTHERS = {"notifications.open_notification", "partners.message"}
# The API has no login page: a visitor is refused outright.
REFUSED_TO_VISITORS = {"api.network_meetings", "api.network_question_list"}
NETWORK_SLUG = "natverket"


def _rules():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INDEX_DIR": "/nonexistent",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))


def test_every_route_has_a_rule():
    missing = sorted({rule.endpoint for rule in _rules()} - set(ACCESS))
    assert not missing, f"routes without an authorization rule: {missing}"


@pytest.fixture
def world(app, factory):
    """One of each: a system, an author with an experience and a question, a member,
    a moderator, an admin, a proposed system and a notification for the author; a network
    the author leads, with a meeting, a question with an answer, an invite link and
    someone asking to join."""
    with factory.batch():
        author = factory.user(email="author@kb.se")
        member = factory.user(email="member@kb.se")
        applicant = factory.user(email="applicant@kb.se")
        factory.user(email="moderator@kb.se", site_role="moderator")
        factory.user(email="admin@kb.se", site_role="admin")
        system = factory.system(slug="heroma", name="Heroma")
        experience = factory.experience(author, system)
        network = factory.network(slug=NETWORK_SLUG, name="Nätverket", kind="alla", access="open",
                                  members={author: "leader"})
        request = factory.membership(network, applicant, status="requested")
        invite_token = factory.invite(network, author, token="inbjudan")
        meeting = factory.meeting(network, uid="mote@kb")
        question = factory.network_question(network, author)
        answer = factory.network_question(network, applicant, title="", body="Så här.",
                                          parent_id=question)
        upload = factory.survey_import(network, author, filename="enkat.csv")
        organisation = factory.organisation("Exempelby kommun")
    with app.app_context():
        comment = Comment(experience_id=experience, author_id=author, body="En fråga?")
        proposed = PayrollSystem(slug="nytt", name="Nytt", status="pending")
        db.session.add_all([comment, proposed])
        db.session.flush()
        notification = Notification(user_id=author, kind="question", experience_id=experience,
                                    comment_id=comment.id)
        db.session.add(notification)
        # Procurement: an opening (of nobody's answer in the partner lists), a message
        # the author keeps, and the author's public requirement list with its document.
        message = ProcurementMessage(sender_id=author, recipient_id=author, body="Hej")
        requirement = ProcurementRequirement(author_id=author, title="Kravlista",
                                             items='{"agi": "must"}', visibility="public",
                                             document_key="k" * 24, document_type="pdf",
                                             document_name="krav.pdf", document_size=9)
        db.session.add_all([message, requirement])
        folder = Path(app.config["PROCUREMENT_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{'k' * 24}.pdf").write_bytes(b"%PDF-1.7\n")
        db.session.commit()
        invite_id = db.session.scalar(select(NetworkInvite.id).where(
            NetworkInvite.token == invite_token))
        return {
            "import_id": upload, "organisation_id": organisation,
            "membership_id": request, "invite_id": invite_id, "invite_token": invite_token,
            "meeting_id": meeting, "question_id": question, "answer_id": answer,
            "experience_id": experience, "comment_id": comment.id, "slug": "heroma",
            "system_id": db.session.scalar(select(PayrollSystem.id).where(
                PayrollSystem.slug == "nytt")),
            "user_id": member, "notification_id": notification.id, "filename": "kb.css",
            # A link token from mail (the other token routes answer 400 to it, as to
            # any link that is not theirs, whoever asks).
            "token": mail_settings.unsubscribe_token(member, ["answer"]),
            "opening_id": 1, "message_id": message.id, "requirement_id": requirement.id,
        }


# Values for the any(...) parts of URLs.
ACTIONS = {"admin.decide": "publish", "admin.set_active": "deactivate",
           "networks.manage": "approve", "admin.confirm_organisation": "confirm",
           "networks.manage_invitation": "withdraw",
           "admin.decide_import": "decline"}
NETWORK_ENDPOINTS = ("networks.", "meetings.", "network_questions.", "api.network",
                     "survey.")


def _url(rule, world):
    values = {**world, "which": "profile", "action": ACTIONS.get(rule.endpoint)}
    if rule.endpoint.startswith(NETWORK_ENDPOINTS):
        values["slug"] = NETWORK_SLUG
        values["token"] = world["invite_token"]  # a network's invite link
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def _outcome(response) -> str:
    if response.status_code >= 500:
        return "error"
    if response.status_code in (401, 403):
        return "forbidden"
    if response.status_code == 404:
        return "hidden"
    if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
        return "login"
    return "ok"


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_authorization_matrix(endpoint, app, auth, client, world):
    rules = sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint),
                   key=lambda rule: rule.rule)
    assert rules, f"{endpoint} has a rule here but no route"
    rule = rules[0]
    url = _url(rule, world)
    method = "GET" if "GET" in rule.methods else "POST"
    allowed = ALLOWED[ACCESS[endpoint]]
    for role in ROLES:
        if role != "visitor":
            auth.login(f"{role}@kb.se")
        token = csrf_token(client.get("/auth/login"))
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        outcome = _outcome(response)
        response.close()
        if role in allowed:
            expected = {"ok"}
        elif role == "visitor":
            expected = {"forbidden"} if endpoint in REFUSED_TO_VISITORS else {"login"}
        elif endpoint in HIDDEN_FROM_OTHERS:
            expected = {"hidden"}
        else:
            expected = {"forbidden"}
        assert outcome in expected, f"{method} {url} as {role}: {response.status_code}"
        if role != "visitor":
            client.post("/auth/logout", data={"csrf_token": token})

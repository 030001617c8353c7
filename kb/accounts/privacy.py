"""What kb holds about a member: changing it, taking it out, and leaving."""

import json

from flask import current_app
from sqlalchemy import delete, func, select, update

from kb import community, mail, procurement
from kb.accounts import organisations
from kb.accounts.members import (
    AccountError,
    confirm_link_seconds,
    end_sessions,
    find_by_email,
    mark_confirmed,
    member_for_link,
    require_acceptable_password,
    set_password,
)
from kb.core import signed_links as tokens
from kb.extensions import db
from kb.models import (
    Comment,
    Experience,
    ExperienceDraft,
    Flag,
    Follow,
    HelpfulVote,
    MailPreference,
    MeetingResponse,
    NetworkMembership,
    NetworkQuestion,
    Notification,
    NotificationMail,
    OutboxMail,
    User,
    utcnow,
)

EMAIL_CHANGE_MAIL = "email_change"
EMAIL_TAKEN_MAIL = "email_taken"

EXPERIENCE_EXPORT_FIELDS = (
    "id", "sector", "size_band", "employees_paid", "reviewer_role", "deployment", "in_use_since",
    "usage_status", "satisfaction", "rating_usability", "rating_support", "rating_stability",
    "rating_reporting", "rating_compliance", "rating_integrations", "rating_value",
    "rating_implementation", "recommend", "cap_agi", "cap_semester", "cap_kollektivavtal",
    "cap_pension", "cap_paxml", "cap_sie", "cap_bankid", "cap_payslips", "cap_selfservice",
    "switch_reason", "go_live_months", "previous_satisfaction", "title", "pros", "cons", "tips",
    "body", "visibility",
    "anonymous", "moderation_state", "moderation_note", "created_at", "updated_at", "confirmed_at",
    *procurement.CONTRACT_FIELDS,
)


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def export(user: User) -> dict:
    """Everything kb holds about this member, as plain JSON-ready data."""
    experiences = db.session.scalars(
        select(Experience).where(Experience.author_id == user.id).order_by(Experience.id)
    ).all()
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    ).all()
    organisation = user.organisation
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "site_role": user.site_role,
            "professional_role": user.professional_role,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
            "email_confirmed_at": _iso(user.email_confirmed_at),
            "organisation": None if organisation is None else {
                "name": organisation.name, "sector": organisation.sector,
                "size_band": organisation.size_band,
                "verified_by": user.organisation_verified_by,
                "verified_at": _iso(user.organisation_verified_at),
            },
        },
        "experiences": [
            {
                **{f: _iso(getattr(e, f)) for f in EXPERIENCE_EXPORT_FIELDS},
                "system": e.system.name,
                "switched_from": e.switched_from.name if e.switched_from else None,
                "considering_switch_to": (
                    e.considering_switch_to.name if e.considering_switch_to else None
                ),
                "shared_with_networks": [n.name for n in e.networks],
            }
            for e in experiences
        ],
        "comments": [
            {"id": c.id, "experience_id": c.experience_id, "parent_id": c.parent_id,
             "body": c.body, "created_at": _iso(c.created_at)}
            for c in comments
        ],
        "helpful_votes": [
            v.experience_id for v in db.session.scalars(
                select(HelpfulVote).where(HelpfulVote.user_id == user.id))
        ],
        "following": [
            f.system_id for f in db.session.scalars(select(Follow).where(Follow.user_id == user.id))
        ],
        "networks": [
            {"network": m.network.name, "role": m.role, "status": m.status,
             "joined_at": _iso(m.joined_at)}
            for m in db.session.scalars(select(NetworkMembership).where(
                NetworkMembership.user_id == user.id))
        ],
        "network_questions_and_answers": [
            {"id": q.id, "network": q.network.name, "parent_id": q.parent_id, "title": q.title,
             "body": q.body, "created_at": _iso(q.created_at)}
            for q in db.session.scalars(select(NetworkQuestion).where(
                NetworkQuestion.author_id == user.id).order_by(NetworkQuestion.id))
        ],
        "meeting_answers": [
            {"meeting": r.meeting.title, "answer": r.answer, "attendance": r.attendance}
            for r in db.session.scalars(select(MeetingResponse).where(
                MeetingResponse.user_id == user.id))
        ],
        "flags": [
            {"experience_id": f.experience_id, "reason": f.reason, "created_at": _iso(f.created_at)}
            for f in db.session.scalars(select(Flag).where(Flag.reporter_id == user.id))
        ],
        "drafts": [
            {"experience_id": d.experience_id, "fields": json.loads(d.fields or "{}"),
             "updated_at": _iso(d.updated_at)}
            for d in db.session.scalars(select(ExperienceDraft).where(
                ExperienceDraft.user_id == user.id).order_by(ExperienceDraft.id))
        ],
        "procurement": procurement.member_data(user.id),
        "mail_settings": community.mail_frequencies(user.id),
        "mail": [
            {"subject": m.subject, "status": m.status, "created_at": _iso(m.created_at),
             "sent_at": _iso(m.sent_at)}
            for m in db.session.scalars(
                select(OutboxMail).where(OutboxMail.user_id == user.id).order_by(OutboxMail.id))
        ],
    }


def save_profile(user: User, *, display_name: str, professional_role: str,
                 organisation_name: str | None, sector: str, size_band: str) -> None:
    """Who the member is and where they work, as shown with their experiences."""
    user.display_name = display_name.strip()
    user.professional_role = professional_role
    # Another organisation's name ends the verification (kb.accounts.organisations).
    organisations.type_organisation(user, organisation_name, sector, size_band)
    db.session.commit()


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Mail a confirmation link to the new address; the old one stays until it is used.

    The answer is the same when the new address belongs to another account (its owner
    is told someone tried), so the form cannot be used to find out who is a member.
    """
    if not user.check_password(password):
        raise AccountError("Lösenordet stämmer inte.", field="current_password")
    new_email = User.normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("Det är redan din e-postadress.", field="email")
    owner = find_by_email(new_email)
    if owner is not None:
        mail.queue(EMAIL_TAKEN_MAIL, owner.email,
                   "Någon försökte byta till din e-postadress på kb", "email_taken",
                   user_id=owner.id, name=owner.display_name, email=owner.email)
    else:
        token = tokens.sign(tokens.CHANGE_EMAIL,
                            {"u": user.id, "old": user.email, "new": new_email})
        mail.queue(EMAIL_CHANGE_MAIL, new_email, "Bekräfta din nya e-postadress på kb",
                   "email_change", user_id=user.id, name=user.display_name,
                   old_email=user.email, new_email=new_email,
                   url=mail.link("auth.confirm_email_change", token=token),
                   hours=current_app.config["CONFIRM_LINK_HOURS"])
    db.session.commit()


def email_change_for(token: str) -> tuple[User, str] | None:
    """The member and new address of a valid e-mail change link, while the member still
    has the address it was made for (so it works once)."""
    found = member_for_link(tokens.CHANGE_EMAIL, token, max_age=confirm_link_seconds(),
                            binds={"old": lambda user: user.email})
    if found is None or not isinstance(found[1].get("new"), str):
        return None
    user, payload = found
    return user, payload["new"]


def change_email(user: User, new_email: str) -> None:
    """The member followed the link to the new address: it is theirs, and confirmed."""
    other = find_by_email(new_email)
    if other is not None and other.id != user.id:
        raise AccountError("Adressen hör redan till ett annat konto.", field="email")
    user.email = User.normalise_email(new_email)
    if user.is_confirmed:
        user.email_confirmed_at = utcnow()
        # A verification by the old address's domain ends; the new one's may verify.
        organisations.settle(user)
    else:
        mark_confirmed(user)  # and what they wrote meanwhile is published
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """A new password; every other session of the member ends (the caller logs the
    current one in again with the new token)."""
    if not user.check_password(current):
        raise AccountError("Lösenordet stämmer inte.", field="current_password")
    require_acceptable_password(new, user.email, user.display_name)
    set_password(user, new)
    end_sessions(user, commit=False)
    db.session.commit()


def delete_account(user: User, password: str, *, keep_experiences: bool) -> None:
    """Remove the member. Kept experiences stay, anonymous and without an author."""
    if not user.check_password(password):
        raise AccountError("Lösenordet stämmer inte.", field="current_password")
    _remove(user, keep_experiences=keep_experiences)


def disown(user: User) -> None:
    """The owner of an address says an account nobody has confirmed is not theirs
    (from the confirmation link, which proves the mailbox): it goes, with everything
    written in it, so nothing someone else wrote under their address is published
    when they confirm. A confirmed account stays (its owner proved the address)."""
    if user.is_confirmed:
        raise AccountError("Kontot är redan bekräftat och kan inte tas bort härifrån. "
                           "Logga in och ta bort det under Mitt konto.")
    db.session.execute(delete(Comment).where(Comment.author_id == user.id)
                       .execution_options(synchronize_session=False))
    _remove(user, keep_experiences=False)


def _remove(user: User, *, keep_experiences: bool) -> None:
    voted = db.session.scalars(
        select(HelpfulVote.experience_id).where(HelpfulVote.user_id == user.id)).all()
    # Row by row through the ORM, so each change reaches the search index queue.
    for experience in db.session.scalars(select(Experience).where(Experience.author_id == user.id)):
        if keep_experiences:
            experience.anonymous = True
            experience.author_id = None
        else:
            db.session.delete(experience)
    db.session.execute(
        update(Comment).where(Comment.author_id == user.id).values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    for model in (HelpfulVote, Follow, NotificationMail, Notification, MailPreference,
                  OutboxMail, ExperienceDraft):
        db.session.execute(delete(model).where(model.user_id == user.id)
                           .execution_options(synchronize_session=False))
    if voted:
        # The votes are gone: count again what is left for those experiences.
        remaining = (select(func.count()).where(HelpfulVote.experience_id == Experience.id)
                     .scalar_subquery())
        db.session.execute(update(Experience).where(Experience.id.in_(voted))
                           .values(helpful_count=remaining)
                           .execution_options(synchronize_session=False))
    documents = procurement.documents_of(user.id)
    db.session.delete(user)
    db.session.commit()
    procurement.discard_documents(documents)  # the rows went with the account

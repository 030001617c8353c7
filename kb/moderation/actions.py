"""Keeping content clean: the pending queue, flags, decisions and proposed systems.

Every decision is written to the audit log in the same transaction as the change.
"""

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kb import community
from kb.core.errors import Invalid, NotFound
from kb.core.vocab import ModerationState
from kb.extensions import db
from kb.models import Comment, Experience, Flag, PayrollSystem, SurveyImport, User, utcnow
from kb.models.members import new_session_token
from kb.moderation import audit

FLAGS_THAT_HIDE = 3
AUTO_HIDDEN_NOTE = "Dold i väntan på granskning efter anmälningar från medlemmar."


class ModerationError(Invalid):
    """A reason, in Swedish, why a moderation step cannot be taken."""


def initial_state(author: User) -> ModerationState:
    """New experiences wait for the author's confirmed address (UNCONFIRMED: what a
    member writes before confirming waits so, experiences and comments alike, read only
    by them and by moderators), then for a moderator with premoderation on, and a new
    member's first."""
    if not author.is_confirmed:
        return ModerationState.UNCONFIRMED
    if author.is_moderator:
        return ModerationState.PUBLISHED
    if current_app.config.get("PREMODERATION"):
        return ModerationState.PENDING
    published_before = db.session.scalar(
        select(func.count()).select_from(Experience).where(
            Experience.author_id == author.id,
            Experience.moderation_state == ModerationState.PUBLISHED,
        )
    )
    return ModerationState.PUBLISHED if published_before else ModerationState.PENDING


def release_unconfirmed(author: User) -> None:
    """The author confirmed their address: what they wrote meanwhile goes the way it
    would have gone – experiences by initial_state (published, or to the queue),
    questions and answers published – and the notifications follow."""
    waiting = db.session.scalars(
        select(Experience).where(Experience.author_id == author.id,
                                 Experience.moderation_state == ModerationState.UNCONFIRMED)
        .order_by(Experience.created_at, Experience.id)).all()
    for experience in waiting:
        experience.moderation_state = initial_state(author)
        db.session.flush()  # the next one counts this one if it was published
        community.notify_followers(experience, commit=False)
    for comment in db.session.scalars(
            select(Comment).where(Comment.author_id == author.id,
                                  Comment.moderation_state == ModerationState.UNCONFIRMED)
            .order_by(Comment.created_at, Comment.id)):
        comment.moderation_state = ModerationState.PUBLISHED
        community.notify_about_comment(comment)


def open_flags(experience: Experience) -> list[Flag]:
    return db.session.scalars(
        select(Flag).where(Flag.experience_id == experience.id, Flag.resolved_at.is_(None))
        .order_by(Flag.created_at)
    ).all()


def raise_flag(experience: Experience, reporter: User, reason: str) -> Flag:
    """A member reports an experience; enough open reports hide it until a moderator decides."""
    reason = reason.strip()
    if not reason:
        raise ModerationError("Beskriv varför du anmäler erfarenheten.")
    if experience.author_id == reporter.id:
        raise ModerationError("Du kan inte anmäla din egen erfarenhet.")
    if any(flag.reporter_id == reporter.id for flag in open_flags(experience)):
        raise ModerationError("Du har redan anmält den här erfarenheten.")
    flag = Flag(experience=experience, reporter_id=reporter.id, reason=reason)
    db.session.add(flag)
    db.session.flush()
    # Only reports from confirmed addresses hide: new accounts are cheap to make.
    enough = sum(1 for f in open_flags(experience)
                 if f.reporter is not None and f.reporter.is_confirmed) >= FLAGS_THAT_HIDE
    if enough and experience.moderation_state == ModerationState.PUBLISHED:
        experience.moderation_state = ModerationState.HIDDEN
        experience.moderation_note = AUTO_HIDDEN_NOTE
    db.session.commit()
    return flag


def _resolve_flags(experience: Experience, moderator: User, resolution: str) -> None:
    for flag in open_flags(experience):
        flag.resolved_at = utcnow()
        flag.resolved_by_id = moderator.id
        flag.resolution = resolution


def decide(experience: Experience, moderator: User, action: str, reason: str) -> None:
    """publish (from the queue), hide, or restore an experience, with a reason for the author."""
    states = {"publish": ModerationState.PUBLISHED, "hide": ModerationState.HIDDEN,
              "restore": ModerationState.PUBLISHED}
    if action not in states:
        raise ModerationError("Okänt beslut.")
    reason = reason.strip()
    if action == "hide" and not reason:
        raise ModerationError("Skriv en motivering som visas för skribenten.")
    was_published = experience.moderation_state == ModerationState.PUBLISHED
    experience.moderation_state = states[action]
    experience.moderation_note = "" if action != "hide" else reason
    _resolve_flags(experience, moderator, "hidden" if action == "hide" else "dismissed")
    audit.record(moderator, f"experience.{action}", experience, reason)
    db.session.commit()
    if states[action] == ModerationState.PUBLISHED and not was_published:
        community.notify_followers(experience)  # followers hear of it once it is published


def approve_system(system: PayrollSystem, moderator: User, reason: str = "") -> None:
    if system.status != "pending":
        raise ModerationError("Systemet är redan godkänt.")
    system.status = "active"
    audit.record(moderator, "system.approve", system, reason)
    db.session.commit()


def merge_system(source: PayrollSystem, target: PayrollSystem, moderator: User, reason: str):
    """Move every experience of a proposed (or duplicate) system to an existing one."""
    if source.id == target.id:
        raise ModerationError("Välj ett annat system att slå ihop med.")
    for column in (Experience.system_id, Experience.switched_from_id,
                   Experience.considering_switch_to_id):
        # Row by row through the ORM, so each change reaches the search index queue.
        for experience in db.session.scalars(select(Experience).where(column == source.id)):
            setattr(experience, column.key, target.id)
    db.session.flush()
    audit.record(moderator, "system.merge", source,
                 f"{source.name} → {target.name}. {reason}".strip())
    db.session.delete(source)
    db.session.commit()


def set_active(user: User, active: bool, admin: User, reason: str) -> None:
    if user.id == admin.id:
        raise ModerationError("Du kan inte inaktivera ditt eget konto här.")
    user.active = active
    if not active:
        user.session_token = new_session_token()  # logged out everywhere, at once
    audit.record(admin, "user.activate" if active else "user.deactivate", user, reason)
    db.session.commit()


def set_role(user: User, role: str, admin: User, reason: str) -> None:
    if user.id == admin.id:
        raise ModerationError("Du kan inte ändra din egen roll.")
    previous = user.site_role
    user.site_role = role
    audit.record(admin, "user.role", user, f"{previous} → {role}. {reason}".strip())
    db.session.commit()


def pending_counts() -> dict[str, int]:
    """What waits for a moderator, for the admin start page."""
    return {
        "experiences": db.session.scalar(
            select(func.count()).select_from(Experience)
            .where(Experience.moderation_state == ModerationState.PENDING)
        ),
        "flags": db.session.scalar(
            select(func.count(func.distinct(Flag.experience_id))).where(Flag.resolved_at.is_(None))
        ),
        "systems": db.session.scalar(
            select(func.count()).select_from(PayrollSystem)
            .where(PayrollSystem.status == "pending")
        ),
        # A network's survey import to be shared beyond the network
        # (kb.networks.survey.review): one item, whatever its rows.
        "imports": db.session.scalar(
            select(func.count()).select_from(SurveyImport)
            .where(SurveyImport.review_state == "pending")
        ),
    }




# What moderators look at ------------------------------------------------------------

def any_experience(experience_id: int) -> Experience:
    """An experience in any state (moderators see them all)."""
    experience = db.session.get(Experience, experience_id)
    if experience is None:
        raise NotFound("Erfarenheten finns inte.")
    return experience


def pending_experiences(page: int, per_page: int = 25):
    """Experiences waiting to be published, oldest first."""
    return db.paginate(
        select(Experience).options(joinedload(Experience.system), joinedload(Experience.author))
        .where(Experience.moderation_state == ModerationState.PENDING)
        .order_by(Experience.created_at),
        page=page, per_page=per_page, error_out=False)


def flagged_experiences(page: int, per_page: int = 25):
    """Experiences with open reports, and those reports by experience id."""
    flagged = db.paginate(
        select(Experience).options(joinedload(Experience.system))
        .where(Experience.id.in_(select(Flag.experience_id).where(Flag.resolved_at.is_(None))))
        .order_by(Experience.id),
        page=page, per_page=per_page, error_out=False)
    return flagged, {e.id: open_flags(e) for e in flagged.items}


def members(term: str, page: int, per_page: int = 50):
    """Accounts, newest first, optionally those whose e-mail contains `term`."""
    query = select(User).order_by(User.created_at.desc())
    if term:
        query = query.where(User.email.contains(term.lower()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)

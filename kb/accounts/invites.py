"""Invite codes: when registration is by invite, each code lets one person in, until it expires."""

import secrets
from datetime import timedelta

from sqlalchemy import select

from kb import moderation
from kb.extensions import db
from kb.models import InviteCode, User, utcnow

UNUSABLE = "Koden är ogiltig, redan använd eller har gått ut."


def create(admin: User, valid_for: timedelta, note: str = "") -> InviteCode:
    invite = InviteCode(
        code=secrets.token_urlsafe(12),
        created_by_id=admin.id,
        expires_at=utcnow() + valid_for,
        note=note.strip(),
    )
    db.session.add(invite)
    db.session.flush()
    moderation.audit_log(admin, "invite.create", invite, invite.note)
    db.session.commit()
    return invite


def usable(code: str) -> InviteCode | None:
    """The invite with this code if it is unused and has not expired."""
    invite = db.session.scalar(select(InviteCode).where(InviteCode.code == (code or "").strip()))
    if invite is None or invite.used_at is not None or invite.expires_at < utcnow():
        return None
    return invite


def newest(page: int, per_page: int = 25):
    return db.paginate(select(InviteCode).order_by(InviteCode.created_at.desc()),
                       page=page, per_page=per_page, error_out=False)

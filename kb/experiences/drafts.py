"""Drafts of the experience form: what a member typed, kept on the server until the
experience is saved, so that leaving the page, proposing a missing system or a session
that ends loses nothing. The form comes back from the draft when they return."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta

from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from kb.core.dates import utcnow
from kb.extensions import db
from kb.models import Experience, ExperienceDraft

# A draft nobody came back to for this long is forgotten.
KEEP_DAYS = 90
# A draft sent without a session waits this long for its member to log in, and no
# more than this many such drafts are kept (the oldest go first), since anyone can
# send one.
PARKED_DAYS = 7
MAX_PARKED = 5000
# Bounds on what one draft holds: the form's own fields, each value as long as the
# form allows and a little more (what is typed is kept even when it is too long).
MAX_VALUES = 40
MAX_VALUE_CHARS = 6000


def fields_of(formdata: Mapping, names: Iterable[str]) -> dict[str, list[str]]:
    """The values typed into the named fields (a MultiDict's every value)."""
    kept = {}
    for name in names:
        values = formdata.getlist(name) if hasattr(formdata, "getlist") else (
            [formdata[name]] if name in formdata else [])
        values = [str(value)[:MAX_VALUE_CHARS] for value in values[:MAX_VALUES]]
        if values:
            kept[name] = values
    return kept


def _mine(user_id: int, experience_id: int | None):
    return select(ExperienceDraft).where(
        ExperienceDraft.user_id == user_id,
        ExperienceDraft.experience_id.is_(None) if experience_id is None
        else ExperienceDraft.experience_id == experience_id,
    ).order_by(ExperienceDraft.updated_at.desc(), ExperienceDraft.id.desc())


def _forget_old() -> None:
    now = utcnow()
    db.session.execute(delete(ExperienceDraft).where(
        ExperienceDraft.updated_at < now - timedelta(days=KEEP_DAYS)))
    db.session.execute(delete(ExperienceDraft).where(
        ExperienceDraft.user_id.is_(None),
        ExperienceDraft.updated_at < now - timedelta(days=PARKED_DAYS)))


def _forget_parked_beyond(limit: int) -> None:
    kept = (select(ExperienceDraft.id).where(ExperienceDraft.user_id.is_(None))
            .order_by(ExperienceDraft.updated_at.desc(), ExperienceDraft.id.desc())
            .limit(limit).scalar_subquery())
    db.session.execute(delete(ExperienceDraft).where(
        ExperienceDraft.user_id.is_(None), ExperienceDraft.id.not_in(kept)))


def save(user_id: int, fields: Mapping[str, list[str]],
         experience_id: int | None = None) -> ExperienceDraft:
    """The member's draft (of a new experience, or of changes to one) is now `fields`."""
    _forget_old()
    draft = db.session.scalars(_mine(user_id, experience_id)).first()
    if draft is None:
        draft = ExperienceDraft(user_id=user_id, experience_id=experience_id)
        db.session.add(draft)
    draft.fields = json.dumps(dict(fields), ensure_ascii=False)
    draft.updated_at = utcnow()
    db.session.commit()
    return draft


def load(user_id: int, experience_id: int | None = None) -> ExperienceDraft | None:
    """The member's draft, if they left one within KEEP_DAYS."""
    draft = db.session.scalars(_mine(user_id, experience_id)).first()
    if draft is None or draft.updated_at < utcnow() - timedelta(days=KEEP_DAYS):
        return None
    return draft


def formdata(draft: ExperienceDraft) -> MultiDict:
    """The draft as the form's data, as if it had just been sent."""
    try:
        fields = json.loads(draft.fields or "{}")
    except ValueError:
        fields = {}
    return MultiDict([(name, str(value)) for name, values in fields.items()
                      if isinstance(values, list) for value in values])


def discard(user_id: int, experience_id: int | None = None) -> None:
    """The experience is saved (or the member starts over): the draft goes."""
    for draft in db.session.scalars(_mine(user_id, experience_id)):
        db.session.delete(draft)
    db.session.commit()


def park(fields: Mapping[str, list[str]], experience_id: int | None = None,
         token: str | None = None) -> str:
    """Keep what was sent without a session (it ended while the member typed) under a
    token for their browser to hand back; the same token again updates that draft."""
    _forget_old()
    draft = None
    if token:
        draft = db.session.scalar(select(ExperienceDraft).where(
            ExperienceDraft.token == token, ExperienceDraft.user_id.is_(None)))
    if draft is None:
        _forget_parked_beyond(MAX_PARKED - 1)
        draft = ExperienceDraft(token=secrets.token_urlsafe(32))
        db.session.add(draft)
    draft.experience_id = experience_id
    draft.fields = json.dumps(dict(fields), ensure_ascii=False)
    draft.updated_at = utcnow()
    db.session.commit()
    return draft.token


def claim(token: str | None, user_id: int) -> ExperienceDraft | None:
    """The member is back, logged in, with a parked draft's token: it becomes their
    draft (for an experience of someone else's it is dropped)."""
    if not token:
        return None
    draft = db.session.scalar(select(ExperienceDraft).where(
        ExperienceDraft.token == token, ExperienceDraft.user_id.is_(None)))
    if draft is None:
        return None
    if draft.experience_id is not None:
        author = db.session.scalar(select(Experience.author_id)
                                   .where(Experience.id == draft.experience_id))
        if author != user_id:
            db.session.delete(draft)
            db.session.commit()
            return None
    for older in db.session.scalars(_mine(user_id, draft.experience_id)):
        db.session.delete(older)
    draft.user_id, draft.token = user_id, None
    draft.updated_at = utcnow()
    db.session.commit()
    return draft

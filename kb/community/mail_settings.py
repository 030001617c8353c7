"""What mail each member wants: for every kind of notification, at once, a weekly
digest, or never; and the signed one-click unsubscribe links in those mails.

The kinds are kb.notifications.KINDS, so a kind added there (a network meeting,
say) has a setting on /account and is mailed without a change here. Without a
choice of their own a member gets DEFAULTS: at once, except news of followed
systems, which come weekly.
"""

from __future__ import annotations

from sqlalchemy import select

from kb import accounts
from kb.community import notifications
from kb.core import signed_links as tokens
from kb.extensions import db
from kb.models import User
from kb.models.mail import MailPreference

AT_ONCE, WEEKLY, NEVER = "at_once", "weekly", "never"
FREQUENCIES = {
    AT_ONCE: "Direkt",
    WEEKLY: "En sammanfattning i veckan",
    NEVER: "Aldrig",
}
DEFAULTS = {notifications.NEW_EXPERIENCE: WEEKLY}


def kinds() -> dict[str, str]:
    """Every notification kind with its Swedish name."""
    return dict(notifications.KINDS)


def default(kind: str) -> str:
    return DEFAULTS.get(kind, AT_ONCE)


def frequencies(user_id: int) -> dict[str, str]:
    """The member's choice for every kind (the default where they made none)."""
    chosen = dict(db.session.execute(
        select(MailPreference.kind, MailPreference.frequency)
        .where(MailPreference.user_id == user_id)).all())
    return {kind: chosen.get(kind, default(kind)) for kind in kinds()}


def frequency(user_id: int, kind: str) -> str:
    chosen = db.session.get(MailPreference, (user_id, kind))
    return chosen.frequency if chosen is not None else default(kind)


def save(user: User, choices: dict[str, str], *, commit: bool = True) -> None:
    """Store the member's choices (unknown kinds and frequencies are ignored)."""
    for kind, value in choices.items():
        if kind not in kinds() or value not in FREQUENCIES:
            continue
        row = db.session.get(MailPreference, (user.id, kind))
        if row is None:
            db.session.add(MailPreference(user_id=user.id, kind=kind, frequency=value))
        else:
            row.frequency = value
    if commit:
        db.session.commit()


# One-click unsubscribing ---------------------------------------------------------------

def unsubscribe_token(user_id: int, kinds_: list[str]) -> str:
    """A link token that stops these kinds for this member; it needs no login and does
    not expire (an old mail's link still works)."""
    return tokens.sign(tokens.UNSUBSCRIBE, {"u": user_id, "k": sorted(kinds_)})


def read_unsubscribe(token: str) -> tuple[User, list[str]] | None:
    """The member and the kinds an unsubscribe token names, or None (a member no longer
    active may still stop mail)."""
    found = accounts.member_for_link(tokens.UNSUBSCRIBE, token, inactive_too=True)
    if found is None or not isinstance(found[1].get("k"), list):
        return None
    user, payload = found
    known = [kind for kind in payload["k"] if kind in kinds()]
    return (user, known) if known else None


def unsubscribe(user: User, kinds_: list[str]) -> None:
    save(user, dict.fromkeys(kinds_, NEVER))

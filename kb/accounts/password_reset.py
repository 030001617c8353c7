""""Glömt lösenordet?": a link by mail that sets a new password once.

The link is signed, expires after RESET_LINK_MINUTES and binds a fingerprint of
the member's current password hash and address: once the password changes (by
this link or any other way) or the address does, the link no longer works. The
request answers the same whether or not the address has an account.
"""

from __future__ import annotations

from flask import current_app

from kb import mail
from kb.accounts import members as accounts
from kb.core import signed_links as tokens
from kb.extensions import db
from kb.models import User

RESET_MAIL = "reset"


def _fingerprint(user: User) -> str:
    return tokens.fingerprint(user.password_hash, user.email)


def request_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active member; else nothing."""
    user = accounts.find_by_email(email)
    if user is None or not user.active:
        return
    token = tokens.sign(tokens.RESET, {"u": user.id, "f": _fingerprint(user)})
    mail.queue(RESET_MAIL, user.email, "Välj ett nytt lösenord på kb", "reset",
               user_id=user.id, name=user.display_name, email=user.email,
               url=mail.link("auth.reset_password", token=token),
               minutes=current_app.config["RESET_LINK_MINUTES"])
    db.session.commit()


def member_for(token: str) -> User | None:
    """The member a reset link is for, while it is valid and unused."""
    minutes = float(current_app.config["RESET_LINK_MINUTES"])
    found = accounts.member_for_link(tokens.RESET, token, max_age=minutes * 60,
                                     binds={"f": _fingerprint})
    return found[0] if found is not None else None


def reset(user: User, password: str) -> None:
    """Set the new password; every session so far ends. The link came to the member's
    address, so an unconfirmed address counts as confirmed from now on."""
    accounts.require_acceptable_password(password, user.email, user.display_name)
    accounts.set_password(user, password)
    accounts.end_sessions(user, commit=False)
    if not user.is_confirmed:
        accounts.mark_confirmed(user)
    db.session.commit()

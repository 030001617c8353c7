"""Creating members, confirming their address, logging in, and ending sessions.

Nothing here tells whether an address has an account: registering an address
that has one answers the same (its owner gets a mail instead), and a login costs
one password hash whether or not the account exists.
"""

from __future__ import annotations

from functools import cache

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from kb import mail, moderation, passwords, tokens
from kb.errors import Invalid
from kb.extensions import db
from kb.models import InviteCode, Organisation, User, utcnow
from kb.models.members import new_session_token

CONFIRMATION_MAIL = "confirm"
REGISTER_ATTEMPT_MAIL = "register_attempt"


class AccountError(Invalid):
    """A reason, in Swedish, why an account change cannot be made (`field` names the
    form field it belongs to)."""


def password_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def set_password(user: User, password: str) -> None:
    user.set_password(password, method=password_method())


def require_acceptable_password(password: str, *personal: str) -> None:
    """AccountError (on the password field) unless the new password is acceptable."""
    found = passwords.problems(password, user_inputs=personal)
    if found:
        raise AccountError(" ".join(found), field="password")


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalise_email(email)))


def get_member(member_id: int) -> User | None:
    return db.session.get(User, member_id)


def create_account(
    *,
    email: str,
    password: str,
    display_name: str,
    site_role: str = "member",
    professional_role: str | None = None,
    organisation_name: str | None = None,
    sector: str | None = None,
    size_band: str | None = None,
    invite: InviteCode | None = None,
    confirmed: bool = False,
    commit: bool = True,
) -> User:
    """A new account; `confirmed` for accounts an operator makes (`kb create-user`),
    whose address needs no link to prove it."""
    if find_by_email(email) is not None:
        raise AccountError("Det finns redan ett konto med den e-postadressen.", field="email")
    require_acceptable_password(password, email, display_name, organisation_name or "")
    user = User(
        email=User.normalise_email(email),
        display_name=display_name.strip(),
        site_role=site_role,
        professional_role=professional_role or None,
        email_confirmed_at=utcnow() if confirmed else None,
        session_token=new_session_token(),
    )
    set_password(user, password)
    if sector and size_band:
        user.organisation = Organisation(
            name=(organisation_name or "").strip(), sector=sector, size_band=size_band
        )
    db.session.add(user)
    db.session.flush()
    if invite is not None:
        # Conditional update: of two people racing with one code, only one gets in.
        taken = db.session.execute(
            update(InviteCode)
            .where(InviteCode.id == invite.id, InviteCode.used_at.is_(None))
            .values(used_by_id=user.id, used_at=utcnow())
        )
        if taken.rowcount != 1:
            db.session.rollback()
            raise AccountError("Inbjudningskoden är redan använd.", field="invite_code")
    if commit:
        db.session.commit()
    return user


def register(*, email: str, password: str, display_name: str, invite: InviteCode | None = None,
             **profile) -> None:
    """Someone asks to become a member; the answer is the same whether or not the
    address has an account already.

    A new address gets an unconfirmed account and a confirmation link. An address
    with an account gets a mail telling its owner that someone tried (the invite
    code, if any, stays unused); nobody is logged in. Both paths hash a password,
    so they take the same time.
    """
    existing = find_by_email(email)
    if existing is None:
        try:
            user = create_account(email=email, password=password, display_name=display_name,
                                  invite=invite, commit=False, **profile)
            send_confirmation(user)
            db.session.commit()
            return
        except IntegrityError:  # the same address registered in another request just now
            db.session.rollback()
            existing = find_by_email(email)
            if existing is None:
                raise
    _spend_a_hash(password)
    mail.queue(REGISTER_ATTEMPT_MAIL, existing.email,
               "Någon försökte skapa ett konto med din e-postadress", "register_attempt",
               user_id=existing.id, name=existing.display_name, email=existing.email,
               login_url=mail.link("auth.login"), forgot_url=mail.link("auth.forgot_password"))
    db.session.commit()


# Confirming the address ------------------------------------------------------------------

def send_confirmation(user: User) -> None:
    """Queue a confirmation link for the member's address (the caller commits)."""
    token = tokens.sign(tokens.CONFIRM, {"u": user.id, "e": user.email})
    mail.queue(CONFIRMATION_MAIL, user.email, "Bekräfta din e-postadress på kb", "confirm",
               user_id=user.id, name=user.display_name, email=user.email,
               url=mail.link("auth.confirm", token=token),
               hours=current_app.config["CONFIRM_LINK_HOURS"])


def resend_confirmation(user: User) -> bool:
    """A new confirmation link for a member still unconfirmed; False if confirmed."""
    if user.is_confirmed:
        return False
    send_confirmation(user)
    db.session.commit()
    return True


def confirmation_for(token: str) -> User | None:
    """The member a valid confirmation link is for (it names their current address)."""
    hours = float(current_app.config["CONFIRM_LINK_HOURS"])
    payload = tokens.load(tokens.CONFIRM, token, max_age=hours * 3600)
    if payload is None or not isinstance(payload.get("u"), int):
        return None
    user = db.session.get(User, payload["u"])
    if user is None or not user.active or not tokens.same(payload.get("e"), user.email):
        return None
    return user


def confirm(user: User) -> bool:
    """The member proved the address is theirs: what they wrote meanwhile is published
    by the usual moderation rules. False when it was confirmed already."""
    if user.is_confirmed:
        return False
    mark_confirmed(user)
    db.session.commit()
    return True


def mark_confirmed(user: User) -> None:
    user.email_confirmed_at = utcnow()
    db.session.flush()
    moderation.release_unconfirmed(user)


# Logging in and out -------------------------------------------------------------------

@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("no account has this password", method=method)


def _spend_a_hash(password: str) -> None:
    """The cost of checking a password, for paths that have no real one to check."""
    check_password_hash(_dummy_hash(password_method()), password)


def authenticate(email: str, password: str) -> User | None:
    """The active member with these credentials, or None (in the same time either way)."""
    user = find_by_email(email)
    if user is None or not user.active:
        _spend_a_hash(password)
        return None
    if not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def load_session(session_id: str) -> User | None:
    """The member a session (or remember-me) cookie names, while its token is current."""
    member_id, _, token = (session_id or "").partition(":")
    if not member_id.isdigit() or not token or len(member_id) > 10:
        return None
    user = db.session.get(User, int(member_id))
    if user is None or not user.active or not tokens.same(token, user.session_token):
        return None
    return user


def end_sessions(user: User, *, commit: bool = True) -> None:
    """Every session of the member so far ends: cookies carry the old token."""
    user.session_token = new_session_token()
    if commit:
        db.session.commit()

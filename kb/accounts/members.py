"""Creating members, confirming their address, logging in, and ending sessions.

Nothing here tells whether an address has an account: registering an address
that has one answers the same (its owner gets a mail instead), and a login costs
one password hash whether or not the account exists.

Registering gives the browser that registered a marker (`register` returns it; the
view keeps it signed in that browser's session for REGISTERED_HERE_HOURS): a keyed
fingerprint of the address and of the password hash that registration made. The
account that registration created matches it (`registered_with`), so pressing the
confirmation button in that browser logs the new member in. An address that had an
account gets a marker of the same look made from a hash of the typed password with a
new salt, which matches no account: the session cookie tells nobody which it was.
"""

from __future__ import annotations

from functools import cache

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from kb import mail, moderation
from kb.accounts import organisations, passwords
from kb.core import parsing
from kb.core import signed_links as tokens
from kb.core.errors import Invalid
from kb.extensions import db
from kb.models import Comment, Experience, InviteCode, Organisation, User, utcnow
from kb.models.members import new_session_token

CONFIRMATION_MAIL = "confirm"
REGISTER_ATTEMPT_MAIL = "register_attempt"
# The purpose of the signed marker the registering browser keeps, and how long it
# logs the member in when they confirm there.
REGISTERED_HERE = "registered-here"
REGISTERED_HERE_HOURS = 3


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


def member_for_link(purpose: str, token: str, *, max_age: float | None = None,
                    binds: dict | None = None,
                    inactive_too: bool = False) -> tuple[User, dict] | None:
    """The member a link in a mail names, and the link's payload, while the link holds
    (kb.core.signed_links.read: its purpose, its age, the values it binds). A member
    who is no longer active has no working links, except where `inactive_too`
    (unsubscribing, which anyone may do)."""
    def find(member_id: int) -> User | None:
        user = db.session.get(User, member_id)
        return user if user is not None and (user.active or inactive_too) else None

    return tokens.read(purpose, token, find, max_age=max_age, binds=binds)


def confirm_link_seconds() -> float:
    """How long a link that confirms an address works (CONFIRM_LINK_HOURS)."""
    return float(current_app.config["CONFIRM_LINK_HOURS"]) * 3600


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
    # Typing the organisation's name verifies nothing; an address an operator vouches
    # for (`confirmed`) at the organisation's domain does.
    organisations.settle(user)
    if invite is not None:
        # Conditional update: of several people racing with one code, only one gets in.
        now = utcnow()
        taken = db.session.execute(
            update(InviteCode)
            .where(InviteCode.id == invite.id, InviteCode.used_at.is_(None),
                   InviteCode.expires_at >= now)
            .values(used_by_id=user.id, used_at=now)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            db.session.rollback()
            raise AccountError("Inbjudningskoden är redan använd.", field="invite_code")
    if commit:
        db.session.commit()
    return user


def register(*, email: str, password: str, display_name: str, invite: InviteCode | None = None,
             invitation: str | None = None, **profile) -> str:
    """Someone asks to become a member; the answer is the same whether or not the
    address has an account already.

    A new address gets an unconfirmed account and a confirmation link (carrying the
    network `invitation` the person registers through, if any: confirming joins it).
    An address with a confirmed account gets a mail telling its owner that someone
    tried (the invite code, if any, stays unused); one whose account is not confirmed
    gets a new confirmation link, whose page lets the owner remove an account she did
    not make. Nobody is logged in. Both paths hash a password once, so they take the
    same time, and both return a marker for the registering browser (see the
    module's docstring).
    """
    existing = find_by_email(email)
    if existing is None:
        try:
            user = create_account(email=email, password=password, display_name=display_name,
                                  invite=invite, commit=False, **profile)
            send_confirmation(user, invitation=invitation)
            marker = registration_marker(user.email, user.password_hash)
            db.session.commit()
            return marker
        except IntegrityError:  # the same address registered in another request just now
            db.session.rollback()
            existing = find_by_email(email)
            if existing is None:
                raise
    # One hash, as the other path makes: a marker that matches no account.
    marker = registration_marker(existing.email,
                                 generate_password_hash(password, method=password_method()))
    if not existing.is_confirmed:
        # Nobody has proved the address yet: its owner gets a confirmation link, whose
        # page shows the account and lets her remove it if someone else made it.
        send_confirmation(existing)
        db.session.commit()
        return marker
    mail.queue(REGISTER_ATTEMPT_MAIL, existing.email,
               "Någon försökte skapa ett konto med din e-postadress", "register_attempt",
               user_id=existing.id, name=existing.display_name, email=existing.email,
               login_url=mail.link("auth.login"), forgot_url=mail.link("auth.forgot_password"))
    db.session.commit()
    return marker


def registration_marker(email: str, password_hash: str) -> str:
    return tokens.fingerprint(REGISTERED_HERE, email, password_hash)


def registered_with(user: User, marker: str | None) -> bool:
    """Whether `marker` is the one the registration that created this account gave its
    browser (a changed password or address no longer matches)."""
    return tokens.same(marker, registration_marker(user.email, user.password_hash))


def registered_here_seconds() -> float:
    return REGISTERED_HERE_HOURS * 3600.0


# Confirming the address ------------------------------------------------------------------

def send_confirmation(user: User, invitation: str | None = None) -> None:
    """Queue a confirmation link for the member's address (the caller commits); with
    the token of a network's invitation the member registered through, which the
    confirmation then accepts (it works only for the invited address)."""
    payload = {"u": user.id, "e": user.email}
    if invitation:
        payload["i"] = invitation[:64]
    token = tokens.sign(tokens.CONFIRM, payload)
    mail.queue(CONFIRMATION_MAIL, user.email, "Bekräfta din e-postadress på kb", "confirm",
               user_id=user.id, name=user.display_name, email=user.email,
               url=mail.link("auth.confirm", token=token),
               hours=current_app.config["CONFIRM_LINK_HOURS"])


def resend_confirmation(user: User, invitation: str | None = None) -> bool:
    """A new confirmation link for a member still unconfirmed; False if confirmed."""
    if user.is_confirmed:
        return False
    send_confirmation(user, invitation=invitation)
    db.session.commit()
    return True


def confirmation_for(token: str) -> User | None:
    """The member a valid confirmation link is for (it names their current address)."""
    found = confirmation(token)
    return found[0] if found is not None else None


def confirmation(token: str) -> tuple[User, str | None] | None:
    """The member a valid confirmation link is for, and the token of the network
    invitation it carries (None when it carries none)."""
    found = member_for_link(tokens.CONFIRM, token, max_age=confirm_link_seconds(),
                            binds={"e": lambda user: user.email})
    if found is None:
        return None
    invitation = found[1].get("i")
    return found[0], invitation if isinstance(invitation, str) else None


def confirm(user: User) -> bool:
    """The member proved the address is theirs: what they wrote meanwhile is published
    by the usual moderation rules. False when it was confirmed already."""
    if user.is_confirmed:
        return False
    mark_confirmed(user)
    db.session.commit()
    return True


def unpublished_count(user: User) -> int:
    """How many experiences and comments an account not yet confirmed has written:
    what confirming it would publish (none for a confirmed account)."""
    if user.is_confirmed:
        return 0
    return sum(db.session.scalar(select(func.count()).where(model.author_id == user.id))
               for model in (Experience, Comment))


def mark_confirmed(user: User) -> None:
    user.email_confirmed_at = utcnow()
    db.session.flush()
    moderation.release_unconfirmed(user)
    # An address at the domain of the organisation the member names verifies them.
    organisations.settle(user)


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
    member_id = parsing.as_id(member_id)
    if member_id is None or not token:
        return None
    user = db.session.get(User, member_id)
    if user is None or not user.active or not tokens.same(token, user.session_token):
        return None
    return user


def end_sessions(user: User, *, commit: bool = True) -> None:
    """Every session of the member so far ends: cookies carry the old token."""
    user.session_token = new_session_token()
    if commit:
        db.session.commit()

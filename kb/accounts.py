"""Creating and authenticating members."""

from flask import current_app
from sqlalchemy import select, update

from kb.errors import Invalid
from kb.extensions import db
from kb.models import InviteCode, Organisation, User, utcnow


class AccountError(Invalid):
    """A reason, in Swedish, why an account change cannot be made (`field` names the
    form field it belongs to)."""


def password_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def set_password(user: User, password: str) -> None:
    user.set_password(password, method=password_method())


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
) -> User:
    if find_by_email(email) is not None:
        raise AccountError("Det finns redan ett konto med den e-postadressen.", field="email")
    if len(password) < current_app.config["MIN_PASSWORD_LENGTH"]:
        raise AccountError(
            f"Lösenordet måste ha minst {current_app.config['MIN_PASSWORD_LENGTH']} tecken.",
            field="password",
        )
    user = User(
        email=User.normalise_email(email),
        display_name=display_name.strip(),
        site_role=site_role,
        professional_role=professional_role or None,
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
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active member with these credentials, or None."""
    user = find_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user

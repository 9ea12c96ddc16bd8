"""Reading and writing users. Services flush; the caller commits."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from trainer.accounts.models import User
from trainer.dbtypes import utcnow
from trainer.extensions import db

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128

# Checked when the email is unknown, so that both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:600000")


class AccountError(ValueError):
    """A request to change an account that cannot be met; the message is for the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (for any reason)."""
    user = get_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    user.joined_at = user.joined_at or user.last_login_at
    return user


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(_("The password must have at most %(n)d characters.", n=MAX_PASSWORD_LENGTH))


def create_user(
    email: str,
    name: str,
    password: str | None = None,
    *,
    is_coordinator: bool = False,
    country: str | None = None,
    timezone: str | None = None,
    locale: str | None = None,
    organisation_id: int | None = None,
    position: str = "",
    is_focal_point: bool = False,
) -> User:
    if get_user_by_email(email) is not None:
        raise AccountError(_("An account with the email %(email)s already exists.", email=normalise_email(email)))
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        is_coordinator=is_coordinator,
        country=country,
        timezone=timezone,
        locale=locale,
        organisation_id=organisation_id,
        position=position,
        is_focal_point=is_focal_point,
    )
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)


def update_profile(user: User, name: str, timezone: str | None, locale: str | None) -> None:
    user.name = name.strip()
    user.timezone = timezone
    user.locale = locale
    db.session.flush()

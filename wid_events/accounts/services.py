"""Account services: users, passwords, API tokens, organiser rights."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from wid_events.accounts.models import ApiToken, User
from wid_events.core.web import hash_token
from wid_events.errors import DomainError, NotFound
from wid_events.extensions import db

MIN_PASSWORD_LENGTH = 10
# A fixed hash to compare against for unknown emails, so timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    user.password_hash = generate_password_hash(password)


def create_or_reset_admin(email: str, password: str, name: str | None = None) -> User:
    """Create (or reset) a site administrator. ``name`` shows on badges and in the audit log;
    without it a new admin is named after the email's local part, and an existing one keeps theirs."""
    name = (name or "").strip()
    if len(name) > 200:
        raise DomainError(_("The name is too long (at most 200 characters)."), field="name")
    user = user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), name=name or email.split("@", maxsplit=1)[0])
        db.session.add(user)
    elif name:
        user.name = name
    set_password(user, password)
    user.is_admin = True
    user.is_active_account = True
    return user


def get_or_create_user(email: str, name: str = "") -> User:
    user = user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), name=name or email.split("@", maxsplit=1)[0])
        db.session.add(user)
        db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Same work whether or not the email exists."""
    user = user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


def issue_token(email: str) -> str:
    """Create an API token for the user and return it; only its hash is stored."""
    user = user_by_email(email)
    if user is None:
        raise NotFound(f"No user with email {email!r}.")
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    return token

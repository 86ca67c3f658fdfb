"""Account services: users, passwords, API tokens, organiser rights."""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from wid_events.accounts.models import ApiToken, User
from wid_events.core.web import hash_token
from wid_events.errors import DomainError, NotFound
from wid_events.extensions import db
from wid_events.models_base import utcnow

MIN_PASSWORD_LENGTH = 10
#: How long a new API token works unless ``--days`` says otherwise.
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650
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


def issue_token(email: str, *, days: int = DEFAULT_TOKEN_DAYS, name: str = "") -> str:
    """Create an API token for the user, valid ``days`` days, and return it; only its hash is stored."""
    user = user_by_email(email)
    if user is None:
        raise NotFound(f"No user with email {email!r}.")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise DomainError(f"--days must be between 1 and {MAX_TOKEN_DAYS}.", field="days")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=hash_token(token),
            name=(name or "").strip()[:100],
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
    )
    return token


def active_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first (for the account page)."""
    now = utcnow()
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            )
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def revoke_tokens(email: str) -> int:
    """Revoke every API token of the user with this email; returns how many were still working."""
    user = user_by_email(email)
    if user is None:
        raise NotFound(f"No user with email {email!r}.")
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    now = utcnow()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)

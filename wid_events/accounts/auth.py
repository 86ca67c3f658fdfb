"""Who is logged in: Flask-Login's loaders (session cookie and API bearer token)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from wid_events.accounts.models import ApiToken, User
from wid_events.core.web import hash_token
from wid_events.extensions import db, login_manager


def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def load_user_from_bearer(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == hash_token(header[7:].strip()), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def init_app(app: Flask) -> None:
    """Connect the loaders. Called once by ``create_app`` (listed in :mod:`wid_events.wiring`)."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_bearer)

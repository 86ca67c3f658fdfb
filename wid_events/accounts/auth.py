"""Who is logged in: Flask-Login's loaders (session cookie and API bearer token)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask, g
from flask_babel import lazy_gettext as _l

from wid_events.accounts.models import ApiToken, User
from wid_events.core.web import hash_token
from wid_events.extensions import db, login_manager
from wid_events.models_base import utcnow

#: ``ApiToken.last_used_at`` is written at most this often per token.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def load_user_from_bearer(req) -> User | None:
    """The user of a working API token. An expired or revoked token sets ``g.api_token_refused``
    (the API then says why in its 401). The token's last use is recorded at most once a minute,
    in its own short transaction before the request's work."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(header[7:].strip()))
    )
    if token is None or not token.user.is_active:
        return None
    now = utcnow()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        g.api_token_refused = True
        return None
    user = token.user
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        # End the read first: on SQLite a read transaction cannot become a write once another
        # worker wrote meanwhile; a fresh one that starts with the UPDATE waits for its turn.
        # No ORM synchronisation: it would re-read the expired row first and turn this into a
        # read-then-write. Last use is bookkeeping: never fail the request for it.
        token_id = token.id
        db.session.commit()
        stmt = (
            sa.update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        try:
            db.session.execute(stmt)
            db.session.commit()
        except sa.exc.OperationalError:
            db.session.rollback()
    return user


def init_app(app: Flask) -> None:
    """Connect the loaders. Called once by ``create_app`` (listed in :mod:`wid_events.wiring`)."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_bearer)

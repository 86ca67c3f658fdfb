"""Site users, their per-event organiser rights and their API tokens."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from wid_events.events.models import Event


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased, unique login name.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Werkzeug scrypt/pbkdf2 hash; never the password itself.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    #: Site administrators create events and grant organiser rights.
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    #: Preferred UI language (a code from ``LANGUAGES``), or None for Accept-Language.
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    organiser_roles: Mapped[list[EventOrganiser]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="EventOrganiser.user_id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class EventOrganiser(db.Model):
    """Grants one user the organiser role on one event."""

    __tablename__ = "event_organisers"
    __table_args__ = (sa.UniqueConstraint("user_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Who granted the right (None when done from the command line).
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="organiser_roles", foreign_keys=[user_id])
    event: Mapped[Event] = relationship(back_populates="organisers")


class ApiToken(db.Model):
    """A bearer token for the organiser API. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: hex SHA-256 of the token handed out once by ``flask users token``.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: A label for the account page, e.g. "check-in phone".
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: After this instant the token gets 401 (``users token --days N``, default 90 days).
    #: NULL for tokens made before tokens expired.
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Last successful use, updated at most once a minute.
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

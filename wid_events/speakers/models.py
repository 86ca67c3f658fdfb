"""The speaker portal's records: personal links (tokens) and session materials.

The people themselves (:class:`~wid_events.people.models.Person`) live in :mod:`wid_events.people`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.enums import MaterialVisibility
from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow
from wid_events.people.models import Person

if TYPE_CHECKING:
    from wid_events.agenda.models import Session as AgendaSession


def _default_token_expiry() -> dt.datetime:
    days = current_app.config.get("SPEAKER_TOKEN_DAYS", 60)
    return utcnow() + dt.timedelta(days=days)


class SpeakerToken(db.Model):
    """A personal portal link. Only the SHA-256 of the random token is stored.

    The token itself (256 random bits) is shown once: in the invitation email, and printed
    by ``flask speakers invite``. Re-sending issues a new token and revokes the old ones.
    """

    __tablename__ = "speaker_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: hex SHA-256 of the token (``core.web.hash_token``).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: After this instant the link no longer opens the portal (``SPEAKER_TOKEN_DAYS``).
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=_default_token_expiry)
    #: Set when an organiser revokes the link or a newer link replaces it.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the link was last opened.
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Who issued it (audit label: an organiser's email, "cli", "reminder").
    issued_by: Mapped[str] = mapped_column(sa.String(254), default="")

    person: Mapped[Person] = relationship()

    def is_valid(self, now: dt.datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now

    @property
    def state(self) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > utcnow() else "expired"


class Material(db.Model):
    """Slides, a document or a link for one session. Files keep every uploaded version."""

    __tablename__ = "materials"

    #: How a change here reaches the public version of its event (see events.versioning).

    __public_of__ = ("session",)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: The speaker who added it (None when added by an organiser or the person was removed).
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    #: For link materials (e.g. a video): an http(s) URL. None for files.
    url: Mapped[str | None] = mapped_column(sa.String(1000))
    visibility: Mapped[MaterialVisibility] = mapped_column(
        enum_type(MaterialVisibility), default=MaterialVisibility.PUBLIC
    )
    #: Hidden by an organiser: never public, whatever the visibility.
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Audit label of the organiser who hid it.
    hidden_by: Mapped[str | None] = mapped_column(sa.String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: Mapped[AgendaSession] = relationship("Session")
    person: Mapped[Person | None] = relationship()
    versions: Mapped[list[MaterialVersion]] = relationship(
        back_populates="material", cascade="all, delete-orphan", order_by="MaterialVersion.number"
    )

    @property
    def is_link(self) -> bool:
        return self.url is not None

    @property
    def current(self) -> MaterialVersion | None:
        """The newest version (the one served)."""
        return self.versions[-1] if self.versions else None


class MaterialVersion(db.Model):
    """One uploaded file of a material. Re-uploading adds a version; none is overwritten."""

    __tablename__ = "material_versions"

    #: How a change here reaches the public version of its event (see events.versioning).

    __public_of__ = ("material",)
    __table_args__ = (sa.UniqueConstraint("material_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(sa.ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3… within the material.
    number: Mapped[int]
    #: Random storage key (``wid_events.storage``); never derived from the filename.
    storage_key: Mapped[str] = mapped_column(sa.String(200))
    #: Sanitised original filename, for display and Content-Disposition.
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: Detected from the content (``wid_events.uploads.Kind`` value), e.g. ``pdf``.
    kind: Mapped[str] = mapped_column(sa.String(16))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Audit label of the uploader ("speaker:12" or an organiser's email).
    uploaded_by: Mapped[str] = mapped_column(sa.String(254), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    material: Mapped[Material] = relationship(back_populates="versions")

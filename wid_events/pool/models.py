"""The speaker pool: experts who volunteered through the call for speakers (``/speakers/join``).

One pool for the organisation, across its events. A member's entry is their own: they edit or
withdraw it with a personal link, and withdrawing deletes the row (and its photo). Organisers
review confirmed entries and accept them into the pool or decline them with a message.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.enums import Gender, PoolStatus
from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow


class PoolMember(db.Model):
    """One expert's entry in the speaker pool.

    Public only when ``status`` is accepted AND ``list_publicly`` is set: name, organisation,
    topics, languages, cities, bio, photo. Email and gender are never public.
    """

    __tablename__ = "pool_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased; one entry per address (a second sign-up gets the personal link again).
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str | None] = mapped_column(sa.String(300))
    #: Topic tags: keys of :data:`wid_events.pool.topics.TOPICS` and free tags, a JSON list.
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Language codes the member speaks in (``en``, ``fr``…), a JSON list.
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Cities where the member can speak in person (free text, comma-separated).
    cities: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Available to speak online.
    online: Mapped[bool] = mapped_column(default=True)
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    #: Storage key of the resized, EXIF-free photo.
    photo_key: Mapped[str | None] = mapped_column(sa.String(200))
    #: Ids of the events the member said they are available for, a JSON list.
    event_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Optional period the member is available in (local dates, inclusive).
    available_from: Mapped[dt.date | None]
    available_until: Mapped[dt.date | None]
    #: Self-declared, optional, PRIVATE (organisers only): same wording as the speaker portal.
    gender: Mapped[Gender] = mapped_column(enum_type(Gender), default=Gender.UNDISCLOSED)
    gender_self_description: Mapped[str | None] = mapped_column(sa.String(100))
    #: The member agreed to appear on the public pool page (once accepted).
    list_publicly: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PoolStatus] = mapped_column(enum_type(PoolStatus), default=PoolStatus.UNCONFIRMED)
    #: hex SHA-256 of the personal link's token (``core.web.hash_token``); the token is only mailed.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: The message sent with a decline (kept so the member sees it on their page).
    decision_message: Mapped[str] = mapped_column(sa.Text, default="")
    #: Audit label of the organiser who accepted or declined.
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(254))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    invitations: Mapped[list[PoolInvitation]] = relationship(
        back_populates="member", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_public(self) -> bool:
        return self.status == PoolStatus.ACCEPTED and self.list_publicly

    def __repr__(self) -> str:
        return f"<PoolMember {self.id} {self.status}>"


class PoolInvitation(db.Model):
    """A pool member asked to join a session ("Invite to this panel"); erased with the member.

    Used so that nobody is asked twice for one event, and to rank by fewest recent invitations.
    """

    __tablename__ = "pool_invitations"
    __table_args__ = (sa.UniqueConstraint("member_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("pool_members.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sessions.id", ondelete="SET NULL"))
    #: The event's speaker record made for the invitation.
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    member: Mapped[PoolMember] = relationship(back_populates="invitations")

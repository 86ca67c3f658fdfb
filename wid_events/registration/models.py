"""Attendee registrations and their workshop choices."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.enums import Attendance, RegistrationStatus
from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from wid_events.agenda.models import Session
    from wid_events.events.models import Event


def new_checkin_code() -> str:
    """Opaque badge/QR code: 128 random bits, no personal data."""
    return secrets.token_urlsafe(16)


class Registration(db.Model):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: hex SHA-256 of the attendee's manage token (the token itself is only in their email/URL).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Personal fields; emptied on GDPR erasure.
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    #: Lower-cased email, for the one-registration-per-email rule.
    email_normalised: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    organisation: Mapped[str | None] = mapped_column(sa.String(300))
    pronouns: Mapped[str | None] = mapped_column(sa.String(50))
    access_needs: Mapped[str] = mapped_column(sa.Text, default="")
    dietary: Mapped[str] = mapped_column(sa.Text, default="")
    attendance: Mapped[Attendance] = mapped_column(enum_type(Attendance), default=Attendance.IN_PERSON)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus), default=RegistrationStatus.CONFIRMED, index=True
    )
    #: Arrival order on the waitlist (lower first); None when not waitlisted.
    waitlisted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: UI language of the registrant, for their emails.
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Opaque code printed as the badge QR code and accepted by the check-in API.
    checkin_code: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_checkin_code)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Set when the personal fields were erased (GDPR); the row stays for counts.
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    choices: Mapped[list[RegistrationSession]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )


class RegistrationSession(db.Model):
    """A registration's choice of a sign-up session (workshop), confirmed or waitlisted."""

    __tablename__ = "registration_sessions"
    __table_args__ = (sa.UniqueConstraint("registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus), default=RegistrationStatus.CONFIRMED
    )
    #: Arrival order on this session's waitlist.
    waitlisted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="choices")
    session: Mapped[Session] = relationship()

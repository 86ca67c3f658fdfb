"""Attendee registrations and their workshop choices."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.core.search import search_key
from wid_events.enums import Attendance, QuestionType, RegistrationStatus
from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from wid_events.agenda.models import Session
    from wid_events.events.models import Event


def new_checkin_code() -> str:
    """Opaque badge/QR code: 128 random bits, no personal data."""
    return secrets.token_urlsafe(16)


#: Statuses that hold (or wait for) a place, so one email may have only one of them per event.
ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


class Registration(db.Model):
    __tablename__ = "registrations"
    #: A change here moves the event's seat counts (``Event.seats_version``, see events.versioning).
    __seats_of__ = ("event_id", "event")
    __table_args__ = (
        # One active registration per email and event. Cancelled, rejected and erased rows set
        # ``active_email`` to NULL, and NULLs never collide (SQLite and PostgreSQL alike), so the
        # person can register again after cancelling.
        sa.UniqueConstraint("event_id", "active_email"),
        # A double submit of the same form (same idempotency key) is one registration.
        sa.UniqueConstraint("event_id", "form_key_hash"),
        sa.Index("ix_registrations_event_status_attendance", "event_id", "status", "attendance"),
        sa.Index("ix_registrations_event_name_key", "event_id", "name_key"),
        sa.Index("ix_registrations_event_search_key", "event_id", "search_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: hex SHA-256 of the attendee's manage token (the token itself is only in their email/URL).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Personal fields; emptied on GDPR erasure.
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    #: ``core.search.search_key(name)``: sort order and search, the same on every database.
    #: Maintained on every ORM write (see ``_maintain_search_keys``); the sign-up's Core insert
    #: sets it with the same ``search_columns``.
    name_key: Mapped[str] = mapped_column(sa.String(200), default="")
    #: ``search_key`` of name, organisation and email, one line each: what the organisers'
    #: search compares with ``LIKE`` (``core.search.like_pattern``).
    search_key: Mapped[str] = mapped_column(sa.String(800), default="")
    #: Lower-cased email, for the one-registration-per-email rule.
    email_normalised: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    #: ``email_normalised`` while the registration is active (confirmed, waitlisted, pending),
    #: NULL otherwise; unique per event (see ``__table_args__``).
    active_email: Mapped[str | None] = mapped_column(sa.String(254))
    #: Keyed hash (HMAC-SHA256 under SECRET_KEY, hex) of the random idempotency key of the form
    #: that created this registration (a hidden field), so a double submit finds the first
    #: registration. Never the key itself: re-posting a key leads to the manage page. NULL
    #: for registrations made before it was kept, and once erased.
    form_key_hash: Mapped[str | None] = mapped_column(sa.String(64))
    #: Random secret the manage token is derived from (HMAC-SHA256 under SECRET_KEY), so the
    #: "resend my link" page can email the same link without storing the token. Useless
    #: without SECRET_KEY. NULL once erased.
    token_seed: Mapped[str | None] = mapped_column(sa.String(64))
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
        back_populates="registration", cascade="all, delete-orphan", order_by="RegistrationSession.id"
    )
    answers: Mapped[list[Answer]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="Answer.id"
    )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def set_status(self, status: RegistrationStatus) -> None:
        """Change the status, keeping ``active_email`` in step with it."""
        self.status = status
        self.active_email = self.email_normalised if status in ACTIVE_STATUSES else None


class RegistrationSession(db.Model):
    """A registration's choice of a sign-up session (workshop), confirmed or waitlisted."""

    __tablename__ = "registration_sessions"
    #: A change here moves the event's seat counts (``Event.seats_version``).
    __seats_of__ = ("registration",)
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "session_id"),
        sa.Index("ix_registration_sessions_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: ``confirmed`` holds a seat, ``waitlisted`` queues for one; ``pending`` is a wish that
    #: holds nothing yet (the registration itself is pending or waitlisted) and is allocated
    #: when the registration is confirmed; ``cancelled`` once the registration is cancelled.
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus), default=RegistrationStatus.CONFIRMED
    )
    #: Arrival order on this session's waitlist.
    waitlisted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="choices")
    session: Mapped[Session] = relationship()


def registration_search_text(name: str | None, organisation: str | None, email: str | None) -> str:
    """The normalised text a registration is found by (name, organisation, email)."""
    return "\n".join(search_key(part) for part in (name, organisation, email))[:800]


def search_columns(name: str | None, organisation: str | None, email: str | None) -> dict[str, str]:
    """``name_key`` and ``search_key`` of a registration with these fields."""
    return {
        "name_key": search_key(name)[:200],
        "search_key": registration_search_text(name, organisation, email),
    }


@sa.event.listens_for(Registration, "before_insert")
@sa.event.listens_for(Registration, "before_update")
def _maintain_search_keys(_mapper, _connection, reg: Registration) -> None:
    for column, value in search_columns(reg.name, reg.organisation, reg.email).items():
        setattr(reg, column, value)


class SessionStar(db.Model):
    """An attendee's favourite ("star") on a session: it joins their personal agenda and feed.

    Set through the personal link (no account); organisers see only the counts per session.
    """

    __tablename__ = "session_stars"
    __table_args__ = (sa.UniqueConstraint("registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Question(db.Model):
    """An organiser's own question on an event's registration form (form field ``q_<key>``)."""

    __tablename__ = "registration_questions"
    __table_args__ = (sa.UniqueConstraint("event_id", "key"),)
    #: Shown (translated) on the public registration form: an edit bumps the event's version.
    __public_of__ = ("event_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Stable key within the event; the form field is ``q_<key>``, the API/CSV use it as is.
    key: Mapped[str] = mapped_column(sa.String(64))
    #: The question in the event's default language.
    label: Mapped[str] = mapped_column(sa.String(300))
    help_text: Mapped[str] = mapped_column(sa.Text, default="")
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType), default=QuestionType.TEXT)
    required: Mapped[bool] = mapped_column(default=False)
    #: The choices of ``choice``/``multiple_choice`` questions (a list of strings), else None.
    options: Mapped[list | None] = mapped_column(sa.JSON)
    #: Asked only of in-person or only of online attendees; None: of everyone.
    attendance: Mapped[Attendance | None] = mapped_column(enum_type(Attendance))
    #: ``{lang: {"label", "help_text"?, "options"?}}``; translated options are shown in place of
    #: the default ones, position by position, but answers always store the default option.
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Order on the form (lower first).
    position: Mapped[int] = mapped_column(default=0)
    #: Archived questions are no longer asked; their answers stay (a question with answers
    #: cannot be deleted).
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Answer(db.Model):
    """A registrant's answer to one custom question. Personal data: removed on erasure."""

    __tablename__ = "registration_answers"
    __table_args__ = (sa.UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration_questions.id", ondelete="RESTRICT"), index=True
    )
    #: Text, a list of option texts (multiple choice), true/false (yes/no), an ISO country code
    #: or an ISO date, as in the API's ``"answers"``.
    value: Mapped[Any] = mapped_column(sa.JSON)

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()

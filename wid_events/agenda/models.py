"""Sessions of an event's agenda and the people on them."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.enums import (
    Attendance,
    EventMode,
    InvitationStatus,
    SessionAttendance,
    SessionStatus,
    SessionType,
    SpeakerRole,
)
from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from wid_events.events.models import Event, Room, Track
    from wid_events.people.models import Person


def new_key() -> str:
    return "s-" + secrets.token_hex(4)


def default_attendance(mode: EventMode | str, *, requires_signup: bool) -> SessionAttendance:
    """A session's attendance when none is set, from its event's mode."""
    if mode == EventMode.ONLINE:
        return SessionAttendance.ONLINE
    if mode == EventMode.IN_PERSON or requires_signup:
        return SessionAttendance.IN_PERSON
    return SessionAttendance.HYBRID


def plenary_ids(sessions: list[Session]) -> set[int]:
    """The sessions for everyone: keynotes, and sessions without sign-up that nothing else runs
    in parallel with (openings, plenary panels, breaks). Parallel talks are left out: each
    attendee picks among those (stars), so they do not belong in everyone's personal agenda.

    ``sessions`` may be :class:`Session` objects or rows with the same attributes (``id``,
    ``start``, ``end``, ``type``, ``requires_signup``, ``status``)."""
    live = sorted(
        (s for s in sessions if s.status != SessionStatus.CANCELLED), key=lambda s: (s.start, s.end)
    )
    parallel: set[int] = set()
    for i, a in enumerate(live):
        for b in live[i + 1 :]:
            if b.start >= a.end:
                break
            parallel.update((a.id, b.id))
    return {
        s.id
        for s in sessions
        if not s.requires_signup and (s.type == SessionType.KEYNOTE or s.id not in parallel)
    }


class Session(db.Model):
    """One agenda item. Times are wall-clock times in the event's timezone.

    Storing local times (not UTC) keeps "09:00 in Brussels" at 09:00 whatever the
    DST rules do; :attr:`start_utc` converts when an instant is needed.
    """

    __tablename__ = "sessions"

    #: How a change here reaches the public version of its event (see events.versioning).

    __public_of__ = ("event_id", "event")
    __table_args__ = (sa.UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Stable key within the event; also the base of the calendar UID.
    key: Mapped[str] = mapped_column(sa.String(100), default=new_key)
    title: Mapped[str] = mapped_column(sa.String(300))
    type: Mapped[SessionType] = mapped_column(enum_type(SessionType), default=SessionType.TALK)
    #: Local wall-clock start, naive, in ``event.timezone``.
    start: Mapped[dt.datetime]
    #: Local wall-clock end, naive, in ``event.timezone``.
    end: Mapped[dt.datetime]
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rooms.id", ondelete="RESTRICT"), index=True)
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id", ondelete="SET NULL"))
    #: Sign-up capacity (for ``requires_signup`` sessions), None for unlimited.
    capacity: Mapped[int | None]
    #: Attendees choose this session when registering (parallel workshops).
    requires_signup: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: ``{lang: {"title", "description"}}`` in languages other than the event's default.
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Who can attend (in person, online, both); None follows the event's mode, see
    #: :attr:`attendance_mode`.
    attendance: Mapped[SessionAttendance | None] = mapped_column(enum_type(SessionAttendance))
    status: Mapped[SessionStatus] = mapped_column(enum_type(SessionStatus), default=SessionStatus.CONFIRMED)
    #: iCalendar SEQUENCE: bumped when time, room or status change after publication.
    sequence: Mapped[int] = mapped_column(default=0)
    #: Topic tags, comma-separated (matched against the speaker pool's topics).
    tags: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    #: Optimistic concurrency: bumped by every organiser edit; a save from an older version is
    #: refused ("this session changed since you opened the editor"), never silently overwritten.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="sessions")
    room: Mapped[Room | None] = relationship()
    track: Mapped[Track | None] = relationship()
    speakers: Mapped[list[SessionSpeaker]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="SessionSpeaker.position, SessionSpeaker.id",
    )

    @property
    def attendance_mode(self) -> SessionAttendance:
        """The session's attendance, or its default: the event's mode, and for hybrid events
        "in person" for sign-up sessions (workshops have seats in a room) and "hybrid" otherwise."""
        if self.attendance is not None:
            return SessionAttendance(self.attendance)
        return default_attendance(self.event.mode, requires_signup=self.requires_signup)

    def open_to(self, attendance: Attendance | str) -> bool:
        """Whether an attendee of that mode can sign up: online attendees never take in-person-only seats."""
        return not (attendance == Attendance.ONLINE and self.attendance_mode == SessionAttendance.IN_PERSON)

    @property
    def start_utc(self) -> dt.datetime:
        return self.start.replace(tzinfo=self.event.tz).astimezone(dt.UTC)

    @property
    def end_utc(self) -> dt.datetime:
        return self.end.replace(tzinfo=self.event.tz).astimezone(dt.UTC)

    @property
    def uid(self) -> str:
        """Stable across exports and an export/import round trip (slug and key are kept)."""
        return f"{self.key}.{self.event.slug}@wid-events"

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in (self.tags or "").split(",") if t.strip()]

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<Session {self.key} {self.title!r}>"


class SessionSpeaker(db.Model):
    """A person on a session, with their role, in display order."""

    __tablename__ = "session_speakers"

    #: How a change here reaches the public version of its event (see events.versioning).

    __public_of__ = ("session",)
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    role: Mapped[SpeakerRole] = mapped_column(enum_type(SpeakerRole), default=SpeakerRole.SPEAKER)
    #: Display order within the session.
    position: Mapped[int] = mapped_column(default=0)
    #: The speaker's answer to the invitation (speaker portal).
    invitation_status: Mapped[InvitationStatus] = mapped_column(
        enum_type(InvitationStatus), default=InvitationStatus.PENDING
    )
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[Session] = relationship(back_populates="speakers")
    person: Mapped[Person] = relationship(back_populates="session_links")


class SessionChange(db.Model):
    """A change of a published session's time, room or status ("changes since publication").

    Rows whose ``notified_at`` is empty are the pending queue of attendee notifications;
    :func:`wid_events.registration.notices.notify_changes` sends them batched, one email per attendee.
    """

    __tablename__ = "session_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The changed session (kept as a label if the session is deleted later).
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )
    #: Session title at the time of the change.
    session_title: Mapped[str] = mapped_column(sa.String(300), default="")
    #: ``{field: [from, to]}`` with human-readable values (times ISO, room names, status).
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The session's iCalendar SEQUENCE after this change.
    sequence: Mapped[int] = mapped_column(default=0)
    actor_label: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When attendees were told about it; None while the notice is pending.
    notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: How many attendees were emailed about it.
    notified_count: Mapped[int] = mapped_column(default=0)

    session: Mapped[Session | None] = relationship()

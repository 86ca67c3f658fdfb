"""Seats: capacities, how many are taken or left, and places on the waitlists (read-only).

The rules that take and free seats are in :mod:`.waitlist`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from wid_events.agenda.models import Session
from wid_events.enums import Attendance, RegistrationStatus
from wid_events.events.models import Event, Room
from wid_events.extensions import db
from wid_events.registration.models import Registration, RegistrationSession
from wid_events.registration.services.form import allowed_attendance, signup_sessions

CONFIRMED = RegistrationStatus.CONFIRMED
WAITLISTED = RegistrationStatus.WAITLISTED
PENDING = RegistrationStatus.PENDING
CANCELLED = RegistrationStatus.CANCELLED
REJECTED = RegistrationStatus.REJECTED


@dataclass(frozen=True)
class SeatRules:
    """What placing a new registration reads of its event, copied before the event lock.

    Every change of these columns bumps ``Event.version`` (see events.versioning), so while the
    locked row still has ``version``, they are what the database holds.
    """

    id: int
    version: int
    requires_approval: bool
    capacity_in_person: int | None
    capacity_online: int | None

    @classmethod
    def of(cls, event: Event) -> SeatRules:
        return cls(
            event.id, event.version, event.requires_approval, event.capacity_in_person, event.capacity_online
        )


def event_capacity(event: Event | SeatRules, attendance: Attendance) -> int | None:
    return event.capacity_in_person if attendance == Attendance.IN_PERSON else event.capacity_online


def session_capacity(session: Session) -> int | None:
    """The session's own sign-up capacity, else its room's seats, else unlimited."""
    if session.capacity is not None:
        return session.capacity
    if session.room is not None:
        return session.room.capacity
    return None


def count_event(event_id: int, attendance: Attendance, status: RegistrationStatus = CONFIRMED) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event_id,
            Registration.attendance == attendance,
            Registration.status == status,
        )
    )


def count_session(session_id: int, status: RegistrationStatus = CONFIRMED) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(RegistrationSession.id)).where(
            RegistrationSession.session_id == session_id, RegistrationSession.status == status
        )
    )


def _left(cap: int | None, confirmed: int, waiting: int) -> int | None:
    """Free seats of a capacity (None = unlimited); 0 also when people are already waiting."""
    return None if cap is None else 0 if waiting else max(cap - confirmed, 0)


#: Confirmed and waitlisted registrations of one event and attendance mode (one row). Built
#: once: a registration asks it under the event lock, where every statement's own CPU counts.
_EVENT_COUNTS = (
    sa.func.count().filter(Registration.status == CONFIRMED),
    sa.func.count().filter(Registration.status == WAITLISTED),
)
_EVENT_ONLY = (
    Registration.event_id == sa.bindparam("event_id"),
    Registration.attendance == sa.bindparam("attendance", type_=Registration.attendance.type),
    Registration.status.in_([CONFIRMED, WAITLISTED]),
)
_EVENT_TAKEN = sa.select(*_EVENT_COUNTS).where(*_EVENT_ONLY)


def seats_left(event: Event, attendance: Attendance) -> int | None:
    """Free seats (None = unlimited); 0 also when people are already waiting. One query.

    ``event`` needs only ``id`` and the capacities (an :class:`Event` or a :class:`SeatRules`).
    """
    cap = event_capacity(event, attendance)
    if cap is None:
        return None
    params = {"event_id": event.id, "attendance": attendance}
    confirmed, waiting = db.session.execute(_EVENT_TAKEN, params).one()
    return _left(cap, confirmed, waiting)


def session_seats_left(session: Session) -> int | None:
    cap = session_capacity(session)
    if cap is None:
        return None
    if count_session(session.id, WAITLISTED):
        return 0
    return max(cap - count_session(session.id), 0)


def sessions_seats_left(sessions: list[Session]) -> dict[int, int | None]:
    """:func:`session_seats_left` for many sessions in one query (the registration form's list)."""
    left = seats_left_by_id([s.id for s in sessions])
    return {s.id: left.get(s.id, 0) for s in sessions}  # a session deleted meanwhile: no seats


_choice = RegistrationSession
#: Each session's capacity (its own, else its room's) with its confirmed and waitlisted choices.
_SESSIONS_TAKEN = (
    sa.select(
        Session.id,
        sa.func.coalesce(Session.capacity, Room.capacity),
        sa.func.count(_choice.id).filter(_choice.status == CONFIRMED),
        sa.func.count(_choice.id).filter(_choice.status == WAITLISTED),
    )
    .select_from(Session)
    .outerjoin(Room, Session.room_id == Room.id)
    .outerjoin(
        _choice, sa.and_(_choice.session_id == Session.id, _choice.status.in_([CONFIRMED, WAITLISTED]))
    )
    .where(Session.id.in_(sa.bindparam("session_ids", expanding=True)))
    .group_by(Session.id, Session.capacity, Room.capacity)
)


def seats_left_by_id(session_ids: list[int]) -> dict[int, int | None]:
    """:func:`session_seats_left` by session id, capacities read with the counts: one query."""
    if not session_ids:
        return {}
    rows = db.session.execute(_SESSIONS_TAKEN, {"session_ids": list(session_ids)})
    return {sid: _left(cap, confirmed, waiting) for sid, cap, confirmed, waiting in rows}


#: :data:`_EVENT_TAKEN` as one row (session id NULL) followed by :data:`_SESSIONS_TAKEN`'s rows.
_EVENT_AND_SESSIONS_TAKEN = sa.union_all(
    sa.select(sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.Integer), *_EVENT_COUNTS).where(
        *_EVENT_ONLY
    ),
    _SESSIONS_TAKEN,
)


def seats_left_with_sessions(
    event: Event | SeatRules, attendance: Attendance, session_ids: list[int]
) -> tuple[int | None, dict[int, int | None]]:
    """:func:`seats_left` and :func:`seats_left_by_id` in one statement (a sign-up with workshops
    counts both under the event lock, where each statement's round trip counts)."""
    if not session_ids:
        return seats_left(event, attendance), {}
    params = {"event_id": event.id, "attendance": attendance, "session_ids": list(session_ids)}
    rows = db.session.execute(_EVENT_AND_SESSIONS_TAKEN, params).all()
    left = None
    sessions: dict[int, int | None] = {}
    for sid, cap, confirmed, waiting in rows:
        if sid is None:
            left = _left(event_capacity(event, attendance), confirmed, waiting)
        else:
            sessions[sid] = _left(cap, confirmed, waiting)
    return left, sessions


# --------------------------------------------------------------------------- waitlist positions


def waitlist_position(reg: Registration) -> int | None:
    """1-based place on the event waitlist of its attendance mode, or None when not waiting."""
    if reg.status != WAITLISTED or reg.waitlisted_at is None:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == reg.event_id,
            Registration.attendance == reg.attendance,
            Registration.status == WAITLISTED,
            sa.or_(
                Registration.waitlisted_at < reg.waitlisted_at,
                sa.and_(Registration.waitlisted_at == reg.waitlisted_at, Registration.id < reg.id),
            ),
        )
    )
    return ahead + 1


def choice_position(choice: RegistrationSession) -> int | None:
    if choice.status != WAITLISTED or choice.waitlisted_at is None:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count(RegistrationSession.id)).where(
            RegistrationSession.session_id == choice.session_id,
            RegistrationSession.status == WAITLISTED,
            sa.or_(
                RegistrationSession.waitlisted_at < choice.waitlisted_at,
                sa.and_(
                    RegistrationSession.waitlisted_at == choice.waitlisted_at,
                    RegistrationSession.id < choice.id,
                ),
            ),
        )
    )
    return ahead + 1


# --------------------------------------------------------------------------- overview


def counts(event: Event) -> dict:
    """Seats per attendance mode and per sign-up session, against capacity."""
    modes = {}
    for attendance in allowed_attendance(event):
        modes[attendance.value] = {
            status.value: count_event(event.id, attendance, status)
            for status in (CONFIRMED, WAITLISTED, PENDING, CANCELLED)
        } | {"capacity": event_capacity(event, attendance)}
    sessions = [
        {
            "session": s,
            "capacity": session_capacity(s),
            "confirmed": count_session(s.id),
            "waitlisted": count_session(s.id, WAITLISTED),
        }
        for s in signup_sessions(event)
    ]
    return {"attendance": modes, "sessions": sessions}

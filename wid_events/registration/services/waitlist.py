"""Taking and freeing seats: placing a registration, filling from the waitlists, releasing.

Capacity guarantee
------------------
Every change that takes or frees a seat (event seats per attendance mode, and workshop seats)
runs inside :func:`wid_events.core.database.write_transaction` and first calls
:func:`lock_event`, which does ``SELECT … FROM events WHERE id = … FOR UPDATE`` on PostgreSQL.
Only then are seats counted and the new row inserted. So:

* PostgreSQL: all seat-changing transactions of one event queue on that one row lock; in READ
  COMMITTED each later statement sees what the previous holder committed, so the count is
  exact. Workshop seats are covered by the same event lock (a session belongs to one event),
  which also avoids lock-ordering deadlocks between session rows.
* SQLite: ``BEGIN IMMEDIATE`` takes the database's single write lock before the first read;
  other gunicorn workers wait (``busy_timeout``) and then see the committed rows (WAL).

Both are database locks, held across processes and machines; an in-process lock would not
protect several gunicorn workers. Unique constraints (one active email per event, one
registration per form key) back the rules up should a code path ever forget the lock.

Services never commit: the caller's unit of work does (see :mod:`wid_events.core.uow`), and
the emails queued with :func:`.mail.queue_registration_mail` are only sent after that commit,
so a rolled-back registration never emails anyone.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from wid_events import signals
from wid_events.agenda.models import Session
from wid_events.core.database import lock_for_update, write_transaction
from wid_events.enums import Attendance, RegistrationStatus
from wid_events.errors import Conflict, NotFound
from wid_events.events.models import Event
from wid_events.events.versioning import lock_and_bump_seats
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.registration.models import Registration, RegistrationSession
from wid_events.registration.services.capacity import (
    CANCELLED,
    CONFIRMED,
    PENDING,
    WAITLISTED,
    SeatRules,
    count_event,
    count_session,
    event_capacity,
    seats_left_with_sessions,
    session_capacity,
)
from wid_events.registration.services.form import allowed_attendance, signup_sessions
from wid_events.registration.services.mail import queue_registration_mail


def lock_event(event_id: int) -> None:
    """Serialise seat changes of one event (see the module docstring). Call inside write_transaction."""
    db.session.execute(lock_for_update(sa.select(Event.id).where(Event.id == event_id)))


def lock_for_new_registration(event_id: int) -> int:
    """:func:`lock_event` for a sign-up, which also bumps the seats version and returns the
    event's public version, all in one statement (see ``events.versioning.lock_and_bump_seats``)."""
    version = lock_and_bump_seats(event_id)
    if version is None:
        raise NotFound(_("This event does not exist any more."))
    return version


def placement_for_new(
    event: Event | SeatRules, attendance: Attendance, session_ids: list[int]
) -> tuple[RegistrationStatus, dict[int, RegistrationStatus]]:
    """Where a registration not stored yet goes: its status and each chosen session's.

    The same rule as :func:`place_registration` and :func:`place_choice` (a seat when one is
    free and nobody waits for one, else the waitlist), counted under the event lock with one
    query for the event and the chosen sessions (with their capacities as they are now,
    :func:`seats_left_with_sessions`), so a new registration is inserted with its final statuses
    and the lock is held for the counts and the insert only.
    """
    if event.requires_approval:
        return PENDING, dict.fromkeys(session_ids, PENDING)
    event_left, left = seats_left_with_sessions(event, attendance, session_ids)
    if event_left == 0:
        return WAITLISTED, dict.fromkeys(session_ids, PENDING)
    return CONFIRMED, {i: WAITLISTED if left.get(i) == 0 else CONFIRMED for i in session_ids}


def relock(reg: Registration) -> Registration:
    """Lock the registration's event, then reload the registration as it is now."""
    lock_event(reg.event_id)
    return db.session.get(Registration, reg.id, populate_existing=True)


def require_active(reg: Registration) -> None:
    if not reg.is_active:
        raise Conflict(_("This registration is cancelled."), code="registration_cancelled")


def place_registration(reg: Registration, event: Event, now: dt.datetime) -> None:
    """Confirm if a seat is free and nobody is waiting for one; otherwise join the waitlist."""
    db.session.flush()
    cap = event_capacity(event, reg.attendance)
    waiting = count_event(event.id, reg.attendance, WAITLISTED) - (1 if reg.status == WAITLISTED else 0)
    if cap is None or (count_event(event.id, reg.attendance) < cap and waiting == 0):
        reg.set_status(CONFIRMED)
        reg.waitlisted_at = None
        for choice in reg.choices:
            if choice.status == PENDING:
                place_choice(choice, now)
    else:
        reg.set_status(WAITLISTED)
        reg.waitlisted_at = now


def place_choice(choice: RegistrationSession, now: dt.datetime) -> None:
    db.session.flush()
    cap = session_capacity(choice.session)
    if cap is None or (
        count_session(choice.session_id) < cap and count_session(choice.session_id, WAITLISTED) == 0
    ):
        choice.status = CONFIRMED
        choice.waitlisted_at = None
    else:
        choice.status = WAITLISTED
        choice.waitlisted_at = now


def fill_event(event: Event, attendance: Attendance, now: dt.datetime) -> list[Registration]:
    """Promote from the waitlist, first come first served, while seats are free."""
    promoted: list[Registration] = []
    cap = event_capacity(event, attendance)
    while True:
        db.session.flush()
        if cap is not None and count_event(event.id, attendance) >= cap:
            break
        nxt = db.session.scalar(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.attendance == attendance,
                Registration.status == WAITLISTED,
            )
            .order_by(Registration.waitlisted_at, Registration.id)
            .limit(1)
        )
        if nxt is None:
            break
        nxt.set_status(CONFIRMED)
        nxt.waitlisted_at = None
        for choice in nxt.choices:
            if choice.status == PENDING:
                place_choice(choice, now)
        promoted.append(nxt)
        queue_registration_mail("promoted", nxt)
    return promoted


def fill_session(session: Session, now: dt.datetime) -> list[RegistrationSession]:
    promoted: list[RegistrationSession] = []
    cap = session_capacity(session)
    while True:
        db.session.flush()
        if cap is not None and count_session(session.id) >= cap:
            break
        nxt = db.session.scalar(
            sa.select(RegistrationSession)
            .where(RegistrationSession.session_id == session.id, RegistrationSession.status == WAITLISTED)
            .order_by(RegistrationSession.waitlisted_at, RegistrationSession.id)
            .limit(1)
        )
        if nxt is None:
            break
        nxt.status = CONFIRMED
        nxt.waitlisted_at = None
        promoted.append(nxt)
        queue_registration_mail("session_promoted", nxt.registration, session=session)
    return promoted


def release(reg: Registration, status: RegistrationStatus, now: dt.datetime) -> None:
    """Give up the registration's seat and workshop seats, then promote whoever waits for them."""
    held_seat = reg.status == CONFIRMED
    freed = [c.session for c in reg.choices if c.status == CONFIRMED]
    for choice in reg.choices:
        choice.status = CANCELLED
        choice.waitlisted_at = None
    reg.set_status(status)
    reg.waitlisted_at = None
    if status == CANCELLED:
        reg.cancelled_at = now
    signals.registration_released.send(reg)
    db.session.flush()
    if held_seat:
        fill_event(reg.event, reg.attendance, now)
    for session in freed:
        fill_session(session, now)


def fill_waitlists(event: Event, *, actor=None) -> int:
    """Promote waiting people into free seats (e.g. after an organiser raised a capacity)."""
    now = utcnow()
    with write_transaction():
        lock_event(event.id)
        n = 0
        for attendance in allowed_attendance(event):
            n += len(fill_event(event, attendance, now))
        for session in signup_sessions(event):
            n += len(fill_session(session, now))
    return n

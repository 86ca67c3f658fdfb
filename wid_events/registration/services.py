"""Registration services: the form's rules, capacity and waitlists, self-service, GDPR, organisers.

Capacity guarantee
------------------
Every change that takes or frees a seat (event seats per attendance mode, and workshop seats)
runs inside :func:`wid_events.core.database.write_transaction` and first calls
:func:`_lock_event`, which does ``SELECT … FROM events WHERE id = … FOR UPDATE`` on PostgreSQL.
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

Services never commit: callers (views, CLI, tests) commit, and emails queued with
:func:`_queue_mail` are only handed to :func:`wid_events.mail.send_mail` after that commit, so a
rolled-back registration never emails anyone.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from wid_events import signals
from wid_events.agenda.models import Session
from wid_events.audit import services as audit
from wid_events.core.database import lock_for_update, write_transaction
from wid_events.core.web import hash_token
from wid_events.enums import Attendance, EventMode, RegistrationStatus, SessionStatus
from wid_events.errors import Conflict, DomainError, NotFound
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.mail import Attachment, Mail, send_mail
from wid_events.models_base import utcnow
from wid_events.registration.models import ACTIVE_STATUSES, Registration, RegistrationSession

CONFIRMED = RegistrationStatus.CONFIRMED
WAITLISTED = RegistrationStatus.WAITLISTED
PENDING = RegistrationStatus.PENDING
CANCELLED = RegistrationStatus.CANCELLED
REJECTED = RegistrationStatus.REJECTED

ERASED_NAME = "(erased)"

#: Called with a registration that just gave up its place (cancelled, rejected, erased), so
#: other areas can release what hangs on it (e.g. Job Day interviews and CVs) without this
#: module importing them.
_FORM_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_MAIL_KEY = "wid_registration_mail"


# --------------------------------------------------------------------------- tokens


def new_form_key() -> str:
    """A fresh idempotency key for one registration form (192 random bits)."""
    return secrets.token_urlsafe(24)


def manage_token(form_key: str) -> str:
    """The attendee's manage token: HMAC-SHA256 of the form key under ``SECRET_KEY`` (256 bits).

    Only its SHA-256 is stored (``token_hash``). Deriving it from the form key lets a double
    submit redirect to the same page and the resend page email the same link.
    """
    secret = str(current_app.config["SECRET_KEY"]).encode()
    mac = hmac.new(secret, b"wid-registration:" + form_key.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def by_token(token: str) -> Registration:
    """The registration whose manage token this is, or :class:`NotFound` (also once erased)."""
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.token_hash == hash_token(token))
    )
    if registration is None or registration.erased_at is not None:
        raise NotFound(_("This registration link is unknown or no longer valid."))
    return registration


def token_for(registration: Registration) -> str | None:
    return manage_token(registration.form_key) if registration.form_key else None


# --------------------------------------------------------------------------- sign-up slots


@dataclass
class Slot:
    """Sign-up sessions that overlap in time: an attendee picks at most one of them."""

    number: int
    sessions: list[Session] = field(default_factory=list)

    @property
    def start(self) -> dt.datetime:
        return min(s.start for s in self.sessions)

    @property
    def end(self) -> dt.datetime:
        return max(s.end for s in self.sessions)

    @property
    def key(self) -> str:
        return f"slot-{self.number}"


def signup_sessions(event: Event) -> list[Session]:
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(
                Session.event_id == event.id,
                Session.requires_signup.is_(True),
                Session.status != SessionStatus.CANCELLED,
            )
            .options(sa.orm.joinedload(Session.room))
            .order_by(Session.start, Session.id)
        )
    )


def signup_slots(event: Event) -> list[Slot]:
    """Group the sign-up sessions into slots of overlapping time (transitively)."""
    slots: list[Slot] = []
    end: dt.datetime | None = None
    for session in signup_sessions(event):
        if not slots or end is None or session.start >= end:
            slots.append(Slot(number=len(slots) + 1))
            end = session.end
        slots[-1].sessions.append(session)
        end = max(end, session.end)
    return slots


def _overlap(a: Session, b: Session) -> bool:
    return a.start < b.end and b.start < a.end


def validate_choices(event: Event, session_ids: list[int]) -> list[Session]:
    """Sign-up sessions of this event, at most one per time slot; else a DomainError on ``sessions``."""
    ids = list(dict.fromkeys(int(i) for i in session_ids))
    if not ids:
        return []
    available = {s.id: s for s in signup_sessions(event)}
    unknown = [i for i in ids if i not in available]
    if unknown:
        raise DomainError(
            _("Please choose only among the workshops listed on this form."),
            code="unknown_session",
            field="sessions",
        )
    chosen = [available[i] for i in ids]
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            if _overlap(a, b):
                raise DomainError(
                    _(
                        "“%(a)s” and “%(b)s” take place at the same time. Please choose one of them.",
                        a=a.title,
                        b=b.title,
                    ),
                    code="overlapping_sessions",
                    field="sessions",
                )
    return sorted(chosen, key=lambda s: (s.start, s.id))


# --------------------------------------------------------------------------- capacity


def event_capacity(event: Event, attendance: Attendance) -> int | None:
    return event.capacity_in_person if attendance == Attendance.IN_PERSON else event.capacity_online


def session_capacity(session: Session) -> int | None:
    """The session's own sign-up capacity, else its room's seats, else unlimited."""
    if session.capacity is not None:
        return session.capacity
    if session.room is not None:
        return session.room.capacity
    return None


def allowed_attendance(event: Event) -> list[Attendance]:
    if event.mode == EventMode.ONLINE:
        return [Attendance.ONLINE]
    if event.mode == EventMode.IN_PERSON:
        return [Attendance.IN_PERSON]
    return [Attendance.IN_PERSON, Attendance.ONLINE]


def _count_event(event_id: int, attendance: Attendance, status: RegistrationStatus = CONFIRMED) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event_id,
            Registration.attendance == attendance,
            Registration.status == status,
        )
    )


def _count_session(session_id: int, status: RegistrationStatus = CONFIRMED) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(RegistrationSession.id)).where(
            RegistrationSession.session_id == session_id, RegistrationSession.status == status
        )
    )


def seats_left(event: Event, attendance: Attendance) -> int | None:
    """Free seats (None = unlimited); 0 also when people are already waiting."""
    cap = event_capacity(event, attendance)
    if cap is None:
        return None
    if _count_event(event.id, attendance, WAITLISTED):
        return 0
    return max(cap - _count_event(event.id, attendance), 0)


def session_seats_left(session: Session) -> int | None:
    cap = session_capacity(session)
    if cap is None:
        return None
    if _count_session(session.id, WAITLISTED):
        return 0
    return max(cap - _count_session(session.id), 0)


def sessions_seats_left(sessions: list[Session]) -> dict[int, int | None]:
    """:func:`session_seats_left` for many sessions in one query (the registration form's list)."""
    ids = [s.id for s in sessions]
    counts: dict[tuple[int, RegistrationStatus], int] = {}
    if ids:
        rows = db.session.execute(
            sa.select(RegistrationSession.session_id, RegistrationSession.status, sa.func.count())
            .where(
                RegistrationSession.session_id.in_(ids),
                RegistrationSession.status.in_([CONFIRMED, WAITLISTED]),
            )
            .group_by(RegistrationSession.session_id, RegistrationSession.status)
        )
        counts = {(session_id, status): n for session_id, status, n in rows}
    out: dict[int, int | None] = {}
    for s in sessions:
        cap = session_capacity(s)
        if cap is None:
            out[s.id] = None
        elif counts.get((s.id, WAITLISTED)):
            out[s.id] = 0
        else:
            out[s.id] = max(cap - counts.get((s.id, CONFIRMED), 0), 0)
    return out


def _lock_event(event_id: int) -> None:
    """Serialise seat changes of one event (see the module docstring). Call inside write_transaction."""
    db.session.execute(lock_for_update(sa.select(Event.id).where(Event.id == event_id)))


def _place_registration(reg: Registration, event: Event, now: dt.datetime) -> None:
    """Confirm if a seat is free and nobody is waiting for one; otherwise join the waitlist."""
    db.session.flush()
    cap = event_capacity(event, reg.attendance)
    waiting = _count_event(event.id, reg.attendance, WAITLISTED) - (1 if reg.status == WAITLISTED else 0)
    if cap is None or (_count_event(event.id, reg.attendance) < cap and waiting == 0):
        reg.set_status(CONFIRMED)
        reg.waitlisted_at = None
        for choice in reg.choices:
            if choice.status == PENDING:
                _place_choice(choice, now)
    else:
        reg.set_status(WAITLISTED)
        reg.waitlisted_at = now


def _place_choice(choice: RegistrationSession, now: dt.datetime) -> None:
    db.session.flush()
    cap = session_capacity(choice.session)
    if cap is None or (
        _count_session(choice.session_id) < cap and _count_session(choice.session_id, WAITLISTED) == 0
    ):
        choice.status = CONFIRMED
        choice.waitlisted_at = None
    else:
        choice.status = WAITLISTED
        choice.waitlisted_at = now


def _fill_event(event: Event, attendance: Attendance, now: dt.datetime) -> list[Registration]:
    """Promote from the waitlist, first come first served, while seats are free."""
    promoted: list[Registration] = []
    cap = event_capacity(event, attendance)
    while True:
        db.session.flush()
        if cap is not None and _count_event(event.id, attendance) >= cap:
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
                _place_choice(choice, now)
        promoted.append(nxt)
        _queue_mail("promoted", nxt)
    return promoted


def _fill_session(session: Session, now: dt.datetime) -> list[RegistrationSession]:
    promoted: list[RegistrationSession] = []
    cap = session_capacity(session)
    while True:
        db.session.flush()
        if cap is not None and _count_session(session.id) >= cap:
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
        _queue_mail("session_promoted", nxt.registration, session=session)
    return promoted


def _release(reg: Registration, status: RegistrationStatus, now: dt.datetime) -> None:
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
        _fill_event(reg.event, reg.attendance, now)
    for session in freed:
        _fill_session(session, now)


def fill_waitlists(event: Event, *, actor=None) -> int:
    """Promote waiting people into free seats (e.g. after an organiser raised a capacity)."""
    now = utcnow()
    with write_transaction():
        _lock_event(event.id)
        n = 0
        for attendance in allowed_attendance(event):
            n += len(_fill_event(event, attendance, now))
        for session in signup_sessions(event):
            n += len(_fill_session(session, now))
    return n


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


# --------------------------------------------------------------------------- registering


@dataclass
class RegistrationData:
    name: str
    email: str
    attendance: str | None = None
    organisation: str = ""
    pronouns: str = ""
    session_ids: list[int] = field(default_factory=list)
    access_needs: str = ""
    dietary: str = ""
    consent: bool = False
    form_key: str | None = None
    locale: str = "en"


def registration_closed_reason(event: Event) -> str | None:
    """Why nobody can register right now, or None when the form is open."""
    if not event.published:
        return _("This event is not published yet.")
    if not event.registration_open:
        return _("Registration for this event is closed.")
    if event.end_date < dt.date.today():
        return _("This event is over.")
    return None


def resolve_attendance(event: Event, value: str | None) -> Attendance:
    allowed = allowed_attendance(event)
    if len(allowed) == 1:
        return allowed[0]
    try:
        attendance = Attendance(value or "")
    except ValueError:
        raise DomainError(
            _("Please choose whether you attend in person or online."), field="attendance"
        ) from None
    if attendance not in allowed:
        raise DomainError(_("Please choose whether you attend in person or online."), field="attendance")
    return attendance


def register(event: Event, data: RegistrationData, *, actor=None) -> tuple[Registration, str, bool]:
    """Register someone. Returns ``(registration, manage token, created)``.

    ``created`` is False for a double submit of the same form (same ``form_key``), which
    returns the registration made by the first submit.
    """
    reason = registration_closed_reason(event)
    if reason:
        raise Conflict(reason, code="registration_closed")
    name = (data.name or "").strip()
    email = (data.email or "").strip()
    if not name:
        raise DomainError(_("Please enter your name."), field="name")
    if not email or "@" not in email:
        raise DomainError(_("Please enter a valid email address."), field="email")
    if not data.consent:
        raise DomainError(_("Please agree to the processing of your data to register."), field="consent")
    attendance = resolve_attendance(event, data.attendance)
    sessions = validate_choices(event, data.session_ids)
    form_key = data.form_key if data.form_key and _FORM_KEY_RE.match(data.form_key) else new_form_key()
    email_norm = email.lower()
    event_id = event.id
    now = utcnow()
    # Built before taking the write lock, so the lock is held only for the count and insert.
    calendar = event_ics(event)

    with write_transaction():
        _lock_event(event_id)
        event = db.session.get(Event, event_id, populate_existing=True)
        reason = registration_closed_reason(event)
        if reason:
            raise Conflict(reason, code="registration_closed")
        existing = db.session.scalar(
            sa.select(Registration).where(
                Registration.event_id == event_id, Registration.form_key == form_key
            )
        )
        if existing is not None:
            return existing, manage_token(form_key), False
        duplicate = db.session.scalar(
            sa.select(Registration.id).where(
                Registration.event_id == event_id, Registration.active_email == email_norm
            )
        )
        if duplicate is not None:
            raise Conflict(
                _("This email address is already registered for this event."),
                code="already_registered",
                field="email",
            )
        token = manage_token(form_key)
        reg = Registration(
            event=event,
            token_hash=hash_token(token),
            form_key=form_key,
            name=name[:200],
            email=email[:254],
            email_normalised=email_norm[:254],
            organisation=(data.organisation or "").strip()[:300] or None,
            pronouns=(data.pronouns or "").strip()[:50] or None,
            access_needs=(data.access_needs or "").strip(),
            dietary=(data.dietary or "").strip(),
            attendance=attendance,
            locale=data.locale or "en",
            consent_at=now,
            status=PENDING,
        )
        reg.choices = [RegistrationSession(session=s, status=PENDING) for s in sessions]
        db.session.add(reg)
        if event.requires_approval:
            reg.set_status(PENDING)
        else:
            _place_registration(reg, event, now)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise Conflict(
                _("This email address is already registered for this event."),
                code="already_registered",
                field="email",
            ) from None
        _queue_mail("received", reg, calendar=calendar)
    return reg, token, True


def resend_link(event: Event, email: str) -> bool:
    """Email the manage link to that address if it has a registration for the event.

    Returns whether a message was queued; callers must not reveal it to the requester.
    """
    email_norm = (email or "").strip().lower()
    if not email_norm:
        return False
    reg = db.session.scalar(
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.email_normalised == email_norm,
            Registration.erased_at.is_(None),
        )
        .order_by(Registration.active_email.is_(None), Registration.created_at.desc())
        .limit(1)
    )
    if reg is None or not reg.form_key:
        return False
    # Keep the stored hash in step (e.g. after a SECRET_KEY rotation).
    reg.token_hash = hash_token(manage_token(reg.form_key))
    _queue_mail("link", reg)
    return True


# --------------------------------------------------------------------------- self-service


def _require_active(reg: Registration) -> None:
    if not reg.is_active:
        raise Conflict(_("This registration is cancelled."), code="registration_cancelled")


def _relock(reg: Registration) -> Registration:
    _lock_event(reg.event_id)
    return db.session.get(Registration, reg.id, populate_existing=True)


def change_sessions(reg: Registration, session_ids: list[int], *, actor=None) -> Registration:
    """Replace the workshop choices; kept choices keep their seat or waitlist place."""
    _require_active(reg)
    sessions = validate_choices(reg.event, session_ids)
    wanted = {s.id for s in sessions}
    now = utcnow()
    with write_transaction():
        reg = _relock(reg)
        _require_active(reg)
        freed: list[Session] = []
        current = {c.session_id: c for c in reg.choices}
        for sid, choice in current.items():
            if sid in wanted and choice.status != CANCELLED:
                continue
            if choice.status == CONFIRMED:
                freed.append(choice.session)
            if sid not in wanted:
                reg.choices.remove(choice)
        db.session.flush()
        for session in sessions:
            choice = current.get(session.id)
            if choice is not None and choice.status != CANCELLED:
                continue
            if choice is None:
                choice = RegistrationSession(session=session, status=PENDING)
                reg.choices.append(choice)
            else:
                choice.status = PENDING
            if reg.status == CONFIRMED:
                _place_choice(choice, now)
        db.session.flush()
        for session in freed:
            _fill_session(session, now)
        _queue_mail("updated", reg)
    return reg


def change_attendance(reg: Registration, attendance: str, *, actor=None) -> Registration:
    """Switch between in person and online, subject to capacity; a confirmed seat is never lost."""
    _require_active(reg)
    new = resolve_attendance(reg.event, attendance)
    if new == reg.attendance:
        return reg
    now = utcnow()
    with write_transaction():
        reg = _relock(reg)
        _require_active(reg)
        event = reg.event
        old = reg.attendance
        if reg.status == CONFIRMED:
            left = seats_left(event, new)
            if left is not None and left <= 0:
                raise Conflict(
                    _("There is no free seat for that attendance mode. You keep your current place."),
                    code="full",
                    field="attendance",
                )
            reg.attendance = new
            db.session.flush()
            _fill_event(event, old, now)
        elif reg.status == WAITLISTED:
            reg.attendance = new
            reg.waitlisted_at = now
            _place_registration(reg, event, now)
            db.session.flush()
            _fill_event(event, old, now)
        else:
            reg.attendance = new
        _queue_mail("updated", reg)
    return reg


def cancel(reg: Registration, *, actor=None) -> Registration:
    """Cancel (by the attendee, or an organiser when ``actor`` is a User); promotes the next in line."""
    _require_active(reg)
    with write_transaction():
        reg = _relock(reg)
        _require_active(reg)
        _release(reg, CANCELLED, utcnow())
        if actor is not None and not isinstance(actor, str):
            audit.record("registration.cancel", actor=actor, event_id=reg.event_id, obj=reg)
        _queue_mail("cancelled", reg)
    return reg


def erase(reg: Registration, *, actor=None) -> Registration:
    """GDPR erasure: remove the personal data, release the seat, keep an anonymous row for counts."""
    now = utcnow()
    with write_transaction():
        reg = _relock(reg)
        if reg.erased_at is not None:
            return reg
        if reg.is_active:
            _release(reg, CANCELLED, now)
        reg.name = ERASED_NAME
        reg.email = None
        reg.email_normalised = None
        reg.active_email = None
        reg.organisation = None
        reg.pronouns = None
        reg.access_needs = ""
        reg.dietary = ""
        reg.form_key = None
        reg.token_hash = hash_token(secrets.token_urlsafe(32))  # the old link stops working
        reg.erased_at = now
        audit.record(
            "registration.erase",
            actor=actor if actor is not None else "attendee",
            event_id=reg.event_id,
            object_type="registration",
            object_id=reg.id,
        )
    return reg


def status_json(reg: Registration) -> dict:
    """The contract shape of ``/registrations/<token>.json``."""
    return {
        "status": reg.status.value,
        "attendance": reg.attendance.value,
        "sessions": [c.session_id for c in reg.choices if c.status in (CONFIRMED, WAITLISTED, PENDING)],
        "waitlist_position": waitlist_position(reg),
    }


def export_data(reg: Registration) -> dict:
    """Everything stored about the attendee (GDPR access)."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "event": {"slug": reg.event.slug, "title": reg.event.title},
        "registration": {
            "id": reg.id,
            "name": reg.name,
            "email": reg.email,
            "organisation": reg.organisation,
            "pronouns": reg.pronouns,
            "attendance": reg.attendance.value,
            "status": reg.status.value,
            "waitlist_position": waitlist_position(reg),
            "access_needs": reg.access_needs,
            "dietary": reg.dietary,
            "language": reg.locale,
            "consent_given_at": iso(reg.consent_at),
            "registered_at": iso(reg.created_at),
            "updated_at": iso(reg.updated_at),
            "cancelled_at": iso(reg.cancelled_at),
            "checked_in_at": iso(reg.checked_in_at),
            "badge_checkin_code": reg.checkin_code,
        },
        "sessions": [
            {
                "id": c.session_id,
                "title": c.session.title,
                "start": c.session.start.isoformat(),
                "end": c.session.end.isoformat(),
                "status": c.status.value,
                "waitlist_position": choice_position(c),
            }
            for c in reg.choices
        ],
    }


# --------------------------------------------------------------------------- organisers


def list_registrations(
    event: Event,
    *,
    status: str | None = None,
    attendance: str | None = None,
    session_id: int | None = None,
) -> list[Registration]:
    stmt = sa.select(Registration).where(Registration.event_id == event.id)
    if status:
        stmt = stmt.where(Registration.status == RegistrationStatus(status))
    if attendance:
        stmt = stmt.where(Registration.attendance == Attendance(attendance))
    if session_id:
        stmt = stmt.where(
            Registration.id.in_(
                sa.select(RegistrationSession.registration_id).where(
                    RegistrationSession.session_id == session_id,
                    RegistrationSession.status.in_([CONFIRMED, WAITLISTED, PENDING]),
                )
            )
        )
    return list(db.session.scalars(stmt.order_by(Registration.created_at, Registration.id)))


def counts(event: Event) -> dict:
    """Seats per attendance mode and per sign-up session, against capacity."""
    modes = {}
    for attendance in allowed_attendance(event):
        modes[attendance.value] = {
            status.value: _count_event(event.id, attendance, status)
            for status in (CONFIRMED, WAITLISTED, PENDING, CANCELLED)
        } | {"capacity": event_capacity(event, attendance)}
    sessions = [
        {
            "session": s,
            "capacity": session_capacity(s),
            "confirmed": _count_session(s.id),
            "waitlisted": _count_session(s.id, WAITLISTED),
        }
        for s in signup_sessions(event)
    ]
    return {"attendance": modes, "sessions": sessions}


def get_for_event(event: Event, registration_id: int) -> Registration:
    reg = db.session.get(Registration, registration_id)
    if reg is None or reg.event_id != event.id:
        raise NotFound(_("No such registration."))
    return reg


def approve(reg: Registration, *, actor) -> Registration:
    """Pending → confirmed, or waitlisted when the seats are gone."""
    if reg.status != PENDING:
        raise Conflict(_("Only pending registrations can be approved."), code="not_pending")
    with write_transaction():
        reg = _relock(reg)
        if reg.status != PENDING:
            raise Conflict(_("Only pending registrations can be approved."), code="not_pending")
        _place_registration(reg, reg.event, utcnow())
        audit.record(
            "registration.approve",
            actor=actor,
            event_id=reg.event_id,
            obj=reg,
            changes={"status": ["pending", reg.status.value]},
        )
        _queue_mail("received", reg)
    return reg


def reject(reg: Registration, *, actor) -> Registration:
    _require_active(reg)
    with write_transaction():
        reg = _relock(reg)
        _require_active(reg)
        old = reg.status.value
        _release(reg, REJECTED, utcnow())
        audit.record(
            "registration.reject",
            actor=actor,
            event_id=reg.event_id,
            obj=reg,
            changes={"status": [old, "rejected"]},
        )
        _queue_mail("rejected", reg)
    return reg


def promote(reg: Registration, *, actor) -> Registration:
    """Manually confirm someone from the waitlist, even beyond the capacity (organiser's call)."""
    if reg.status != WAITLISTED:
        raise Conflict(_("Only waitlisted registrations can be promoted."), code="not_waitlisted")
    with write_transaction():
        reg = _relock(reg)
        if reg.status != WAITLISTED:
            raise Conflict(_("Only waitlisted registrations can be promoted."), code="not_waitlisted")
        now = utcnow()
        reg.set_status(CONFIRMED)
        reg.waitlisted_at = None
        for choice in reg.choices:
            if choice.status == PENDING:
                _place_choice(choice, now)
        audit.record(
            "registration.promote",
            actor=actor,
            event_id=reg.event_id,
            obj=reg,
            changes={"status": ["waitlisted", "confirmed"]},
        )
        _queue_mail("promoted", reg)
    return reg


def promote_choice(reg: Registration, session_id: int, *, actor) -> RegistrationSession:
    """Manually give a waitlisted attendee a workshop seat (may exceed the session capacity)."""
    with write_transaction():
        reg = _relock(reg)
        choice = next((c for c in reg.choices if c.session_id == session_id), None)
        if choice is None or choice.status != WAITLISTED:
            raise Conflict(_("This person is not on that workshop's waitlist."), code="not_waitlisted")
        choice.status = CONFIRMED
        choice.waitlisted_at = None
        audit.record(
            "registration.promote_session",
            actor=actor,
            event_id=reg.event_id,
            obj=reg,
            changes={"session": session_id, "status": ["waitlisted", "confirmed"]},
        )
        _queue_mail("session_promoted", reg, session=choice.session)
    return choice


def _csv_cell(value) -> str:
    """Text for a CSV cell; a leading = + - @ is neutralised so spreadsheets never run it."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def registrations_csv(event: Event, regs: list[Registration] | None = None, *, include_email=False) -> bytes:
    """UTF-8 with a BOM (Excel), quoted by the csv module."""
    regs = list_registrations(event) if regs is None else regs
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    header = ["id", "name"]
    if include_email:
        header.append("email")
    header += [
        "organisation",
        "pronouns",
        "attendance",
        "status",
        "waitlist_position",
        "workshops",
        "access_needs",
        "dietary",
        "registered_at",
        "checked_in",
    ]
    writer.writerow(header)
    for reg in regs:
        workshops = "; ".join(
            f"{c.session.title} ({c.status.value})" for c in reg.choices if c.status != CANCELLED
        )
        row = [reg.id, reg.name]
        if include_email:
            row.append(reg.email)
        row += [
            reg.organisation,
            reg.pronouns,
            reg.attendance.value,
            reg.status.value,
            waitlist_position(reg) or "",
            workshops,
            reg.access_needs,
            reg.dietary,
            reg.created_at.isoformat(timespec="seconds") if reg.created_at else "",
            "yes" if reg.checked_in_at else "",
        ]
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def session_attendees(session: Session) -> dict[str, list[Registration]]:
    """Confirmed and waitlisted (in order) attendees of one sign-up session."""
    rows = db.session.execute(
        sa.select(RegistrationSession, Registration)
        .join(Registration, Registration.id == RegistrationSession.registration_id)
        .where(
            RegistrationSession.session_id == session.id,
            RegistrationSession.status.in_([CONFIRMED, WAITLISTED]),
        )
        .order_by(RegistrationSession.waitlisted_at, Registration.name, Registration.id)
    ).all()
    confirmed = sorted((r for c, r in rows if c.status == CONFIRMED), key=lambda r: (r.name.casefold(), r.id))
    waitlisted = [r for c, r in rows if c.status == WAITLISTED]
    return {"confirmed": confirmed, "waitlisted": waitlisted}


def api_list(event: Event) -> list[dict]:
    """The contract shape of ``GET /api/v1/events/<slug>/registrations``."""
    return [
        {
            "id": reg.id,
            "name": reg.name,
            "status": reg.status.value,
            "attendance": reg.attendance.value,
            "sessions": [c.session_id for c in reg.choices if c.status == CONFIRMED],
            "checked_in": reg.checked_in_at is not None,
        }
        for reg in list_registrations(event)
    ]


# --------------------------------------------------------------------------- email


MAIL_SUBJECTS = {
    "confirmed": lambda e: _("Your registration for %(title)s is confirmed", title=e.title),
    "waitlisted": lambda e: _("You are on the waitlist for %(title)s", title=e.title),
    "pending": lambda e: _("We received your registration for %(title)s", title=e.title),
    "promoted": lambda e: _("Good news: you have a place at %(title)s", title=e.title),
    "session_promoted": lambda e: _("You have a workshop place at %(title)s", title=e.title),
    "cancelled": lambda e: _("Your registration for %(title)s is cancelled", title=e.title),
    "rejected": lambda e: _("Your registration for %(title)s", title=e.title),
    "updated": lambda e: _("Your registration for %(title)s was updated", title=e.title),
    "link": lambda e: _("Your registration link for %(title)s", title=e.title),
}


def external_url(endpoint: str, **values) -> str:
    """An absolute URL, also outside a request (CLI, jobs) via SERVER_NAME or localhost."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url="http://localhost:5000"):
        return url_for(endpoint, _external=True, **values)


def event_ics(event: Event) -> bytes | None:
    """The event's calendar, attached to confirmation emails (from the exports area)."""
    try:
        from wid_events.exports.ics import event_calendar
    except ImportError:  # pragma: no cover - the exports package is another area's
        return None
    return event_calendar(event)


def _queue_mail(kind: str, reg: Registration, *, calendar: bytes | None = None, **extra) -> None:
    """Render now (in the attendee's language); send after the caller commits."""
    if not reg.email or reg.erased_at is not None:
        return
    if kind == "received":
        kind = {CONFIRMED: "confirmed", WAITLISTED: "waitlisted", PENDING: "pending"}[reg.status]
    db.session.flush()
    event = reg.event
    token = token_for(reg)
    with force_locale(reg.locale or "en"):
        manage_url = external_url("registration.manage", token=token) if token else None
        context = {
            "kind": kind,
            "registration": reg,
            "event": event,
            "manage_url": manage_url,
            "calendar_url": external_url("exports.personal_calendar", token=token) if token else None,
            "position": waitlist_position(reg),
            "choices": [(c, choice_position(c)) for c in reg.choices if c.status != CANCELLED],
            "livestream_url": event.livestream_url
            if reg.status == CONFIRMED and reg.attendance == Attendance.ONLINE
            else None,
            **extra,
        }
        subject = MAIL_SUBJECTS[kind](event)
        body = render_template("email/registration_message.txt", **context)
    attachments = []
    if kind in ("confirmed", "promoted", "waitlisted", "pending"):
        ics = calendar if calendar is not None else event_ics(event)
        if ics:
            attachments.append(Attachment(f"{event.slug}.ics", ics, "text/calendar"))
    mails = db.session.info.setdefault(_MAIL_KEY, [])
    mails.append(Mail(to=reg.email, subject=subject, body=body, attachments=attachments))


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _send_queued_mail(session) -> None:
    mails = session.info.pop(_MAIL_KEY, None)
    for mail in mails or []:
        try:
            send_mail(mail)
        except Exception:  # a mail failure must not turn a saved registration into an error page
            current_app.logger.exception("Could not send registration mail to %s", mail.to)


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _drop_queued_mail(session) -> None:
    session.info.pop(_MAIL_KEY, None)


def active_statuses() -> tuple[RegistrationStatus, ...]:
    return ACTIVE_STATUSES

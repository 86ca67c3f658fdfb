"""The attendee's own page: change workshops or attendance, cancel, and GDPR (erase, export)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from wid_events.agenda.models import Session
from wid_events.audit import services as audit
from wid_events.core.database import write_transaction
from wid_events.core.web import hash_token
from wid_events.enums import Attendance
from wid_events.errors import Conflict
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.registration.models import Registration, RegistrationSession, new_checkin_code
from wid_events.registration.services.capacity import (
    CANCELLED,
    CONFIRMED,
    PENDING,
    WAITLISTED,
    choice_position,
    seats_left,
    waitlist_position,
)
from wid_events.registration.services.form import check_open_to, resolve_attendance, validate_choices
from wid_events.registration.services.mail import queue_registration_mail
from wid_events.registration.services.waitlist import (
    fill_event,
    fill_session,
    lock_event,
    place_choice,
    place_registration,
    release,
    relock,
    require_active,
)

ERASED_NAME = "(erased)"


def change_sessions(reg: Registration, session_ids: list[int], *, actor=None) -> Registration:
    """Replace the workshop choices; kept choices keep their seat or waitlist place."""
    require_active(reg)
    sessions = validate_choices(reg.event, session_ids, reg.attendance)
    wanted = {s.id for s in sessions}
    now = utcnow()
    with write_transaction():
        reg = relock(reg)
        require_active(reg)
        check_open_to(sessions, reg.attendance)
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
                place_choice(choice, now)
        db.session.flush()
        for session in freed:
            fill_session(session, now)
        queue_registration_mail("updated", reg)
    return reg


def change_attendance(reg: Registration, attendance: str, *, actor=None) -> Registration:
    """Switch between in person and online, subject to capacity; a confirmed seat is never lost."""
    require_active(reg)
    new = resolve_attendance(reg.event, attendance)
    if new == reg.attendance:
        return reg
    now = utcnow()
    with write_transaction():
        reg = relock(reg)
        require_active(reg)
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
            fill_event(event, old, now)
        elif reg.status == WAITLISTED:
            reg.attendance = new
            reg.waitlisted_at = now
            place_registration(reg, event, now)
            db.session.flush()
            fill_event(event, old, now)
        else:
            reg.attendance = new
        release_unfit_choices(reg, now)
        queue_registration_mail("updated", reg)
    return reg


def on_session_attendance_changed(session: Session, *, actor=None, **_kw) -> None:
    """Signal receiver: a session became in person only; online attendees give up its seats
    (and waitlist places), in the organiser's transaction, and whoever waits is promoted."""
    lock_event(session.event_id)
    unfit = db.session.scalars(
        sa.select(RegistrationSession)
        .join(Registration, RegistrationSession.registration_id == Registration.id)
        .where(
            RegistrationSession.session_id == session.id,
            RegistrationSession.status != CANCELLED,
            Registration.attendance == Attendance.ONLINE,
        )
    ).all()
    unfit = [c for c in unfit if not session.open_to(Attendance.ONLINE)]
    if not unfit:
        return
    freed = any(c.status == CONFIRMED for c in unfit)
    regs = [c.registration for c in unfit]
    for choice in unfit:
        choice.registration.choices.remove(choice)
    db.session.flush()
    if freed:
        fill_session(session, utcnow())
    for reg in regs:
        queue_registration_mail("updated", reg)


def release_unfit_choices(reg: Registration, now) -> list[Session]:
    """Drop the workshop choices the registration's attendance no longer allows (an online
    attendee in an in-person-only session), freeing their seats for whoever waits."""
    freed: list[Session] = []
    for choice in list(reg.choices):
        if choice.status == CANCELLED or choice.session.open_to(reg.attendance):
            continue
        if choice.status == CONFIRMED:
            freed.append(choice.session)
        reg.choices.remove(choice)
    db.session.flush()
    for session in freed:
        fill_session(session, now)
    return freed


def cancel(reg: Registration, *, actor=None) -> Registration:
    """Cancel (by the attendee, or an organiser when ``actor`` is a User); promotes the next in line."""
    require_active(reg)
    with write_transaction():
        reg = relock(reg)
        require_active(reg)
        release(reg, CANCELLED, utcnow())
        if actor is not None and not isinstance(actor, str):
            audit.record("registration.cancel", actor=actor, event_id=reg.event_id, obj=reg)
        queue_registration_mail("cancelled", reg)
    return reg


def erase(reg: Registration, *, actor=None) -> Registration:
    """GDPR erasure: remove the personal data, release the seat, keep an anonymous row for counts."""
    now = utcnow()
    with write_transaction():
        reg = relock(reg)
        if reg.erased_at is not None:
            return reg
        if reg.is_active:
            release(reg, CANCELLED, now)
        reg.name = ERASED_NAME
        reg.email = None
        reg.email_normalised = None
        reg.active_email = None
        reg.organisation = None
        reg.pronouns = None
        reg.access_needs = ""
        reg.dietary = ""
        reg.answers = []  # custom answers are personal data too
        reg.form_key_hash = None
        reg.token_seed = None
        reg.token_hash = hash_token(secrets.token_urlsafe(32))  # the old link stops working
        # Whether and when they came is about the person too; the badge's code stops working.
        reg.checked_in_at = None
        reg.checkin_code = new_checkin_code()
        reg.erased_at = now
        audit.erase_object("registration", reg.id)
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
        "answers": [
            {
                "key": a.question.key,
                "question": a.question.label,
                "answer": a.value,
            }
            for a in reg.answers
        ],
    }

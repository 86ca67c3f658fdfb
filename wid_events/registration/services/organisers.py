"""Organisers: the registration list and CSV, approve, reject, promote, the organiser API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import sqlalchemy as sa
from flask_babel import gettext as _

from wid_events.agenda.models import Session
from wid_events.audit import services as audit
from wid_events.core.collation import sorted_by_name
from wid_events.core.database import write_transaction
from wid_events.errors import Conflict, NotFound
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.registration.models import Registration, RegistrationSession
from wid_events.registration.services import questions
from wid_events.registration.services.capacity import (
    CANCELLED,
    CONFIRMED,
    PENDING,
    REJECTED,
    WAITLISTED,
    waitlist_position,
)
from wid_events.registration.services.listing import Filters, filtered
from wid_events.registration.services.mail import queue_registration_mail
from wid_events.registration.services.waitlist import (
    place_choice,
    place_registration,
    release,
    relock,
    require_active,
)


def list_registrations(
    event: Event,
    *,
    status: str | None = None,
    attendance: str | None = None,
    session_id: int | None = None,
    q: str = "",
) -> list[Registration]:
    """Every matching registration, in registration order (the CSV, the API)."""
    stmt = filtered(event, Filters(q=q, status=status, attendance=attendance, session_id=session_id))
    return list(db.session.scalars(stmt.order_by(Registration.created_at, Registration.id)))


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
        reg = relock(reg)
        if reg.status != PENDING:
            raise Conflict(_("Only pending registrations can be approved."), code="not_pending")
        place_registration(reg, reg.event, utcnow())
        audit.record(
            "registration.approve",
            actor=actor,
            event_id=reg.event_id,
            obj=reg,
            changes={"status": ["pending", reg.status.value]},
        )
        queue_registration_mail("received", reg)
    return reg


def reject(reg: Registration, *, actor) -> Registration:
    require_active(reg)
    with write_transaction():
        reg = relock(reg)
        require_active(reg)
        old = reg.status.value
        release(reg, REJECTED, utcnow())
        audit.record(
            "registration.reject",
            actor=actor,
            event_id=reg.event_id,
            obj=reg,
            changes={"status": [old, "rejected"]},
        )
        queue_registration_mail("rejected", reg)
    return reg


def promote(reg: Registration, *, actor) -> Registration:
    """Manually confirm someone from the waitlist, even beyond the capacity (organiser's call)."""
    if reg.status != WAITLISTED:
        raise Conflict(_("Only waitlisted registrations can be promoted."), code="not_waitlisted")
    with write_transaction():
        reg = relock(reg)
        if reg.status != WAITLISTED:
            raise Conflict(_("Only waitlisted registrations can be promoted."), code="not_waitlisted")
        now = utcnow()
        reg.set_status(CONFIRMED)
        reg.waitlisted_at = None
        for choice in reg.choices:
            if choice.status == PENDING:
                place_choice(choice, now)
        audit.record(
            "registration.promote",
            actor=actor,
            event_id=reg.event_id,
            obj=reg,
            changes={"status": ["waitlisted", "confirmed"]},
        )
        queue_registration_mail("promoted", reg)
    return reg


def promote_choice(reg: Registration, session_id: int, *, actor) -> RegistrationSession:
    """Manually give a waitlisted attendee a workshop seat (may exceed the session capacity)."""
    with write_transaction():
        reg = relock(reg)
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
        queue_registration_mail("session_promoted", reg, session=choice.session)
    return choice


def _csv_cell(value) -> str:
    """Text for a CSV cell; a leading = + - @ is neutralised so spreadsheets never run it."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def registrations_csv(
    event: Event, regs: list[Registration] | None = None, *, include_email=False, excel=False
) -> bytes:
    """UTF-8 with a BOM (Excel), quoted by the csv module.

    For scripts: comma-separated, ``registered_at`` in UTC (ISO 8601). ``excel=True`` gives
    what Excel with Belgian, French or German regional settings opens in columns: ``;`` as
    the separator and ``registered_at`` as the event's local time ("YYYY-MM-DD HH:MM:SS").
    """
    regs = list_registrations(event) if regs is None else regs
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=";" if excel else ",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    header = ["id", "name"]
    if include_email:
        header.append("email")
    asked = questions.event_questions(event, archived=True)
    answers = questions.answers_for(event)
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
    header += [q.key for q in asked]
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
            _registered_at(event, reg, local=excel),
            "yes" if reg.checked_in_at else "",
        ]
        mine = answers.get(reg.id, {})
        row += [questions.display_value(q, mine.get(q.key), "en") for q in asked]
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _registered_at(event: Event, reg: Registration, *, local: bool) -> str:
    if not reg.created_at:
        return ""
    if not local:
        return reg.created_at.isoformat(timespec="seconds")
    moment = reg.created_at if reg.created_at.tzinfo else reg.created_at.replace(tzinfo=dt.UTC)
    return moment.astimezone(event.tz).strftime("%Y-%m-%d %H:%M:%S")


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
    confirmed = sorted_by_name(sorted((r for c, r in rows if c.status == CONFIRMED), key=lambda r: r.id))
    waitlisted = [r for c, r in rows if c.status == WAITLISTED]
    return {"confirmed": confirmed, "waitlisted": waitlisted}


def api_list(event: Event) -> list[dict]:
    """The contract shape of ``GET /api/v1/events/<slug>/registrations``."""
    answers = questions.answers_for(event)
    return [
        {
            "id": reg.id,
            "name": reg.name,
            "status": reg.status.value,
            "attendance": reg.attendance.value,
            "sessions": [c.session_id for c in reg.choices if c.status == CONFIRMED],
            "checked_in": reg.checked_in_at is not None,
            "answers": answers.get(reg.id, {}),
        }
        for reg in list_registrations(event)
    ]

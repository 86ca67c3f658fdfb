"""Signing up: the registration form's submission and the "email me my link again" page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from wid_events.audit import services as audit
from wid_events.core.database import write_transaction
from wid_events.core.web import hash_token
from wid_events.enums import Attendance, RegistrationStatus
from wid_events.errors import Conflict, DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.registration.models import (
    ACTIVE_STATUSES,
    Answer,
    Registration,
    RegistrationSession,
    new_checkin_code,
    search_columns,
)
from wid_events.registration.services.capacity import WAITLISTED, SeatRules
from wid_events.registration.services.form import (
    RegistrationData,
    check_choices,
    form_key_hash,
    manage_token,
    new_form_key,
    new_token_seed,
    registration_closed_reason,
    resolve_attendance,
)
from wid_events.registration.services.mail import queue_registration_mail
from wid_events.registration.services.questions import validate_answers
from wid_events.registration.services.waitlist import (
    lock_for_new_registration,
    placement_for_new,
)

_FORM_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_registrations = Registration.__table__
_choices = RegistrationSession.__table__
_answers = Answer.__table__


@dataclass(frozen=True)
class _Checked:
    """A registration's fields as checked against the event (plain values, read before the lock)."""

    name: str
    email: str
    attendance: Attendance
    session_ids: list[int]
    #: ``[(question id, stored value)]``
    answers: list[tuple[int, Any]]
    rules: SeatRules


def _check(event: Event, data: RegistrationData, by_organiser: bool) -> _Checked:
    """The form's rules: open, name, email, consent, attendance, workshops and answers."""
    reason = None if by_organiser else registration_closed_reason(event)
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
    session_ids = check_choices(event, data.session_ids, attendance)
    answers = validate_answers(event, attendance, data.answers or {}, require=not by_organiser)
    return _Checked(
        name=name,
        email=email,
        attendance=attendance,
        session_ids=session_ids,
        answers=[(q.id, value) for q, value in answers.items()],
        rules=SeatRules.of(event),
    )


def register(
    event: Event, data: RegistrationData, *, actor=None, by_organiser: bool = False
) -> tuple[Registration, str, bool]:
    """Register someone. Returns ``(registration, manage token, created)``.

    ``created`` is False for a double submit of the same form (same ``form_key``), which
    returns the registration made by the first submit. ``by_organiser``: an organiser adds
    the registration by hand, also outside the registration window and without the
    answers the form requires.
    """
    checked = _check(event, data, by_organiser)
    form_key = data.form_key if data.form_key and _FORM_KEY_RE.match(data.form_key) else new_form_key()
    key_hash = form_key_hash(form_key)
    event_id = checked.rules.id
    seed = new_token_seed()
    token = manage_token(seed)

    # Everything above ran without the lock. The event lock covers the counts and the insert
    # only: one statement each, then the commit releases it. A double submit (same form key)
    # or an email address already registered meets the unique constraints at the insert, and
    # only then is the earlier registration looked up (handled below).
    with write_transaction():
        version = lock_for_new_registration(event_id)
        if version != checked.rules.version:
            # An organiser changed the event since the form was checked: check it again, as it is now.
            event = db.session.get(Event, event_id)  # expired by write_transaction: read anew
            checked = _check(event, data, by_organiser)
        status, session_status = placement_for_new(checked.rules, checked.attendance, checked.session_ids)
        try:
            reg = _insert(
                checked,
                data,
                status=status,
                session_status=session_status,
                key_hash=key_hash,
                seed=seed,
                token=token,
            )
        except IntegrityError:
            db.session.rollback()
            earlier = _earlier_registration(event_id, key_hash, checked.email.lower())
            if earlier is not None:
                return earlier
            raise _already_registered() from None
        if by_organiser:
            audit.record("registration.add", actor=actor, event_id=event_id, obj=reg)
        queue_registration_mail("received", reg)
    return reg, token, True


def _insert(
    checked: _Checked,
    data: RegistrationData,
    *,
    status: RegistrationStatus,
    session_status: dict[int, RegistrationStatus],
    key_hash: str,
    seed: str,
    token: str,
) -> Registration:
    """Insert the registration, its workshop choices and answers with Core statements (under the
    event lock, where the ORM's flush would cost more than the inserts), and return it as a
    persistent ORM object without reading it back."""
    now = utcnow()
    email_norm = checked.email.lower()[:254]
    organisation = (data.organisation or "").strip()[:300] or None
    values = {
        "event_id": checked.rules.id,
        "token_hash": hash_token(token),
        "form_key_hash": key_hash,
        "token_seed": seed,
        "name": checked.name[:200],
        "email": checked.email[:254],
        "email_normalised": email_norm,
        "active_email": email_norm if status in ACTIVE_STATUSES else None,
        # What Registration's ORM hook keeps in step on every ORM write:
        **search_columns(checked.name[:200], organisation, checked.email[:254]),
        "organisation": organisation,
        "pronouns": (data.pronouns or "").strip()[:50] or None,
        "access_needs": (data.access_needs or "").strip(),
        "dietary": (data.dietary or "").strip(),
        "attendance": checked.attendance,
        "status": status,
        "locale": data.locale or "en",
        "consent_at": now,
        "waitlisted_at": now if status == WAITLISTED else None,
        "checkin_code": new_checkin_code(),
        "checked_in_at": None,
        "created_at": now,
        "updated_at": now,
        "cancelled_at": None,
        "erased_at": None,
    }
    conn = db.session.connection()
    reg_id = conn.execute(sa.insert(_registrations), values).inserted_primary_key[0]
    if session_status:
        choices = [
            {
                "registration_id": reg_id,
                "session_id": session_id,
                "status": choice_status,
                "waitlisted_at": now if choice_status == WAITLISTED else None,
                "created_at": now,
            }
            for session_id, choice_status in session_status.items()
        ]
        conn.execute(sa.insert(_choices), choices)
    if checked.answers:
        rows = [{"registration_id": reg_id, "question_id": q, "value": v} for q, v in checked.answers]
        conn.execute(sa.insert(_answers), rows)
    reg = Registration(id=reg_id, **values)
    sa.orm.make_transient_to_detached(reg)  # as loaded: no flush, no SELECT
    db.session.add(reg)
    return reg


def _already_registered() -> Conflict:
    return Conflict(
        _("This email address is already registered for this event."),
        code="already_registered",
        field="email",
    )


def _earlier_registration(
    event_id: int, key_hash: str, email_norm: str
) -> tuple[Registration, str, bool] | None:
    """The registration this form already made (a double submit: returned as not created), or
    :func:`_already_registered` when the email address holds an active registration."""
    earlier = db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event_id,
            sa.or_(Registration.form_key_hash == key_hash, Registration.active_email == email_norm),
        )
    ).all()
    for existing in earlier:
        if existing.form_key_hash == key_hash and existing.token_seed:
            return existing, manage_token(existing.token_seed), False
    if earlier:
        raise _already_registered()
    return None


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
    if reg is None or not reg.token_seed:
        return False
    # Keep the stored hash in step (e.g. after a SECRET_KEY rotation).
    reg.token_hash = hash_token(manage_token(reg.token_seed))
    queue_registration_mail("link", reg)
    return True

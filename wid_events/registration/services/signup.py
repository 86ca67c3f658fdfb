"""Signing up: the registration form's submission and the "email me my link again" page."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from wid_events.audit import services as audit
from wid_events.core.database import write_transaction
from wid_events.core.web import hash_token
from wid_events.errors import Conflict, DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.registration.models import Registration, RegistrationSession
from wid_events.registration.services.capacity import WAITLISTED
from wid_events.registration.services.form import (
    RegistrationData,
    form_key_hash,
    manage_token,
    new_form_key,
    new_token_seed,
    registration_closed_reason,
    resolve_attendance,
    validate_choices,
)
from wid_events.registration.services.mail import queue_registration_mail
from wid_events.registration.services.questions import set_answers, validate_answers
from wid_events.registration.services.waitlist import (
    lock_for_new_registration,
    placement_for_new,
)

_FORM_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def register(
    event: Event, data: RegistrationData, *, actor=None, by_organiser: bool = False
) -> tuple[Registration, str, bool]:
    """Register someone. Returns ``(registration, manage token, created)``.

    ``created`` is False for a double submit of the same form (same ``form_key``), which
    returns the registration made by the first submit. ``by_organiser``: an organiser adds
    the registration by hand, also outside the registration window and without the
    answers the form requires.
    """
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
    sessions = validate_choices(event, data.session_ids, attendance)
    answers = validate_answers(event, attendance, data.answers or {}, require=not by_organiser)
    form_key = data.form_key if data.form_key and _FORM_KEY_RE.match(data.form_key) else new_form_key()
    key_hash = form_key_hash(form_key)
    email_norm = email.lower()
    event_id = event.id
    session_ids = [s.id for s in sessions]
    now = utcnow()

    seed = new_token_seed()
    token = manage_token(seed)
    token_hash = hash_token(token)

    # Everything above ran without the lock. The event lock covers the counts and the insert
    # only: one statement each, then the commit releases it. A double submit (same form key)
    # or an email address already registered meets the unique constraints at the insert, and
    # only then is the earlier registration looked up (handled below).
    with write_transaction():
        event = lock_for_new_registration(event_id)
        reason = None if by_organiser else registration_closed_reason(event)
        if reason:
            raise Conflict(reason, code="registration_closed")
        status, session_status = placement_for_new(event, attendance, session_ids)
        reg = Registration(
            event=event,
            token_hash=token_hash,
            form_key_hash=key_hash,
            token_seed=seed,
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
            waitlisted_at=now if status == WAITLISTED else None,
        )
        reg.set_status(status)
        reg.choices = [
            RegistrationSession(
                session_id=i,
                status=session_status[i],
                waitlisted_at=now if session_status[i] == WAITLISTED else None,
            )
            for i in session_ids
        ]
        set_answers(reg, answers)
        db.session.add(reg)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            earlier = _earlier_registration(event_id, key_hash, email_norm)
            if earlier is not None:
                return earlier
            raise _already_registered() from None
        if by_organiser:
            audit.record("registration.add", actor=actor, event_id=event_id, obj=reg)
        queue_registration_mail("received", reg)
    return reg, token, True


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

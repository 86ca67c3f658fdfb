"""CVs an attendee shares with one exhibitor for one interview, and their deletion after the
retention period (``CV_RETENTION_DAYS`` days after the event)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from wid_events.audit import services as audit
from wid_events.errors import DomainError, NotFound, PermissionDenied
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.jobday.models import BookingStatus, Exhibitor, InterviewBooking
from wid_events.jobday.services.common import Actor
from wid_events.models_base import utcnow
from wid_events.storage import delete_quietly, get_storage
from wid_events.uploads import Kind, validate_upload

CV_MAX_BYTES = 10 * 1024 * 1024


def drop_cv(booking: InterviewBooking) -> None:
    delete_quietly(booking.cv_key)
    booking.cv_key = None
    booking.cv_filename = None
    booking.cv_shared = False


def attach_cv(booking: InterviewBooking, file_storage, *, consent: bool, actor: Actor = "attendee") -> None:
    """Share a PDF CV (checked by content) with this booking's exhibitor only. Opt-in."""
    if booking.status != BookingStatus.BOOKED:
        raise DomainError(_("This interview was cancelled."), code="cancelled")
    if not consent:
        raise DomainError(
            _("Please confirm that you want to share your CV with %(name)s.", name=booking.exhibitor.name),
            field="consent",
        )
    upload = validate_upload(file_storage, {Kind.PDF}, CV_MAX_BYTES, field="cv")
    try:
        key = get_storage().save(upload.stream, prefix="cvs", suffix="pdf")
    finally:
        upload.stream.close()
    delete_quietly(booking.cv_key)
    booking.cv_key = key
    booking.cv_filename = upload.filename
    booking.cv_shared = True
    booking.cv_uploaded_at = utcnow()
    audit.record(
        "interview.cv",
        actor=actor,
        event_id=booking.exhibitor.event_id,
        obj=booking,
        changes={"cv": [None, True]},
    )


def withdraw_cv(booking: InterviewBooking, *, actor: Actor = "attendee") -> None:
    if booking.cv_key:
        drop_cv(booking)
        audit.record(
            "interview.cv",
            actor=actor,
            event_id=booking.exhibitor.event_id,
            obj=booking,
            changes={"cv": [True, None]},
        )


def cv_for_exhibitor(exhibitor: Exhibitor, booking_id: int) -> InterviewBooking:
    """The booking whose CV this exhibitor may read; any other exhibitor gets PermissionDenied."""
    booking = db.session.get(InterviewBooking, booking_id)
    if booking is None or booking.exhibitor_id != exhibitor.id:
        raise PermissionDenied(_("This CV was not shared with you."), code="cv_forbidden")
    if not booking.cv_shared or not booking.cv_key or booking.status != BookingStatus.BOOKED:
        raise NotFound(_("No CV is shared for this interview."), code="no_cv")
    return booking


def cv_retention_days() -> int:
    return int(current_app.config.get("CV_RETENTION_DAYS", 30))


def purge_cvs(
    *, today: dt.date | None = None, dry_run: bool = False, actor: Actor = "cli"
) -> list[InterviewBooking]:
    """Delete the CVs of events that ended more than ``CV_RETENTION_DAYS`` days ago.

    Returns the bookings concerned (also with ``dry_run``, which changes nothing).
    """
    today = today or utcnow().date()
    cutoff = today - dt.timedelta(days=cv_retention_days())
    bookings = list(
        db.session.scalars(
            sa.select(InterviewBooking)
            .join(Exhibitor, Exhibitor.id == InterviewBooking.exhibitor_id)
            .join(Event, Event.id == Exhibitor.event_id)
            .where(InterviewBooking.cv_key.is_not(None), Event.end_date < cutoff)
            .order_by(InterviewBooking.id)
        )
    )
    if dry_run:
        return bookings
    now = utcnow()
    per_event: dict[int, int] = {}
    for booking in bookings:
        drop_cv(booking)
        booking.cv_purged_at = now
        per_event[booking.exhibitor.event_id] = per_event.get(booking.exhibitor.event_id, 0) + 1
    for event_id, n in per_event.items():
        audit.record(
            "interview.cv_purge",
            actor=actor,
            event_id=event_id,
            object_type="event",
            object_id=event_id,
            changes={"cvs": [n, 0]},
        )
    return bookings


def on_housekeeping(_sender, *, now: dt.datetime, **_kwargs) -> dict[str, int]:
    """Receiver of :data:`wid_events.signals.housekeeping`: the CVs past their retention."""
    return {"Job Day CVs past their retention": len(purge_cvs(today=now.date(), actor="housekeeping"))}

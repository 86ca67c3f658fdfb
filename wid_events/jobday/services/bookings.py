"""Interview bookings: an attendee books, cancels and lists interviews; exhibitors list theirs.

Capacity guarantee for interview slots
--------------------------------------
:func:`book_interview` runs in :func:`wid_events.core.database.write_transaction` and locks,
in this order, the attendee's registration row and then the slot row with
:func:`wid_events.core.database.lock_for_update` (PostgreSQL ``FOR UPDATE``; SQLite's
``BEGIN IMMEDIATE`` takes the database write lock). Only then are the slot's bookings and the
attendee's bookings counted. Two attendees racing for the last seat of a slot queue on the
slot row; one attendee racing themselves (two tabs) queues on the registration row. The
fixed lock order (registration, then slot) avoids deadlocks. A unique constraint
(registration, active slot) backs up the "no double booking" rule.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from wid_events.audit import services as audit
from wid_events.core.database import lock_for_update, write_transaction
from wid_events.core.uow import queue_mail
from wid_events.enums import RegistrationStatus
from wid_events.errors import Conflict, DomainError, NotFound, PermissionDenied
from wid_events.extensions import db
from wid_events.jobday import interview_mails
from wid_events.jobday.models import BookingStatus, Exhibitor, InterviewBooking, InterviewSlot, JobOffer
from wid_events.jobday.services.common import Actor, max_bookings, now_local
from wid_events.jobday.services.cvs import drop_cv
from wid_events.jobday.services.slots import active_bookings_stmt, count_slot
from wid_events.models_base import utcnow
from wid_events.registration.models import Registration


def bookings_of(registration: Registration, *, active_only: bool = True) -> list[InterviewBooking]:
    stmt = (
        sa.select(InterviewBooking)
        .join(InterviewSlot, InterviewSlot.id == InterviewBooking.slot_id)
        .where(InterviewBooking.registration_id == registration.id)
        .options(selectinload(InterviewBooking.slot), selectinload(InterviewBooking.exhibitor))
        .order_by(InterviewSlot.start, InterviewBooking.id)
    )
    if active_only:
        stmt = stmt.where(InterviewBooking.status == BookingStatus.BOOKED)
    return list(db.session.scalars(stmt))


def personal_interviews(registration: Registration) -> list[InterviewBooking]:
    """Interviews for the attendee's page and calendar: active bookings of a confirmed registration."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return []
    return bookings_of(registration)


def can_book(registration: Registration) -> str | None:
    """Why this attendee cannot book interviews now, or None."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return _("Only attendees with a confirmed registration can book interviews.")
    return None


def book_interview(
    registration: Registration, slot_id: int, *, offer_id: int | None = None, actor: Actor = "attendee"
) -> InterviewBooking:
    """Book a slot for a confirmed attendee, within the capacity guarantee (module docstring).

    Refused: another event's slot, a past slot, the same slot twice, an overlapping or
    back-to-back interview, more than the per-attendee limit, a full slot. The caller commits.
    """
    reason = can_book(registration)
    if reason:
        raise PermissionDenied(reason, code="not_confirmed")
    with write_transaction():
        db.session.execute(
            lock_for_update(sa.select(Registration.id).where(Registration.id == registration.id))
        )
        slot = db.session.scalar(lock_for_update(sa.select(InterviewSlot).where(InterviewSlot.id == slot_id)))
        if slot is None or slot.exhibitor.event_id != registration.event_id:
            raise NotFound(_("This interview slot does not exist."), code="unknown_slot")
        db.session.refresh(registration)
        reason = can_book(registration)
        if reason:
            raise PermissionDenied(reason, code="not_confirmed")
        event = registration.event
        if slot.start <= now_local(event):
            raise DomainError(_("This interview slot has already started."), code="slot_past", field="slot")
        offer = None
        if offer_id:
            offer = db.session.get(JobOffer, offer_id)
            if offer is None or offer.exhibitor_id != slot.exhibitor_id or not offer.published:
                raise DomainError(
                    _("Please choose one of this exhibitor's offers."), code="unknown_offer", field="offer"
                )
        mine = bookings_of(registration)
        for other in mine:
            if other.slot_id == slot.id:
                raise Conflict(_("You have already booked this interview."), code="already_booked")
        for other in mine:
            o = other.slot
            if o.start < slot.end and slot.start < o.end:
                raise Conflict(
                    _(
                        "This overlaps your interview with %(name)s at %(time)s.",
                        name=other.exhibitor.name,
                        time=o.start.strftime("%H:%M"),
                    ),
                    code="overlapping",
                )
            if o.end == slot.start or slot.end == o.start:
                raise Conflict(
                    _(
                        "This is right before or after your interview with %(name)s at %(time)s. "
                        "Please leave a break to move between booths.",
                        name=other.exhibitor.name,
                        time=o.start.strftime("%H:%M"),
                    ),
                    code="back_to_back",
                )
        _refuse_session_overlap(registration, slot)
        limit = max_bookings(event)
        if len(mine) >= limit:
            raise Conflict(
                ngettext(
                    "You can book at most %(num)d interview. Cancel it to book another.",
                    "You can book at most %(num)d interviews. Cancel one to book another.",
                    limit,
                ),
                code="limit_reached",
            )
        if count_slot(slot.id) >= slot.capacity:
            raise Conflict(
                _("This interview slot has just been fully booked. Please choose another."), code="slot_full"
            )
        booking = InterviewBooking(
            slot=slot,
            active_slot_id=slot.id,
            registration_id=registration.id,
            exhibitor_id=slot.exhibitor_id,
            offer=offer,
            status=BookingStatus.BOOKED,
        )
        db.session.add(booking)
        db.session.flush()
        queue_mail(interview_mails.attendee_mail, booking.id, "booked")
        if slot.exhibitor.notify_bookings and slot.exhibitor.contact_email:
            queue_mail(interview_mails.exhibitor_mail, booking.id)
        audit.record(
            "interview.book",
            actor=actor,
            event_id=event.id,
            obj=booking,
            object_label=f"{slot.exhibitor.name} {slot.start:%Y-%m-%d %H:%M}",
        )
    return booking


def _refuse_session_overlap(registration: Registration, slot: InterviewSlot) -> None:
    """An interview may not clash with one of the attendee's confirmed workshop seats."""
    for choice in registration.choices:
        session = choice.session
        if (
            choice.status == RegistrationStatus.CONFIRMED
            and session.start < slot.end
            and slot.start < session.end
        ):
            raise Conflict(
                _(
                    "This overlaps your workshop “%(title)s” (%(start)s–%(end)s). Please choose "
                    "another time, or change your workshops first.",
                    title=session.title,
                    start=session.start.strftime("%H:%M"),
                    end=session.end.strftime("%H:%M"),
                ),
                code="overlapping_session",
            )


def own_booking(registration: Registration, booking_id: int) -> InterviewBooking:
    booking = db.session.get(InterviewBooking, booking_id)
    if booking is None or booking.registration_id != registration.id:
        raise NotFound(_("This interview booking does not exist."))
    return booking


def cancel_booking(booking: InterviewBooking, *, actor: Actor = "attendee", notify: bool = True) -> None:
    """Cancel a booking (frees the seat) and delete its CV; ``notify`` mails the attendee a
    cancellation with ``METHOD:CANCEL`` (not when their whole registration is cancelled: that
    mail says so)."""
    if booking.status == BookingStatus.CANCELLED:
        return
    if notify:
        queue_mail(interview_mails.attendee_mail, booking.id, "cancelled")
    booking.status = BookingStatus.CANCELLED
    booking.active_slot_id = None
    booking.cancelled_at = utcnow()
    drop_cv(booking)
    audit.record(
        "interview.cancel",
        actor=actor,
        event_id=booking.exhibitor.event_id,
        obj=booking,
        object_label=f"{booking.exhibitor.name} {booking.slot.start:%Y-%m-%d %H:%M}",
    )


def release_registration(registration: Registration, *, actor: Actor = None) -> int:
    """Cancel every active interview of ``registration`` and delete its CVs (for a cancelled
    or erased registration). Returns how many were cancelled. The caller commits."""
    n = 0
    for booking in bookings_of(registration, active_only=False):
        if booking.status == BookingStatus.BOOKED:
            cancel_booking(booking, actor=actor, notify=False)
            n += 1
        elif booking.cv_key:
            drop_cv(booking)
    return n


def on_registration_released(registration: Registration, **_kwargs) -> None:
    """Receiver of :data:`wid_events.signals.registration_released`."""
    release_registration(registration, actor="system")


def exhibitor_bookings(exhibitor: Exhibitor, day: dt.date | None = None) -> list[InterviewBooking]:
    """The exhibitor's active interviews (of confirmed attendees), by time."""
    stmt = (
        active_bookings_stmt()
        .join(InterviewSlot, InterviewSlot.id == InterviewBooking.slot_id)
        .where(InterviewBooking.exhibitor_id == exhibitor.id)
        .options(
            selectinload(InterviewBooking.slot),
            selectinload(InterviewBooking.registration),
            selectinload(InterviewBooking.offer),
        )
        .order_by(InterviewSlot.start, InterviewBooking.id)
    )
    bookings = list(db.session.scalars(stmt))
    if day is not None:
        bookings = [b for b in bookings if b.slot.start.date() == day]
    return bookings


def set_booking_notifications(exhibitor: Exhibitor, wanted: bool, *, actor: Actor = None) -> bool:
    """Opt the exhibitor's contact address in (or out) of an email per new booking."""
    if wanted and not exhibitor.contact_email:
        raise DomainError(_("Add a contact email address to your profile first."), code="no_contact")
    if exhibitor.notify_bookings != wanted:
        exhibitor.notify_bookings = wanted
        audit.record(
            "exhibitor.booking_notifications",
            actor=actor,
            event_id=exhibitor.event_id,
            obj=exhibitor,
            changes={"notify_bookings": [not wanted, wanted]},
        )
    return wanted

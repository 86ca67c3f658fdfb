"""Interview mails, built after the commit by :func:`wid_events.core.uow.queue_mail`: the
attendee's confirmation (with the interview as ``.ics``) and cancellation (``METHOD:CANCEL``),
and the exhibitor's optional note about each new booking."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from wid_events.core.urls import external_url
from wid_events.exports.ics import interview_calendar
from wid_events.extensions import db
from wid_events.jobday.models import InterviewBooking
from wid_events.mail import Attachment, Mail
from wid_events.registration.services.form import token_for


def attendee_mail(booking_id: int, kind: str) -> Mail | None:
    """``kind`` is ``booked`` or ``cancelled``. None when there is nobody to mail any more."""
    booking = db.session.get(InterviewBooking, booking_id)
    if booking is None:
        return None
    reg = booking.registration
    if not reg.email or reg.erased_at is not None:
        return None
    exhibitor = booking.exhibitor
    event = exhibitor.event
    token = token_for(reg)
    cancel = kind == "cancelled"
    with force_locale(reg.locale or "en"):
        body = render_template(
            "jobday/email/interview.txt",
            kind=kind,
            booking=booking,
            exhibitor=exhibitor,
            event=event,
            registration=reg,
            interviews_url=external_url("jobday.interviews", token=token) if token else None,
        )
        if cancel:
            subject = _("Your interview with %(name)s is cancelled", name=exhibitor.name)
        else:
            subject = _("Your interview with %(name)s is booked", name=exhibitor.name)
        ics = interview_calendar(booking, cancel=cancel)
    method = "CANCEL" if cancel else "PUBLISH"
    return Mail(
        to=reg.email,
        to_name=reg.name,
        subject=subject,
        body=body,
        attachments=[Attachment(f"interview-{booking.id}.ics", ics, f"text/calendar; method={method}")],
        reply_to=event.contact_email,
        heading=event.title,
    )


def exhibitor_mail(booking_id: int) -> Mail | None:
    """A note to the exhibitor's contact about a new booking (they opted in, in their portal)."""
    booking = db.session.get(InterviewBooking, booking_id)
    if booking is None:
        return None
    exhibitor = booking.exhibitor
    if not exhibitor.notify_bookings or not exhibitor.contact_email:
        return None
    event = exhibitor.event
    with force_locale("en"):
        body = render_template(
            "jobday/email/new_booking.txt", booking=booking, exhibitor=exhibitor, event=event
        )
        subject = _("New interview booking at %(event)s", event=event.title)
    return Mail(to=exhibitor.contact_email, subject=subject, body=body, heading=event.title)

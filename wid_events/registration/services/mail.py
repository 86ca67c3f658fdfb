"""Registration emails: queued in the transaction, built and sent only after it commits.

:func:`queue_registration_mail` records just the registration's id and the kind of message
(through :func:`wid_events.core.uow.queue_mail`), so a rolled-back transaction mails nobody.
:func:`build_registration_mail` runs in the job after the commit: it loads the registration,
derives the manage link from the stored form key (:func:`.form.token_for`) and renders the
message in the registrant's language. The job never carries a rendered body or a token.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from wid_events import signals
from wid_events.agenda.models import Session
from wid_events.core.content import localized
from wid_events.core.uow import queue_mail
from wid_events.core.urls import external_url
from wid_events.enums import Attendance
from wid_events.events.look import mimetype_of, normalise_colour, read_image
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.mail import Attachment, InlineImage, Mail
from wid_events.registration.models import Registration
from wid_events.registration.services.capacity import (
    CANCELLED,
    CONFIRMED,
    PENDING,
    WAITLISTED,
    choice_position,
    waitlist_position,
)
from wid_events.registration.services.form import token_for

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

#: The site's accent (``--accent`` in site.css) when the event has none.
DEFAULT_ACCENT = "#5a2a82"

#: Image types that mail clients show inline (Outlook and Gmail: neither SVG nor, everywhere, WebP).
MAIL_IMAGE_TYPES = ("image/png", "image/jpeg")

#: The kinds of message that carry the attendee's personal calendar (when confirmed).
WITH_CALENDAR = ("confirmed", "promoted", "session_promoted", "updated")


def registration_ics(reg: Registration, *, cancel: bool = False) -> bytes | None:
    """The attendee's personal calendar (or its cancellation), asked for with the
    :data:`~wid_events.signals.calendar_for_registration` signal (the exports area answers)."""
    for _receiver, calendar in signals.calendar_for_registration.send(reg, cancel=cancel):
        if calendar:
            return calendar
    return None


def _calendar_attachments(reg: Registration, kind: str) -> list[Attachment]:
    """Confirmations carry the personal calendar; a cancellation or a rejection its
    ``METHOD:CANCEL`` (an organiser may reject a confirmed registration; for entries the
    attendee never had, calendar clients ignore the cancellation)."""
    slug = reg.event.slug
    if kind in ("cancelled", "rejected"):
        ics = registration_ics(reg, cancel=True)
        return [Attachment(f"{slug}-cancel.ics", ics, "text/calendar; method=CANCEL")] if ics else []
    if kind in WITH_CALENDAR and reg.status == CONFIRMED:
        ics = registration_ics(reg)
        return [Attachment(f"{slug}.ics", ics, "text/calendar; method=PUBLISH")] if ics else []
    return []


def queue_registration_mail(kind: str, reg: Registration, *, session: Session | None = None) -> None:
    """Email ``reg`` a message of ``kind`` once the caller's transaction commits.

    ``received`` stands for the message that fits the registration's status now (confirmed,
    waitlisted or pending). ``session`` names the workshop of a ``session_promoted`` message.
    """
    if not reg.email or reg.erased_at is not None:
        return
    if kind == "received":
        kind = {CONFIRMED: "confirmed", WAITLISTED: "waitlisted", PENDING: "pending"}[reg.status]
    db.session.flush()  # a new registration gets its id
    queue_mail(build_registration_mail, reg.id, kind, session_id=session.id if session else None)


def build_registration_mail(registration_id: int, kind: str, session_id: int | None = None) -> Mail | None:
    """Job: the message of ``kind`` for one registration, rendered now in its language.

    ``None`` (nothing to send) when the registration is gone, erased or has no address.
    """
    reg = db.session.get(Registration, registration_id)
    if reg is None or not reg.email or reg.erased_at is not None:
        return None
    event = reg.event
    token = token_for(reg)
    extra = {"session": db.session.get(Session, session_id)} if session_id else {}
    with force_locale(reg.locale or "en"):
        context = {
            "kind": kind,
            "registration": reg,
            "event": event,
            "manage_url": external_url("registration.manage", token=token) if token else None,
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
        look, images = mail_look(event)
        html = render_template("email/_look_wrapper.html", event=event, text=body, look=look)
    return Mail(
        to=reg.email,
        to_name=reg.name,
        subject=subject,
        body=body,
        html=html,
        accent=look["accent"],
        inline_images=images,
        attachments=_calendar_attachments(reg, kind),
        reply_to=getattr(event, "contact_email", None),
        heading=localized(event, "title"),
    )


def mail_look(event: Event) -> tuple[dict, list[InlineImage]]:
    """The organisation's look for HTML mail: the accent colour (or the site's) and the logo,
    carried inside the message and shown by ``cid:`` (no remote image). Mail clients show PNG
    and JPEG; an SVG or WebP logo is left out of mail (the event's name is there in any case)."""
    look = {"logo": None, "accent": normalise_colour(event.accent_colour or "") or DEFAULT_ACCENT}
    mimetype = mimetype_of(event.logo_key) if event.logo_key else None
    content = read_image(event.logo_key) if mimetype in MAIL_IMAGE_TYPES else None
    if not content:
        return look, []
    cid = f"logo.{event.id}@wid-events.local"
    look["logo"] = f"cid:{cid}"
    return look, [InlineImage(cid, content, mimetype)]

"""iCalendar (RFC 5545 + RFC 7986) feeds: the whole event, one session, an attendee's agenda.

Decisions (documented for the lead and other areas):

* Times are written as ``DTSTART;TZID=<event tz>`` local wall-clock times with a generated
  ``VTIMEZONE`` covering the event's year ±1, so clients place them exactly across DST changes.
* ``UID`` is :attr:`Session.uid` (session key + event slug): stable across re-exports and an
  event-package export/import round trip. ``SEQUENCE`` is :attr:`Session.sequence`. ``DTSTAMP``
  is the session's last change (deterministic output for the same data).
* Cancelled sessions stay in every feed with ``STATUS:CANCELLED`` so subscribed clients drop them.
* Public feeds (event, session) only exist for published agendas (the views return 404 otherwise)
  and never carry the livestream link, emails or gender.
* The personal feed of a *confirmed* registration holds the plenary sessions (those that do not
  need a sign-up) and the workshops whose choice is *confirmed*; waitlisted workshop choices are
  left out until the attendee gets the seat (the subscribed feed then picks them up). A pending,
  waitlisted, cancelled or rejected registration gets an empty (valid) calendar. Online attendees
  get the livestream as an RFC 7986 ``CONFERENCE`` property and in ``DESCRIPTION``, in the
  sessions that are online or hybrid (never in an in-person-only one); in-person attendees never
  do. In hybrid events each session's ``DESCRIPTION`` names its attendance mode. Other areas add
  items through :data:`wid_events.signals.personal_calendar_collect` (Job Day: booked
  interviews, see :func:`interview_vevent`).
* Until the agenda is published, event and personal calendars hold one all-day item for the
  whole event (so the confirmation-email attachment is still useful).
"""

from __future__ import annotations

import contextlib
import datetime as dt

import icalendar
import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from wid_events import signals
from wid_events.agenda.models import Session, SessionSpeaker, plenary_ids
from wid_events.core.content import localized
from wid_events.core.database import version_memo
from wid_events.core.urls import base_url
from wid_events.enums import (
    Attendance,
    EventMode,
    InvitationStatus,
    RegistrationStatus,
    SessionAttendance,
    SessionType,
    SpeakerRole,
)
from wid_events.exports import ical_text
from wid_events.extensions import db
from wid_events.registration.services.stars import starred_ids

PRODID = "-//wid_events//Inclusive events//EN"


def locale_context(locale: str | None = None):
    """Translations outside a request (CLI, jobs, emails): force ``locale`` or the default.

    Inside a request without an explicit ``locale`` the request's own locale is kept.
    """
    if locale:
        return force_locale(locale)
    if has_request_context():
        return contextlib.nullcontext()
    return force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))


def public_url(path: str) -> str:
    """An absolute URL for ``path`` on this site (request host, else SERVER_NAME)."""
    return base_url() + path


def event_url(event) -> str:
    return public_url(f"/events/{event.slug}/")


def session_url(session) -> str:
    return public_url(f"/events/{session.event.slug}/sessions/{session.id}")


def type_label(value: SessionType) -> str:
    return {
        SessionType.KEYNOTE: _("Keynote"),
        SessionType.PANEL: _("Panel"),
        SessionType.WORKSHOP: _("Workshop"),
        SessionType.TALK: _("Talk"),
        SessionType.BREAK: _("Break"),
        SessionType.NETWORKING: _("Networking"),
        SessionType.JOB_FAIR: _("Job fair"),
        SessionType.OTHER: _("Other"),
    }.get(value, str(value))


def role_label(value: SpeakerRole) -> str:
    return {
        SpeakerRole.PANELIST: _("panelist"),
        SpeakerRole.MODERATOR: _("moderator"),
        SpeakerRole.SPEAKER: _("speaker"),
        SpeakerRole.FACILITATOR: _("facilitator"),
    }.get(value, str(value))


def attendance_label(value: SessionAttendance) -> str:
    return {
        SessionAttendance.IN_PERSON: _("In person only"),
        SessionAttendance.ONLINE: _("Online only"),
        SessionAttendance.HYBRID: _("In person and online"),
    }.get(value, str(value))


def shows_attendance(session) -> bool:
    """Name the session's attendance mode in hybrid events, or when set against the event's mode."""
    return session.event.mode == EventMode.HYBRID or session.attendance is not None


def public_speakers(session) -> list:
    """SessionSpeaker rows shown publicly (a declined invitation is not shown)."""
    return [link for link in session.speakers if link.invitation_status != InvitationStatus.DECLINED]


def location_text(session) -> str:
    event = session.event
    parts = []
    if session.room is not None:
        parts.append(localized(session.room, "name"))
    if event.venue_name:
        parts.append(event.venue_name)
    if event.venue_address:
        parts.append(event.venue_address)
    if not parts and event.mode.value == "online":
        parts.append(_("Online"))
    return ", ".join(parts)


def load_event_sessions(event) -> list:
    """``event.sessions`` with rooms, tracks and speakers, in a fixed number of queries (no N+1).

    Also fills ``event.sessions`` itself, so later reads of it cost nothing.
    """
    sessions = list(db.session.scalars(_sessions_with_details(event)).unique())
    set_committed_value(event, "sessions", sessions)
    return sessions


def _sessions_with_details(event) -> sa.Select:
    return (
        sa.select(Session)
        .where(Session.event_id == event.id)
        .options(
            joinedload(Session.room),
            joinedload(Session.track),
            selectinload(Session.speakers).joinedload(SessionSpeaker.person),
        )
        .order_by(Session.start, Session.id)
    )


def _new_calendar(event, name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-timezone", event.timezone)
    cal.add("url", event_url(event))
    # Subscribed feeds: ask clients to refresh a few times a day.
    cal.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    first = dt.date(event.start_date.year - 1, 1, 1)
    last = dt.date(event.end_date.year + 2, 1, 1)
    cal.add_component(icalendar.Timezone.from_tzid(event.timezone, first_date=first, last_date=last))
    return cal


def _stamp(value: dt.datetime | None) -> dt.datetime:
    value = value or dt.datetime.now(dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def session_vevent(session, *, livestream_url: str | None = None) -> icalendar.Event:
    """One VEVENT for ``session``. ``livestream_url`` only for an online attendee's own feed."""
    event = session.event
    tz = event.tz
    ev = icalendar.Event()
    ev.add("uid", session.uid)
    ev.add("dtstamp", _stamp(session.updated_at))
    ev.add("sequence", session.sequence or 0)
    ev.add("dtstart", session.start.replace(tzinfo=tz))
    ev.add("dtend", session.end.replace(tzinfo=tz))
    ev.add("summary", localized(session, "title"))
    location = location_text(session)
    if livestream_url:
        location = _("Online (livestream)") if not location else location
    if location:
        ev.add("location", location)
    url = session_url(session)
    ev.add("url", url)

    lines: list[str] = []
    if shows_attendance(session):
        lines.append(_("Attendance: %(mode)s", mode=attendance_label(session.attendance_mode)))
        lines.append("")
    if localized(session, "description"):
        lines.append(localized(session, "description").strip())
        lines.append("")
    speakers = public_speakers(session)
    if speakers:
        lines += [_("Speakers:"), *ical_text.speaker_entries(speakers, role_label), ""]
    if livestream_url:
        lines.append(_("Livestream: %(url)s", url=livestream_url))
        lines.append("")
    lines.append(_("Details: %(url)s", url=url))
    ev.add("description", "\n".join(lines))

    categories = [type_label(session.type)]
    if session.track is not None:
        categories.append(session.track.name)
    ev.add("categories", categories)
    ev.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    ev.add("transp", "TRANSPARENT" if session.type == SessionType.BREAK else "OPAQUE")
    if session.is_cancelled:
        ev.add("x-microsoft-cdo-busystatus", "FREE")
    if livestream_url:
        ev.add(
            "conference",
            livestream_url,
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": _("Livestream")},
        )
    return ev


def _event_overview(event) -> icalendar.Event:
    """An all-day item for the whole event, used while the agenda is not published."""
    ev = icalendar.Event()
    ev.add("uid", f"event.{event.slug}@wid-events")
    ev.add("dtstamp", _stamp(event.updated_at))
    ev.add("dtstart", event.start_date)
    ev.add("dtend", event.end_date + dt.timedelta(days=1))
    ev.add("summary", localized(event, "title"))
    location = ", ".join(p for p in (event.venue_name, event.venue_address) if p)
    if location:
        ev.add("location", location)
    ev.add("url", event_url(event))
    ev.add("description", _("Details: %(url)s", url=event_url(event)))
    ev.add("status", "CONFIRMED")
    ev.add("transp", "TRANSPARENT")
    return ev


def _to_bytes(cal: icalendar.Calendar) -> bytes:
    return cal.to_ical()


def event_calendar(event, *, include_unpublished: bool = False) -> bytes:
    """Every session of the event (cancelled ones with STATUS:CANCELLED); no livestream link.

    While the agenda is unpublished, one all-day item for the event instead (unless
    ``include_unpublished``, for organisers' exports).
    """
    # Outside a request (``calendar export``), in the event's own language.
    with locale_context(None if has_request_context() else event.default_language):
        name = localized(event, "title")
        if event.published or include_unpublished:
            return _assemble(event, name, [], load_event_sessions(event))
        return _assemble(event, name, [_event_overview(event)], [])


def session_calendar(session) -> bytes:
    """One session as a calendar (for "add to my calendar" on the session page)."""
    with locale_context():
        name = localized(session, "title") + " – " + localized(session.event, "title")
        return _assemble(session.event, name, [], [session])


_END = b"END:VCALENDAR\r\n"


def _assemble(event, name: str, components: list, public_sessions: list) -> bytes:
    """A calendar named ``name``: its head (properties and VTIMEZONE, built with icalendar once
    per event version, locale and name), the given icalendar ``components``, and the public
    VEVENTs of ``public_sessions`` written as text by :mod:`~wid_events.exports.ical_text`
    (fast; each remembered per version, see there)."""
    root = base_url()
    version = (event.id, *event.version_key, str(get_locale() or ""), root)

    def head_text() -> str:  # built only when not remembered yet
        return _new_calendar(event, name).to_ical()[: -len(_END)].decode()

    head = ical_text.remembered((*version, "head", name), head_text)
    parts = [head.encode(), *(c.to_ical() for c in components)]
    if public_sessions:
        labels = ical_text.Labels(type_label, role_label)

        def build(session) -> str:
            return ical_text.vevent_text(
                session,
                labels=labels,
                url=f"{root}/events/{event.slug}/sessions/{session.id}",
                location=location_text(session),
                speakers=public_speakers(session),
                stamp=_stamp(session.updated_at),
                attendance=attendance_label(session.attendance_mode) if shows_attendance(session) else None,
            )

        body = "".join(ical_text.remembered((*version, s.id), lambda s=s: build(s)) for s in public_sessions)
        parts.append(body.encode())
    parts.append(_END)
    return b"".join(parts)


def _plenary_and_all_ids(event) -> tuple[frozenset[int], frozenset[int]]:
    """The ids of the sessions for everyone (:func:`plenary_ids`) and of all sessions, kept per
    event version in this process. Computing them needs only the times of all sessions (a light
    query); only the handful in one attendee's agenda are then loaded with rooms, tracks and
    speakers (a confirmation of a 300-session event loaded all 300: 60 ms of CPU per mail)."""

    def compute() -> tuple[frozenset[int], frozenset[int]]:
        times = db.session.execute(
            sa.select(
                Session.id, Session.start, Session.end, Session.type, Session.requires_signup, Session.status
            ).where(Session.event_id == event.id)
        ).all()
        return frozenset(plenary_ids(times)), frozenset(row.id for row in times)

    return version_memo("plenary_ids", event.id, event.version_key, compute)


def personal_sessions(registration, *, held_before: bool = False) -> list:
    """The sessions in an attendee's own agenda (see the module docstring): the plenary
    sessions, their confirmed workshops and their starred sessions.

    ``held_before``: for a cancellation, every session the agenda may have held (any choice,
    whatever its status now), so the cancellation names the same UIDs as the confirmation.
    """
    if registration.status != RegistrationStatus.CONFIRMED and not held_before:
        return []
    chosen = {
        choice.session_id
        for choice in registration.choices
        if held_before or choice.status == RegistrationStatus.CONFIRMED
    }
    event = registration.event
    plenary, existing = _plenary_and_all_ids(event)
    wanted = (plenary | chosen | starred_ids(registration)) & existing
    if not wanted:
        return []
    return list(db.session.scalars(_sessions_with_details(event).where(Session.id.in_(wanted))).unique())


def personal_calendar(registration) -> bytes:
    """The attendee's subscribable agenda; online attendees get the livestream link.

    A session's VEVENT without the livestream is the public one (text, remembered per version);
    only an online attendee's streamed sessions are built with icalendar, with the link."""
    event = registration.event
    with force_locale(registration.locale or "en"):
        livestream = None
        if registration.attendance == Attendance.ONLINE and event.livestream_url:
            livestream = event.livestream_url
        components, public = [], []
        if not event.published:
            if registration.status == RegistrationStatus.CONFIRMED:
                components.append(_event_overview(event))
        else:
            for session in personal_sessions(registration):
                if livestream and session.attendance_mode != SessionAttendance.IN_PERSON:
                    components.append(session_vevent(session, livestream_url=livestream))
                else:
                    public.append(session)
        components += signals.collect(signals.personal_calendar_collect, registration)
        name = _("%(title)s – my agenda", title=localized(event, "title"))
        return _assemble(event, name, components, public)


def cancellation_calendar(registration, session_ids: list[int] | None = None) -> bytes:
    """``METHOD:CANCEL`` for everything the attendee's confirmation calendar may have held (or
    only ``session_ids``: sessions the organisers cancelled), with the same UIDs and a higher
    SEQUENCE, so calendar clients remove the entries."""
    event = registration.event
    with force_locale(registration.locale or "en"):
        cal = _new_calendar(event, _("%(title)s – my agenda", title=event.title))
        del cal["method"]
        cal.add("method", "CANCEL")
        if session_ids is not None:
            wanted = set(session_ids)
            items = [session_vevent(s) for s in load_event_sessions(event) if s.id in wanted]
        elif not event.published:
            items = [_event_overview(event)]
        else:
            items = [session_vevent(s) for s in personal_sessions(registration, held_before=True)]
        for item in items:
            item.pop("status", None)
            item.add("status", "CANCELLED")
            sequence = int(item.pop("sequence", 0))
            item.add("sequence", sequence + 1)
            cal.add_component(item)
        return _to_bytes(cal)


def registration_calendar(
    registration, *, cancel: bool = False, session_ids: list[int] | None = None
) -> bytes:
    """The :data:`~wid_events.signals.calendar_for_registration` receiver: the attendee's own
    calendar for a confirmation mail, or its cancellation (of some sessions only)."""
    return cancellation_calendar(registration, session_ids) if cancel else personal_calendar(registration)


def interview_calendar(booking, *, cancel: bool = False) -> bytes:
    """One interview as a calendar file for its confirmation (or ``METHOD:CANCEL``) mail."""
    event = booking.exhibitor.event
    with force_locale(booking.registration.locale or "en"):
        cal = _new_calendar(event, _("Interview: %(name)s", name=booking.exhibitor.name))
        item = interview_vevent(booking)
        if cancel:
            del cal["method"]
            cal.add("method", "CANCEL")
            item.pop("status", None)
            item.add("status", "CANCELLED")
            item.add("sequence", 1)
        cal.add_component(item)
        return _to_bytes(cal)


def interview_vevent(booking) -> icalendar.Event:
    """A booked 1:1 interview: the exhibitor, the booth number in LOCATION, the offer."""
    slot = booking.slot
    exhibitor = booking.exhibitor
    event = exhibitor.event
    tz = event.tz
    ev = icalendar.Event()
    ev.add("uid", f"interview-{booking.id}.{event.slug}@wid-events")
    ev.add("dtstamp", _stamp(booking.created_at))
    ev.add("dtstart", slot.start.replace(tzinfo=tz))
    ev.add("dtend", slot.end.replace(tzinfo=tz))
    ev.add("summary", _("Interview: %(name)s", name=exhibitor.name))
    venue = event.venue_name or ""
    if exhibitor.booth:
        location = _("Booth %(booth)s", booth=exhibitor.booth) + (f", {venue}" if venue else "")
    else:
        location = venue
    if location:
        ev.add("location", location)
    lines = [_("1:1 interview with %(name)s", name=exhibitor.name)]
    if booking.offer is not None:
        lines.append(_("About: %(title)s", title=localized(booking.offer, "title")))
    lines.append(_("Details: %(url)s", url=event_url(event)))
    ev.add("description", "\n".join(lines))
    ev.add("status", "CONFIRMED")
    ev.add("transp", "OPAQUE")
    return ev

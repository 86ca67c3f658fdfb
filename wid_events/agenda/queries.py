"""Read side of the public agenda: filters, days and time slots, speakers, events.

Every function here loads what a page needs in a constant number of SQL statements
(``selectinload``/``joinedload``), whatever the number of sessions, rooms or speakers.
Functions never touch the request; views pass plain values in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from wid_events import signals
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.core.collation import sorted_by_name
from wid_events.core.text import safe_url
from wid_events.enums import EventMode, InvitationStatus, SessionAttendance, SessionType, SpeakerRole
from wid_events.errors import NotFound
from wid_events.events.models import Event, Track
from wid_events.extensions import db
from wid_events.people.models import Person

SESSION_TYPE_LABELS = {
    SessionType.KEYNOTE: _l("Keynote"),
    SessionType.PANEL: _l("Panel"),
    SessionType.WORKSHOP: _l("Workshop"),
    SessionType.TALK: _l("Talk"),
    SessionType.BREAK: _l("Break"),
    SessionType.NETWORKING: _l("Networking"),
    SessionType.JOB_FAIR: _l("Job fair"),
    SessionType.OTHER: _l("Other"),
}
SPEAKER_ROLE_LABELS = {
    SpeakerRole.PANELIST: _l("Panelist"),
    SpeakerRole.MODERATOR: _l("Moderator"),
    SpeakerRole.SPEAKER: _l("Speaker"),
    SpeakerRole.FACILITATOR: _l("Facilitator"),
}
EVENT_MODE_LABELS = {
    EventMode.IN_PERSON: _l("In person"),
    EventMode.ONLINE: _l("Online"),
    EventMode.HYBRID: _l("Hybrid (in person and online)"),
}
#: Who can attend a session (shown on the agenda, session pages and personal calendars).
SESSION_ATTENDANCE_LABELS = {
    SessionAttendance.IN_PERSON: _l("In person only"),
    SessionAttendance.ONLINE: _l("Online only"),
    SessionAttendance.HYBRID: _l("In person and online"),
}


# --------------------------------------------------------------------------- events


def listed_events(organiser_event_ids: set[int] | None = None, *, all_drafts: bool = False) -> list[Event]:
    """Published events, plus the drafts the viewer organises (ids given, or all for admins)."""
    visible = Event.published.is_(True)
    if all_drafts:
        visible = sa.true()
    elif organiser_event_ids:
        visible = sa.or_(visible, Event.id.in_(organiser_event_ids))
    stmt = (
        sa.select(Event).options(joinedload(Event.series)).where(visible).order_by(Event.start_date, Event.id)
    )
    return list(db.session.scalars(stmt).unique())


def split_upcoming_past(events: list[Event], today: dt.date | None = None) -> tuple[list[Event], list[Event]]:
    """Upcoming (soonest first) and past (most recent first); an event is past after its last day."""
    today = today or dt.datetime.now(dt.UTC).date()
    upcoming = [e for e in events if e.end_date >= today]
    past = sorted((e for e in events if e.end_date < today), key=lambda e: (e.start_date, e.id), reverse=True)
    return upcoming, past


def published_events() -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.published.is_(True)).order_by(Event.start_date, Event.id)
        )
    )


def tz_label(event: Event, day: dt.date | None = None) -> str:
    """``Europe/Brussels (CEST, UTC+02:00)`` for the given day (default: the first day)."""
    day = day or event.start_date
    local = dt.datetime.combine(day, dt.time(12, 0), tzinfo=event.tz)
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    abbr = local.tzname() or ""
    if abbr and not abbr.startswith(("+", "-")) and abbr != "UTC":
        return f"{event.timezone} ({abbr}, {offset})"
    return f"{event.timezone} ({offset})"


def tz_labels(event: Event) -> list[str]:
    """The distinct labels over the event's days (two when the event spans a DST change)."""
    labels: list[str] = []
    for day in event.days:
        label = tz_label(event, day)
        if label not in labels:
            labels.append(label)
    return labels


def local_iso(event: Event, value: dt.datetime) -> str:
    """A naive event-local time as ISO 8601 with its offset, e.g. ``2024-09-11T09:00:00+02:00``."""
    return value.replace(tzinfo=event.tz).isoformat()


# --------------------------------------------------------------------------- filters


@dataclass
class AgendaFilters:
    """Validated agenda filters. ``problems`` maps a filter name to a message for the page."""

    day: dt.date | None = None
    type: SessionType | None = None
    track: Track | None = None
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.day or self.type or self.track)


def parse_filters(
    event: Event, day: str | None = None, type: str | None = None, track: str | None = None
) -> AgendaFilters:
    """Turn query-string values into filters. Invalid values are reported, not raised.

    Empty strings mean "no filter" (the "All" choice of the GET form).
    """
    filters = AgendaFilters()
    day = (day or "").strip()
    type = (type or "").strip()
    track = (track or "").strip()
    if day:
        try:
            value = dt.date.fromisoformat(day)
            if len(day) != 10:
                raise ValueError(day)
        except ValueError:
            filters.problems["day"] = str(
                _l("“%(value)s” is not a date; use the form YYYY-MM-DD.", value=day)
            )
        else:
            if event.start_date <= value <= event.end_date:
                filters.day = value
            else:
                filters.problems["day"] = str(
                    _l(
                        "%(value)s is not a day of this event (%(first)s to %(last)s).",
                        value=day,
                        first=event.start_date.isoformat(),
                        last=event.end_date.isoformat(),
                    )
                )
    if type:
        try:
            filters.type = SessionType(type)
        except ValueError:
            filters.problems["type"] = str(
                _l(
                    "“%(value)s” is not a session type. Choose one of: %(choices)s.",
                    value=type,
                    choices=", ".join(t.value for t in SessionType),
                )
            )
    if track:
        found = next((t for t in event.tracks if t.key == track), None)
        if found is None:
            filters.problems["track"] = str(_l("This event has no track “%(value)s”.", value=track))
        else:
            filters.track = found
    return filters


# --------------------------------------------------------------------------- agenda


@dataclass
class Slot:
    """Sessions shown side by side: same start time, or starting while all others still run."""

    start: dt.datetime
    end: dt.datetime
    sessions: list[Session] = field(default_factory=list)

    @property
    def parallel(self) -> bool:
        return len(self.sessions) > 1


@dataclass
class Day:
    date: dt.date
    slots: list[Slot] = field(default_factory=list)

    @property
    def session_count(self) -> int:
        return sum(len(s.sessions) for s in self.slots)


def _public_speaker_filter():
    """Speakers shown publicly: everyone on the session except those who declined."""
    return SessionSpeaker.invitation_status != InvitationStatus.DECLINED


def _session_options():
    return (
        joinedload(Session.room),
        joinedload(Session.track),
        selectinload(Session.speakers.and_(_public_speaker_filter())).joinedload(SessionSpeaker.person),
    )


def agenda_sessions(
    event: Event, *, day: dt.date | None = None, type: SessionType | None = None, track: Track | None = None
) -> list[Session]:
    """The event's sessions (cancelled ones included), eagerly loaded, in agenda order."""
    stmt = sa.select(Session).where(Session.event_id == event.id).options(*_session_options())
    if day is not None:
        start = dt.datetime.combine(day, dt.time.min)
        stmt = stmt.where(Session.start >= start, Session.start < start + dt.timedelta(days=1))
    if type is not None:
        stmt = stmt.where(Session.type == type)
    if track is not None:
        stmt = stmt.where(Session.track_id == track.id)
    stmt = stmt.order_by(Session.start, Session.end, Session.id)
    return list(db.session.scalars(stmt).unique())


def _room_order(session: Session) -> tuple:
    room = session.room
    if room is None:
        return (1, 0, 0, session.id)
    return (0, room.position, room.id, session.id)


def group_into_days(sessions: list[Session]) -> list[Day]:
    """Days, each with slots of parallel sessions ordered by room (column order).

    A session joins the current slot when it starts at the slot's start or before the
    earliest end in the slot (it runs in parallel with all of them); otherwise it opens a
    new slot. A long block (a job fair) therefore does not swallow the talks after it.
    """
    days: list[Day] = []
    for session in sorted(sessions, key=lambda s: (s.start, s.end, s.id)):
        date = session.start.date()
        if not days or days[-1].date != date:
            days.append(Day(date=date))
        day = days[-1]
        slot = day.slots[-1] if day.slots else None
        if slot is not None and (
            session.start == slot.start or session.start < min(s.end for s in slot.sessions)
        ):
            slot.sessions.append(session)
            slot.end = max(slot.end, session.end)
        else:
            day.slots.append(Slot(start=session.start, end=session.end, sessions=[session]))
    for day in days:
        for slot in day.slots:
            slot.sessions.sort(key=_room_order)
    return days


def published_agenda(
    event: Event, day: dt.date | None = None, type: SessionType | None = None, track: Track | None = None
) -> list[Day]:
    """The agenda as days of slots. (Visibility of the event itself is checked by the caller.)"""
    return group_into_days(agenda_sessions(event, day=day, type=type, track=track))


def signup_counts(session_ids: list[int]) -> dict[int, int]:
    """Confirmed sign-ups per session (for "n places left"), asked of registration."""
    counts: dict[int, int] = {}
    if session_ids:
        for _receiver, result in signals.seat_counts.send(None, session_ids=session_ids):
            counts.update(result or {})
    return counts


def event_signup_counts(event: Event) -> dict[int, int]:
    """Confirmed sign-ups of every sign-up session of the event.

    Kept out of the event's public version: the agenda and session pages fill these in after
    the render cache, once per ``Event.seats_version`` (see :mod:`wid_events.agenda.views`).
    """
    ids = list(
        db.session.scalars(
            sa.select(Session.id).where(Session.event_id == event.id, Session.requires_signup.is_(True))
        )
    )
    return signup_counts(ids)


def public_session(event: Event, session_id: int) -> Session:
    """One session of this event, eagerly loaded, or :class:`NotFound` (also for another event's)."""
    session = db.session.scalar(
        sa.select(Session)
        .where(Session.id == session_id, Session.event_id == event.id)
        .options(*_session_options())
    )
    if session is None:
        raise NotFound(str(_l("This session does not exist in this event.")))
    return session


# --------------------------------------------------------------------------- speakers


def _speakers_stmt(event: Event) -> sa.Select:
    on_a_session = (
        sa.select(SessionSpeaker.id)
        .join(Session, Session.id == SessionSpeaker.session_id)
        .where(
            SessionSpeaker.person_id == Person.id,
            Session.event_id == event.id,
            _public_speaker_filter(),
        )
        .exists()
    )
    return (
        sa.select(Person)
        .where(Person.event_id == event.id, on_a_session)
        .options(
            selectinload(Person.session_links.and_(_public_speaker_filter()))
            .joinedload(SessionSpeaker.session)
            .joinedload(Session.room)
        )
        .order_by(Person.name, Person.id)
    )


def public_speakers(event: Event) -> list[Person]:
    """People on at least one session of the event (not declined), by name in collation order
    ("Émilie" before "Sara"), with sessions loaded."""
    return sorted_by_name(db.session.scalars(_speakers_stmt(event)).unique())


def public_speaker(event: Event, person_id: int) -> Person:
    """A public speaker of this event or :class:`NotFound` (people on no session are not public)."""
    person = db.session.scalars(_speakers_stmt(event).where(Person.id == person_id)).unique().first()
    if person is None:
        raise NotFound(str(_l("This speaker does not exist in this event.")))
    return person


def speaker_sessions(person: Person) -> list[SessionSpeaker]:
    """A speaker's session links (``link.session``, ``link.role``) in agenda order."""
    return sorted(person.session_links, key=lambda link: (link.session.start, link.session.id))


def public_links(person: Person) -> list[dict]:
    """The person's links whose URL is safe (http, https, mailto), as ``{"label", "url"}``."""
    result = []
    for raw in person.links or []:
        link = {"label": raw, "url": raw} if isinstance(raw, str) else raw
        if not isinstance(link, dict):
            continue
        url = safe_url(str(link.get("url") or ""))
        if not url or url.lower().startswith("mailto:"):
            continue  # mail addresses are personal data; never shown publicly
        label = str(link.get("label") or url)
        result.append({"label": label, "url": url})
    return result

"""Scheduling conflicts of an event's agenda, computed on demand (never stored).

Each conflict names the sessions and the person or room involved. Cancelled sessions
never conflict. Used by the agenda editor, the publish page and ``flask agenda check``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.agenda.models import Session
from wid_events.enums import SessionStatus
from wid_events.events.models import Event

#: Conflict kinds, in the order they are reported.
KINDS = (
    "end_before_start",
    "outside_dates",
    "room_overlap",
    "speaker_overlap",
    "speaker_unavailable",
    "capacity_exceeds_room",
)


@dataclass
class Conflict:
    #: One of :data:`KINDS`.
    kind: str
    message: str
    session_ids: list[int] = field(default_factory=list)
    person_id: int | None = None
    room_id: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _fmt(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _label(session: Session) -> str:
    return f"“{session.title}” ({_fmt(session.start)}–{session.end.strftime('%H:%M')})"


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _end_before_start(sessions: list[Session]) -> list[Conflict]:
    return [
        Conflict(
            "end_before_start",
            _(
                "%(session)s ends at %(end)s, not after it starts at %(start)s.",
                session=f"“{s.title}”",
                end=_fmt(s.end),
                start=_fmt(s.start),
            ),
            [s.id],
            room_id=s.room_id,
        )
        for s in sessions
        if s.end <= s.start
    ]


def _outside_dates(event: Event, sessions: list[Session]) -> list[Conflict]:
    first = dt.datetime.combine(event.start_date, dt.time.min)
    last = dt.datetime.combine(event.end_date + dt.timedelta(days=1), dt.time.min)
    return [
        Conflict(
            "outside_dates",
            _(
                "%(session)s is outside the event's dates (%(first)s to %(last)s).",
                session=_label(s),
                first=event.start_date.isoformat(),
                last=event.end_date.isoformat(),
            ),
            [s.id],
            room_id=s.room_id,
        )
        for s in sessions
        if s.start < first or s.end > last or s.start >= last or s.end < first
    ]


def _overlapping_pairs(items: list[Session]):
    """Pairs ``(a, b)`` of overlapping sessions, ``items`` sorted by start."""
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if b.start >= a.end:
                break
            yield a, b


def _room_overlaps(valid: list[Session]) -> list[Conflict]:
    by_room: dict[int, list[Session]] = defaultdict(list)
    for s in valid:
        if s.room_id is not None:
            by_room[s.room_id].append(s)
    return [
        Conflict(
            "room_overlap",
            _(
                "%(a)s and %(b)s overlap in room “%(room)s”.",
                a=_label(a),
                b=_label(b),
                room=a.room.name if a.room else room_id,
            ),
            [a.id, b.id],
            room_id=room_id,
        )
        for room_id, items in by_room.items()
        for a, b in _overlapping_pairs(items)
    ]


def _speaker_overlaps(valid: list[Session]) -> list[Conflict]:
    by_person: dict[int, list[Session]] = defaultdict(list)
    people = {}
    for s in valid:
        for link in s.speakers:
            by_person[link.person_id].append(s)
            people[link.person_id] = link.person
    out: list[Conflict] = []
    for person_id, items in by_person.items():
        items.sort(key=lambda s: (s.start, s.id or 0))
        out.extend(
            Conflict(
                "speaker_overlap",
                _(
                    "%(person)s speaks in two overlapping sessions: %(a)s and %(b)s.",
                    person=people[person_id].name,
                    a=_label(a),
                    b=_label(b),
                ),
                [a.id, b.id],
                person_id=person_id,
            )
            for a, b in _overlapping_pairs(items)
        )
    return out


def _speaker_unavailable(valid: list[Session]) -> list[Conflict]:
    return [
        Conflict(
            "speaker_unavailable",
            _(
                "%(person)s is unavailable from %(from)s to %(to)s%(note)s but speaks in %(session)s.",
                person=link.person.name,
                **{"from": _fmt(period.start)},
                to=_fmt(period.end),
                note=f" ({period.note})" if period.note else "",
                session=_label(s),
            ),
            [s.id],
            person_id=link.person_id,
        )
        for s in valid
        for link in s.speakers
        for period in link.person.unavailability
        if _overlaps(s.start, s.end, period.start, period.end)
    ]


def _capacity_exceeds_room(sessions: list[Session]) -> list[Conflict]:
    return [
        Conflict(
            "capacity_exceeds_room",
            ngettext(
                "%(session)s takes %(num)d sign-up but room “%(room)s” seats only %(seats)s.",
                "%(session)s takes %(num)d sign-ups but room “%(room)s” seats only %(seats)s.",
                s.capacity,
                session=_label(s),
                room=s.room.name,
                seats=s.room.capacity,
            ),
            [s.id],
            room_id=s.room.id,
        )
        for s in sessions
        if s.room is not None
        and s.room.capacity is not None
        and s.capacity is not None
        and s.capacity > s.room.capacity
    ]


def find_conflicts(event: Event) -> list[Conflict]:
    """All conflicts of the event's (non-cancelled) sessions, grouped by kind (see :data:`KINDS`)."""
    sessions = [s for s in event.sessions if s.status != SessionStatus.CANCELLED]
    sessions.sort(key=lambda s: (s.start, s.id or 0))
    valid = [s for s in sessions if s.end > s.start]
    out = [
        *_end_before_start(sessions),
        *_outside_dates(event, sessions),
        *_room_overlaps(valid),
        *_speaker_overlaps(valid),
        *_speaker_unavailable(valid),
        *_capacity_exceeds_room(sessions),
    ]
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda c: order[c.kind])
    return out


def conflicts_by_session(conflicts: list[Conflict]) -> dict[int, list[Conflict]]:
    out: dict[int, list[Conflict]] = defaultdict(list)
    for c in conflicts:
        for sid in c.session_ids:
            out[sid].append(c)
    return out

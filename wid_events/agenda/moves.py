"""Moving a session on the agenda grid (drag and drop, or the keyboard): one checked step.

:func:`move_session` is the service behind ``POST …/sessions/<id>/move``. It refuses a move that
would create a new conflict for the moved session (room taken, a speaker's other session, a
speaker's unavailability, more sign-ups than the room seats, outside the event's dates), or that
was made from a stale version; otherwise it saves through :func:`services.update_session`, so a
move of a published session is audited, bumps SEQUENCE and notifies attendees like a form edit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events import signals
from wid_events.accounts.models import User
from wid_events.agenda import services
from wid_events.agenda.conflicts import find_conflicts
from wid_events.agenda.models import Session
from wid_events.errors import Conflict, DomainError, NotFound
from wid_events.events.models import Event, Room
from wid_events.extensions import db

#: Moves snap to this many minutes (the keyboard's arrow step).
MOVE_STEP = 15
#: New conflicts of these kinds refuse a move.
BLOCKING = (
    "outside_dates",
    "room_overlap",
    "speaker_overlap",
    "speaker_unavailable",
    "capacity_exceeds_room",
)


class MoveRefused(Conflict):
    code = "move_refused"


def _parse(value: Any, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise DomainError(_("Give the time as YYYY-MM-DDTHH:MM."), field=field) from None
    if moment.tzinfo is not None:
        raise DomainError(_("Give the local time of the event, without a time zone."), field=field)
    return moment.replace(second=0, microsecond=0)


def _room(event: Event, room_id: Any) -> Room | None:
    if room_id in (None, "", "none"):
        return None
    try:
        room = db.session.get(Room, int(room_id))
    except (TypeError, ValueError):
        room = None
    if room is None or room.event_id != event.id:
        raise NotFound(_("Choose a room of this event."), field="room_id")
    return room


def _keys(event: Event, session_id: int) -> set[tuple]:
    return {
        (c.kind, tuple(sorted(c.session_ids)), c.person_id, c.room_id)
        for c in find_conflicts(event)
        if session_id in c.session_ids and c.kind in BLOCKING
    }


def _seats_taken(session: Session) -> int:
    """Confirmed sign-ups, asked of the registration area (a higher package) by signal."""
    taken = 0
    for _receiver, result in signals.seat_counts.send(None, session_ids=[session.id]):
        taken += (result or {}).get(session.id, 0)
    return taken


def _check_capacity(session: Session, room: Room | None) -> None:
    if room is None or room.capacity is None or room.id == session.room_id:
        return
    taken = _seats_taken(session)
    if taken > room.capacity:
        raise MoveRefused(
            ngettext(
                "“%(room)s” seats %(seats)s, but %(num)d person signed up for this session.",
                "“%(room)s” seats %(seats)s, but %(num)d people signed up for this session.",
                taken,
                room=room.name,
                seats=room.capacity,
            )
        )


def move_session(
    event: Event,
    session_id: int,
    *,
    start: Any,
    end: Any,
    room_id: Any,
    version: Any,
    actor: User | str | None,
    notify: bool = True,
) -> Session:
    """Move (and/or resize) one session of ``event``. Caller commits; a refusal changes nothing."""
    session = db.session.get(Session, int(session_id))
    if session is None or session.event_id != event.id:
        raise NotFound(_("This session is not part of this event."))
    new_start, new_end = _parse(start, "start"), _parse(end, "end")
    if new_end <= new_start:
        raise DomainError(_("The session must end after it starts."), field="end")
    room = _room(event, room_id)
    try:
        expected = int(version)
    except (TypeError, ValueError):
        raise DomainError(
            _("The editor sent no version of the session. Reload the page."), field="version"
        ) from None
    _check_capacity(session, room)
    before = _keys(event, session.id)
    services.update_session(
        session,
        actor=actor,
        notify=notify,
        expected_version=expected,
        start=new_start,
        end=new_end,
        room_id=room.id if room else None,
    )
    db.session.flush()
    db.session.expire(event, ["sessions"])
    new = [c for c in find_conflicts(event) if session.id in c.session_ids and c.kind in BLOCKING]
    added = [c for c in new if (c.kind, tuple(sorted(c.session_ids)), c.person_id, c.room_id) not in before]
    if added:
        raise MoveRefused(_("Not moved: %(reason)s", reason=added[0].message))
    if event.published:
        signals.panels_changing.send(event)
    return session

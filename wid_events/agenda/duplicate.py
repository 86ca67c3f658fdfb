"""Copying an event's session skeleton when the event is duplicated (receiver of
:data:`wid_events.signals.event_duplicated`, sent by :func:`wid_events.events.services.duplicate_event`)."""

from __future__ import annotations

import datetime as dt

from wid_events.agenda.models import Session
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db


def on_event_duplicated(
    new: Event,
    *,
    original: Event,
    shift: dt.timedelta,
    rooms: dict[int, Room],
    tracks: dict[int, Track],
    **_kwargs,
) -> None:
    """The sessions of ``original``, without speakers, shifted by ``shift`` into ``new``."""
    for s in original.sessions:
        db.session.add(
            Session(
                event=new,
                key=s.key,
                title=s.title,
                type=s.type,
                start=s.start + shift,
                end=s.end + shift,
                room=rooms.get(s.room_id),
                track=tracks.get(s.track_id),
                capacity=s.capacity,
                requires_signup=s.requires_signup,
                description=s.description,
            )
        )

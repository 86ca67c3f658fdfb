"""Copying an event's people and sessions, with their speakers and roles, when the event is
duplicated (receiver of :data:`wid_events.signals.event_duplicated`, sent by
:func:`wid_events.events.services.duplicate_event`)."""

from __future__ import annotations

import datetime as dt

from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db
from wid_events.people.models import Person

#: Person fields a new edition keeps (not the photo file, which belongs to one event). Not the
#: self-declared gender, its consent or ``count_as_woman``: they were given for one event's
#: stated purpose, and consent does not travel. The new edition asks again (its panels are
#: "incomplete" until then).
PERSON_COPY_FIELDS = (
    "key",
    "name",
    "email",
    "organisation",
    "job_title",
    "bio",
    "pronouns",
    "links",
    "topics",
)


def _copy_people(original: Event, new: Event) -> dict[int, Person]:
    """The people of ``original``, copied into ``new``: ``{old person id: new person}``."""
    copies = {}
    for person in original.people:
        copies[person.id] = Person(event=new, **{f: getattr(person, f) for f in PERSON_COPY_FIELDS})
        db.session.add(copies[person.id])
    db.session.flush()
    return copies


def on_event_duplicated(
    new: Event,
    *,
    original: Event,
    shift: dt.timedelta,
    rooms: dict[int, Room],
    tracks: dict[int, Track],
    **_kwargs,
) -> None:
    """The people of ``original``, and its sessions with their speakers and roles, shifted by
    ``shift`` into ``new``."""
    people = _copy_people(original, new)
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
                speakers=[
                    SessionSpeaker(person=people[link.person_id], role=link.role, position=link.position)
                    for link in s.speakers
                ],
            )
        )

"""Every builder of test data, in one place. They commit, so live servers and other processes see it.

Test modules import what they need from here; a new kind of row gets its factory here too,
not a private copy in one test module.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from werkzeug.security import generate_password_hash

from wid_events.accounts.models import EventOrganiser, User
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.core.web import hash_token
from wid_events.enums import Attendance, EventMode, Gender, RegistrationStatus, SessionType, SpeakerRole
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db
from wid_events.jobday import services as jobday_services
from wid_events.jobday.models import Exhibitor, InterviewSlot
from wid_events.people.models import Person
from wid_events.registration.models import Registration, RegistrationSession

_seq = itertools.count(1)
PASSWORD = "correct horse battery"
# Hashing is slow on purpose; tests share one hash.
_HASH = generate_password_hash(PASSWORD)


def make_user(email: str | None = None, *, admin: bool = False, name: str = "Test User") -> User:
    user = User(
        email=email or f"user{next(_seq)}@example.org", name=name, password_hash=_HASH, is_admin=admin
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_event(slug: str | None = None, *, published: bool = True, **kw) -> Event:
    n = next(_seq)
    defaults = dict(
        slug=slug or f"event-{n}",
        title=f"Test event {n}",
        description="A test event.",
        timezone="Europe/Brussels",
        start_date=dt.date(2030, 9, 11),
        end_date=dt.date(2030, 9, 12),
        mode=EventMode.HYBRID,
        venue_name="The Faculty Brussels",
        venue_address="Rue des Vétérinaires 47, 1070 Anderlecht, Belgium",
        capacity_in_person=130,
        capacity_online=160,
        registration_open=True,
        published=published,
    )
    defaults.update(kw)
    event = Event(**defaults)
    db.session.add(event)
    db.session.commit()
    return event


def make_room(event: Event, name: str = "Room", capacity: int | None = 50, key: str | None = None) -> Room:
    room = Room(event=event, key=key or f"r{next(_seq)}", name=name, capacity=capacity)
    db.session.add(room)
    db.session.commit()
    return room


def make_track(event: Event, name: str = "Track") -> Track:
    track = Track(event=event, key=f"t{next(_seq)}", name=name)
    db.session.add(track)
    db.session.commit()
    return track


def make_person(event: Event, name: str = "Speaker", gender: Gender = Gender.UNDISCLOSED, **kw) -> Person:
    person = Person(event=event, key=f"p{next(_seq)}", name=name, gender=gender, **kw)
    db.session.add(person)
    db.session.commit()
    return person


def make_session(
    event: Event,
    title: str = "Session",
    *,
    type: SessionType = SessionType.TALK,
    start: dt.datetime | None = None,
    minutes: int = 60,
    room: Room | None = None,
    speakers: list[tuple[Person, SpeakerRole]] = (),
    **kw,
) -> Session:
    start = start or dt.datetime.combine(event.start_date, dt.time(9, 0))
    session = Session(
        event=event,
        key=f"s{next(_seq)}",
        title=title,
        type=type,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        room=room,
        **kw,
    )
    for i, (person, role) in enumerate(speakers):
        session.speakers.append(SessionSpeaker(person=person, role=role, position=i))
    db.session.add(session)
    db.session.commit()
    return session


def make_organiser(event: Event, email: str | None = None) -> User:
    user = make_user(email)
    db.session.add(EventOrganiser(user_id=user.id, event_id=event.id))
    db.session.commit()
    return user


_AUTO = object()


def make_registration_with_token(
    event: Event,
    name: str = "Attendee",
    *,
    status: RegistrationStatus = RegistrationStatus.CONFIRMED,
    attendance: Attendance = Attendance.IN_PERSON,
    email: str | object | None = _AUTO,
    token: str | None = None,
    sessions: Iterable[Session] = (),
    session_status: RegistrationStatus = RegistrationStatus.CONFIRMED,
    **kw,
) -> tuple[Registration, str]:
    """A registration row and its manage token (stored hashed, as the registration area does).

    The email is unique unless given (``email=None`` for none); ``sessions`` are sign-up
    sessions chosen with ``session_status``. Other keywords are set on the row as they are.
    """
    n = next(_seq)
    token = token or f"test-token-{n}-" + "x" * 24
    if email is _AUTO:
        email = f"attendee{n}@example.org"
    kw.setdefault("email_normalised", email.strip().lower() if email else None)
    reg = Registration(
        event=event, token_hash=hash_token(token), name=name, email=email, attendance=attendance, **kw
    )
    reg.set_status(status)  # keeps active_email in step, as the registration services do
    for session in sessions:
        reg.choices.append(RegistrationSession(session_id=session.id, status=session_status))
    db.session.add(reg)
    db.session.commit()
    return reg, token


def make_registration(event: Event, name: str = "Attendee", **kw) -> Registration:
    """A registration row (see :func:`make_registration_with_token` for the keywords)."""
    return make_registration_with_token(event, name, **kw)[0]


def make_exhibitor(event: Event, name: str = "Acme", booth: str = "", **kw) -> Exhibitor:
    """A Job Day exhibitor, created through the Job Day services (``kw``: more form fields)."""
    exhibitor = jobday_services.create_exhibitor(event, {"name": name, "booth": booth, **kw}, actor="test")
    db.session.commit()
    return exhibitor


def make_slots(
    exhibitor: Exhibitor,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    minutes: int = 20,
    recruiters: int = 1,
) -> list[InterviewSlot]:
    """Interview slots cut from one block (default 10:00-12:00 on the event's first day)."""
    day = exhibitor.event.start_date
    block = jobday_services.add_slot_block(
        exhibitor,
        start or dt.datetime.combine(day, dt.time(10)),
        end or dt.datetime.combine(day, dt.time(12)),
        slot_minutes=minutes,
        recruiters=recruiters,
        actor="test",
    )
    db.session.commit()
    return block.slots


def login(client, user: User, password: str = PASSWORD):
    """Log in through the real form (CSRF is off in the plain test app)."""
    return client.post("/login", data={"email": user.email, "password": password})

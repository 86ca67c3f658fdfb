"""No N+1 queries: the SQL statements behind the public agenda, the event calendar and the other
session-listing pages do not grow with the number of sessions, speakers, rooms and tracks."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import make_event
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.enums import Gender, SessionType, SpeakerRole
from wid_events.events.models import Room, Track
from wid_events.extensions import db
from wid_events.people.models import Person

TYPES = [SessionType.TALK, SessionType.PANEL, SessionType.WORKSHOP, SessionType.KEYNOTE, SessionType.BREAK]


def build_event(slug: str, n_sessions: int):
    """A published two-day event: rooms, tracks, people and ``n_sessions`` sessions with speakers."""
    event = make_event(slug, start_date=dt.date(2030, 9, 11), end_date=dt.date(2030, 9, 12))
    rooms = [Room(event=event, key=f"r{i}", name=f"Room {i}", capacity=40) for i in range(6)]
    tracks = [Track(event=event, key=f"t{i}", name=f"Track {i}") for i in range(3)]
    genders = [Gender.WOMAN, Gender.MAN, Gender.NON_BINARY, Gender.UNDISCLOSED]
    people = [
        Person(
            event=event, key=f"p{i}", name=f"Person {i}", gender=genders[i % 4], organisation=f"Org {i % 7}"
        )
        for i in range(max(4, n_sessions // 2))
    ]
    db.session.add_all(rooms + tracks + people)
    for i in range(n_sessions):
        day = event.start_date + dt.timedelta(days=i % 2)
        start = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=30 * ((i // 2) // len(rooms)))
        session = Session(
            event=event,
            key=f"s{i}",
            title=f"Session {i}",
            type=TYPES[i % len(TYPES)],
            start=start,
            end=start + dt.timedelta(minutes=30),
            room=rooms[(i // 2) % len(rooms)],
            track=tracks[i % len(tracks)],
            requires_signup=TYPES[i % len(TYPES)] == SessionType.WORKSHOP,
            capacity=20 if TYPES[i % len(TYPES)] == SessionType.WORKSHOP else None,
            description=f"About session {i}.",
        )
        roles = [SpeakerRole.PANELIST, SpeakerRole.PANELIST, SpeakerRole.MODERATOR]
        for j in range(3 if session.type == SessionType.PANEL else 1):
            person = people[(i + j) % len(people)]
            session.speakers.append(SessionSpeaker(person=person, role=roles[j], position=j))
        db.session.add(session)
    db.session.commit()
    return event


@contextlib.contextmanager
def counting():
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def statements_for(client, url: str) -> list[str]:
    db.session.expire_all()
    assert client.get(url).status_code == 200, url  # warm-up (lazy caches, first-request work)
    db.session.expire_all()
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


PAGES = {
    "agenda page": "/events/{slug}/agenda",
    "agenda page, one day": "/events/{slug}/agenda?day=2030-09-11",
    "event calendar (.ics)": "/events/{slug}/calendar.ics",
    "event page": "/events/{slug}/",
    "speakers page": "/events/{slug}/speakers",
    "registration form": "/events/{slug}/register",
    "frab XML": "/events/{slug}/schedule.xml",
    "schedule JSON": "/events/{slug}/schedule.json",
    "API sessions": "/api/v1/events/{slug}/sessions",
}


@pytest.fixture
def two_sizes(app):
    return build_event("small-ev", 10), build_event("big-ev", 100)


@pytest.mark.parametrize("name", list(PAGES))
def test_statement_count_does_not_grow_with_the_agenda(client, two_sizes, name):
    small, big = two_sizes
    url = PAGES[name]
    few = statements_for(client, url.format(slug=small.slug))
    many = statements_for(client, url.format(slug=big.slug))
    assert len(many) == len(few), (
        f"{name}: {len(few)} statements for 10 sessions but {len(many)} for 100 (N+1 query).\n"
        + "\n".join(s.split("\n")[0][:160] for s in many[len(few) :][:10])
    )
    assert len(many) < 40, f"{name}: {len(many)} statements"


def test_the_counter_sees_an_n_plus_one(client, two_sizes):
    """The counting itself works: a naive loop over sessions is caught."""
    small, big = two_sizes

    def naive(event):
        db.session.expire_all()
        with counting() as statements:
            for session in db.session.scalars(sa.select(Session).where(Session.event_id == event.id)):
                _ = [s.person.name for s in session.speakers]
        return len(statements)

    assert naive(big) > naive(small) + 50

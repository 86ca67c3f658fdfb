"""Agenda building: slots of parallel sessions, constant query count, the DT4E acceptance."""

from __future__ import annotations

import contextlib
import datetime as dt

import lxml.html
import sqlalchemy as sa

from tests.factories import make_event, make_room, make_session, make_track
from wid_events.agenda import queries
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.enums import SessionType, SpeakerRole
from wid_events.events.models import Room, Track
from wid_events.extensions import db
from wid_events.people.models import Person


def at(event, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(event.start_date + dt.timedelta(days=day), dt.time(hour, minute))


def slot_titles(days):
    return [[[s.title for s in slot.sessions] for slot in day.slots] for day in days]


def test_slots_group_identical_starts_and_overlapping_parallel_sessions(app):
    event = make_event("slots")
    a = make_room(event, "A", key="a")
    b = make_room(event, "B", key="b")
    c = make_room(event, "C", key="c")
    a.position, b.position, c.position = 2, 0, 1
    db.session.commit()
    make_session(event, "Keynote", start=at(event, 0, 9), minutes=30, room=a)
    # Identical starts, listed by room position (B, C, A), whatever the creation order.
    make_session(event, "WS in A", start=at(event, 0, 10), minutes=90, room=a)
    make_session(event, "WS in B", start=at(event, 0, 10), minutes=60, room=b)
    # Staggered: starts while both still run → same slot.
    make_session(event, "Late start in C", start=at(event, 0, 10, 15), minutes=60, room=c)
    # Starts when the shortest one ended → a new slot.
    make_session(event, "Next in B", start=at(event, 0, 11), minutes=30, room=b)
    # A long block does not swallow the talks after it.
    make_session(event, "Job fair", type=SessionType.JOB_FAIR, start=at(event, 1, 10), minutes=360, room=a)
    make_session(event, "Talk 10:00", start=at(event, 1, 10), minutes=60, room=b)
    make_session(event, "Talk 11:00", start=at(event, 1, 11), minutes=60, room=b)
    days = queries.published_agenda(event)
    assert [d.date for d in days] == [dt.date(2030, 9, 11), dt.date(2030, 9, 12)]
    assert slot_titles(days) == [
        [["Keynote"], ["WS in B", "Late start in C", "WS in A"], ["Next in B"]],
        [["Talk 10:00", "Job fair"], ["Talk 11:00"]],
    ]
    slot = days[0].slots[1]
    assert (slot.start, slot.end) == (at(event, 0, 10), at(event, 0, 11, 30))
    assert slot.parallel and not days[0].slots[0].parallel


def test_filters_parse_and_report(app):
    event = make_event("parse")
    track = make_track(event, "Finance")
    ok = queries.parse_filters(event, "2030-09-12", "panel", track.key)
    assert (ok.day, ok.type, ok.track) == (dt.date(2030, 9, 12), SessionType.PANEL, track)
    assert ok.active and not ok.problems
    empty = queries.parse_filters(event, "", " ", None)
    assert not empty.active and not empty.problems
    with app.test_request_context():  # messages are translated for the visitor's language
        bad = queries.parse_filters(event, "2030-9-1", "PANEL", "x")
    assert set(bad.problems) == {"day", "type", "track"}
    assert not bad.active


def test_dt4e_parallel_workshops_side_by_side_in_the_same_slot(client):
    """The acceptance case, built with factories: two parallel workshops in separate rooms."""
    event = make_event("dt4e-like", start_date=dt.date(2024, 9, 11), end_date=dt.date(2024, 9, 12))
    plenary = make_room(event, "Plenary", key="plenary")
    room2 = make_room(event, "Workshop room", key="ws2", capacity=40)
    make_session(
        event, "The legal framework", type=SessionType.PANEL, start=at(event, 1, 9), minutes=90, room=plenary
    )
    for title, room in (
        ("Sustainable Finance", plenary),
        ("Bridging the Gap between Talent and Employment", room2),
    ):
        make_session(
            event,
            title,
            type=SessionType.WORKSHOP,
            start=at(event, 1, 11),
            minutes=75,
            room=room,
            requires_signup=True,
            capacity=40,
        )
    assert_side_by_side(client, event.slug)


def assert_side_by_side(client, slug: str) -> None:
    response = client.get(f"/events/{slug}/agenda")
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.get_data(as_text=True))
    slots = tree.xpath("//section[contains(concat(' ', @class, ' '), ' slot ')]")
    holders = [
        slot
        for slot in slots
        if "Sustainable Finance" in slot.text_content()
        and "Bridging the Gap between Talent and Employment" in slot.text_content()
    ]
    assert len(holders) == 1, "the two workshops must share one slot element"
    slot = holders[0]
    # Side by side: separate cards in the same list, not one below the other in two slots.
    cards = slot.xpath(".//ul[contains(@class,'slot-sessions')]/li/article")
    titles = [" ".join(c.xpath("string(.//*[contains(@class,'session-title')])").split()) for c in cards]
    assert "Sustainable Finance" in titles
    assert "Bridging the Gap between Talent and Employment" in titles
    starts = {c.xpath(".//p[@class='session-time']/time/@datetime")[0] for c in cards if c.xpath("string(.)")}
    assert len(starts) == 1


@contextlib.contextmanager
def count_queries():
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        # Transaction control (BEGIN on SQLite) depends on what ran before, not on the page.
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"):
            statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def build_big_agenda(event, n_sessions: int, n_rooms: int = 8) -> None:
    """Rooms, tracks, people and sessions with three panelists each, in one commit (fast)."""
    rooms = [
        Room(event=event, key=f"room-{i}", name=f"Room {i}", capacity=50, position=i) for i in range(n_rooms)
    ]
    tracks = [Track(event=event, key=f"track-{i}", name=f"Track {i}") for i in range(3)]
    people = [Person(event=event, key=f"p-{i}", name=f"Person {i}", organisation="Org") for i in range(12)]
    db.session.add_all([*rooms, *tracks, *people])
    per_day = -(-n_sessions // len(event.days))
    for i in range(n_sessions):
        day, k = divmod(i, per_day)
        slot, room_i = divmod(k, n_rooms)
        start = at(event, day, 8) + dt.timedelta(minutes=45 * slot)
        session = Session(
            event=event,
            key=f"s-{i}",
            title=f"Session {i}",
            type=SessionType.WORKSHOP if i % 3 else SessionType.PANEL,
            start=start,
            end=start + dt.timedelta(minutes=40),
            room=rooms[room_i],
            track=tracks[i % 3],
            requires_signup=bool(i % 2),
            capacity=30,
        )
        for j in range(3):
            session.speakers.append(
                SessionSpeaker(person=people[(i + j) % 12], role=SpeakerRole.PANELIST, position=j)
            )
        db.session.add(session)
    db.session.commit()


def _agenda_query_count(client, slug: str, query: str = "") -> int:
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(f"/events/{slug}/agenda{query}")
    assert response.status_code == 200
    return len(statements)


def test_agenda_query_count_does_not_grow_with_sessions(client):
    small = make_event("small", end_date=dt.date(2030, 9, 13))
    big = make_event("big", end_date=dt.date(2030, 9, 13))
    build_big_agenda(small, 10)
    build_big_agenda(big, 60)
    small_count = _agenda_query_count(client, "small")
    assert small_count == _agenda_query_count(client, "big")
    assert small_count <= 8
    assert _agenda_query_count(client, "small", "?type=panel") == _agenda_query_count(
        client, "big", "?type=panel"
    )
    db.session.expunge_all()
    with count_queries() as small_api:
        client.get("/api/v1/events/small/sessions")
    db.session.expunge_all()
    with count_queries() as big_api:
        client.get("/api/v1/events/big/sessions")
    assert len(small_api) == len(big_api)
    db.session.expunge_all()
    with count_queries() as small_spk:
        client.get("/events/small/speakers")
    db.session.expunge_all()
    with count_queries() as big_spk:
        client.get("/events/big/speakers")
    assert len(small_spk) == len(big_spk)


def test_300_session_8_room_event_renders(client):
    event = make_event("big-300", start_date=dt.date(2030, 9, 11), end_date=dt.date(2030, 9, 13))
    build_big_agenda(event, 300)
    response = client.get(f"/events/{event.slug}/agenda")
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.get_data(as_text=True))
    assert len(tree.xpath("//article[contains(@class,'session-card')]")) == 300
    assert len(tree.xpath("//section[contains(@class,'agenda-day')]")) == 3
    # Eight rooms in parallel per slot.
    first_slot = tree.xpath("//section[contains(concat(' ', @class, ' '), ' slot ')]")[0]
    assert len(first_slot.xpath(".//article")) == 8


def test_demo_dt4e_agenda_shows_parallel_workshops_side_by_side(client, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert_side_by_side(client, "dt4e-2024")

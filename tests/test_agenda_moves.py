"""Moving sessions on the agenda grid (``POST …/sessions/<id>/move``) and optimistic concurrency
of session edits: the checks, the refusals with their reasons, and the change log."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.factories import (
    login,
    make_event,
    make_organiser,
    make_person,
    make_registration_with_token,
    make_room,
    make_session,
)
from wid_events.agenda.models import Session, SessionChange, SessionSpeaker
from wid_events.audit.models import AuditLogEntry
from wid_events.enums import SessionType, SpeakerRole
from wid_events.extensions import db

JSON = {"Accept": "application/json"}


def at(event, hh_mm: str) -> str:
    return f"{event.start_date.isoformat()}T{hh_mm}"


def move(client, event, session, *, start, end, room, version=None):
    return client.post(
        f"/manage/events/{event.slug}/sessions/{session.id}/move",
        json={
            "start": at(event, start),
            "end": at(event, end),
            "room_id": room.id if room is not None else "none",
            "version": session.version if version is None else version,
        },
        headers=JSON,
    )


def fresh(session) -> Session:
    db.session.expire_all()
    return db.session.get(Session, session.id)


def setup(published=False):
    event = make_event(published=published)
    hall, small = make_room(event, "Hall", 100), make_room(event, "Small room", 10)
    start = dt.datetime.combine(event.start_date, dt.time(9, 0))
    workshop = make_session(
        event,
        "Workshop A",
        type=SessionType.WORKSHOP,
        start=start,
        room=hall,
        requires_signup=True,
        capacity=40,
    )
    return event, hall, small, workshop


def test_a_move_is_saved_audited_and_answers_with_the_new_day_and_conflicts(app, client):
    event, hall, _small, workshop = setup()
    login(client, make_organiser(event))
    response = move(client, event, workshop, start="11:15", end="12:45", room=hall)
    assert response.status_code == 200
    data = response.get_json()
    assert data["session"]["start"].endswith("T11:15") and data["session"]["end"].endswith("T12:45")
    assert data["session"]["version"] == 2
    assert f'id="grid-session-{workshop.id}"' in data["day_html"]
    assert 'id="conflicts"' in data["conflicts_html"]
    s = fresh(workshop)
    assert s.start.time() == dt.time(11, 15) and s.end.time() == dt.time(12, 45) and s.version == 2
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "session.update"))
    assert entry is not None and "start" in entry.changes


def test_a_forged_move_to_another_events_room_is_refused(app, client):
    event, hall, _small, workshop = setup()
    _other, other_hall, _s, _w = setup()
    login(client, make_organiser(event))
    response = move(client, event, workshop, start="10:00", end="11:00", room=other_hall)
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "Choose a room of this event."
    assert fresh(workshop).room_id == hall.id and fresh(workshop).version == 1
    # Another event's session through this event's URL: not found either.
    other_session = _w
    response = client.post(
        f"/manage/events/{event.slug}/sessions/{other_session.id}/move",
        json={"start": at(event, "10:00"), "end": at(event, "11:00"), "room_id": hall.id, "version": 1},
        headers=JSON,
    )
    assert response.status_code == 404


def test_a_move_onto_a_speakers_other_session_is_refused_with_the_reason(app, client):
    event, hall, small, workshop = setup()
    ada = make_person(event, "Ada Lovelace")
    start = dt.datetime.combine(event.start_date, dt.time(14, 0))
    make_session(
        event,
        "Keynote",
        type=SessionType.KEYNOTE,
        start=start,
        room=small,
        speakers=[(ada, SpeakerRole.SPEAKER)],
    )
    workshop.speakers.append(SessionSpeaker(person=ada, role=SpeakerRole.FACILITATOR))
    db.session.commit()
    login(client, make_organiser(event))
    response = move(client, event, workshop, start="14:30", end="15:30", room=hall)
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    assert message.startswith("Not moved:") and "Ada Lovelace" in message
    assert fresh(workshop).start.time() == dt.time(9, 0) and fresh(workshop).version == 1


def test_a_move_that_leaves_the_room_over_capacity_is_refused(app, client):
    event, hall, small, workshop = setup()
    for _i in range(12):
        make_registration_with_token(event, sessions=[workshop])
    login(client, make_organiser(event))
    response = move(client, event, workshop, start="09:00", end="10:00", room=small)
    assert response.status_code == 409
    assert "seats 10, but 12 people signed up" in response.get_json()["error"]["message"]
    assert fresh(workshop).room_id == hall.id


def test_a_move_onto_a_taken_room_and_bad_times_are_refused(app, client):
    event, hall, small, workshop = setup()
    make_session(event, "Talk", start=dt.datetime.combine(event.start_date, dt.time(11, 0)), room=small)
    login(client, make_organiser(event))
    assert move(client, event, workshop, start="11:30", end="12:30", room=small).status_code == 409
    assert move(client, event, workshop, start="12:00", end="11:00", room=hall).status_code == 400
    bad = client.post(
        f"/manage/events/{event.slug}/sessions/{workshop.id}/move",
        json={"start": "tomorrow", "end": at(event, "11:00"), "room_id": hall.id, "version": 1},
        headers=JSON,
    )
    assert bad.status_code == 400
    assert fresh(workshop).version == 1


def test_moves_need_an_organiser_and_the_csrf_token_in_production(app, client, _live_app):
    event, hall, _small, workshop = setup()
    assert move(client, event, workshop, start="10:00", end="11:00", room=hall).status_code in (302, 401)
    stranger_event = make_event()
    login(client, make_organiser(stranger_event))
    assert move(client, event, workshop, start="10:00", end="11:00", room=hall).status_code == 403
    csrf_client = _live_app.test_client()
    response = csrf_client.post(
        f"/manage/events/{event.slug}/sessions/{workshop.id}/move", json={}, headers=JSON
    )
    assert response.status_code == 400  # CSRF token missing


def test_a_move_of_a_published_session_bumps_sequence_and_records_the_change(app, client):
    event, _hall, small, workshop = setup(published=True)
    login(client, make_organiser(event))
    response = move(client, event, workshop, start="10:00", end="11:00", room=small)
    assert response.status_code == 200
    s = fresh(workshop)
    assert s.sequence == 1
    change = db.session.scalar(sa.select(SessionChange).where(SessionChange.session_id == s.id))
    assert change is not None and change.sequence == 1 and "room_id" in change.changes


def test_stale_moves_and_form_saves_are_refused_and_nothing_is_lost(app, client):
    event, hall, _small, workshop = setup()
    organiser = make_organiser(event)
    login(client, organiser)
    other = app.test_client()
    login(other, make_organiser(event))
    # Both open the editor at version 1.
    form_url = f"/manage/events/{event.slug}/sessions/{workshop.id}"
    assert 'name="version" type="hidden" value="1"' in client.get(form_url).get_data(as_text=True)
    base = {
        "title": "Workshop A",
        "type": "workshop",
        "day": event.start_date.isoformat(),
        "start_time": "09:00",
        "end_time": "10:00",
        "room_id": str(hall.id),
        "track_id": "",
        "capacity": "40",
        "requires_signup": "y",
        "description": "",
        "status": "confirmed",
        "tags": "",
        "version": "1",
    }
    first = client.post(form_url, data={**base, "title": "Workshop A: data skills"})
    assert first.status_code == 302
    second = other.post(form_url, data={**base, "description": "My careful description"})
    text = second.get_data(as_text=True)
    assert "This session changed since you opened the editor" in text
    assert "My careful description" in text  # the second organiser's input is still in the form
    s = fresh(workshop)
    assert s.title == "Workshop A: data skills" and s.description == "" and s.version == 2
    # A move from the old version is refused the same way.
    response = move(client, event, workshop, start="10:00", end="11:00", room=hall, version=1)
    assert response.status_code == 409
    assert "changed since you opened the editor" in response.get_json()["error"]["message"]
    assert fresh(workshop).start.time() == dt.time(9, 0)

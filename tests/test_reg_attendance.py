"""Who a session is for: in person, online or both, and what that means for seats."""

from __future__ import annotations

import datetime as dt
import json
import re

import sqlalchemy as sa

from tests.factories import login, make_event, make_organiser, make_room, make_session
from tests.test_reg_form import get_form_key, register, token_of, workshops
from tests.test_reg_manage import reg_via_service
from wid_events.agenda.models import default_attendance
from wid_events.enums import EventMode, RegistrationStatus, SessionAttendance, SessionType
from wid_events.extensions import db
from wid_events.packages.package import validate_package
from wid_events.registration.models import Registration, RegistrationSession

IN_PERSON_ONLY = "takes place in person only"


def test_defaults_follow_the_event_mode():
    assert default_attendance(EventMode.HYBRID, requires_signup=True) == SessionAttendance.IN_PERSON
    assert default_attendance(EventMode.HYBRID, requires_signup=False) == SessionAttendance.HYBRID
    assert default_attendance(EventMode.ONLINE, requires_signup=True) == SessionAttendance.ONLINE
    assert default_attendance(EventMode.IN_PERSON, requires_signup=False) == SessionAttendance.IN_PERSON


def test_online_registrant_is_refused_an_in_person_only_workshop(client):
    event = make_event()
    a, _b, c = workshops(event)
    response = register(client, event, attendance="online", sessions=[str(a.id)])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert IN_PERSON_ONLY in html and "Digital skills" in html
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0  # nothing half-saved
    # The same person, online, with a workshop open to online attendees: fine.
    c.attendance = SessionAttendance.HYBRID
    db.session.commit()
    token = token_of(register(client, event, attendance="online", sessions=[str(c.id)]))
    facts = client.get(f"/registrations/{token}.json").get_json()
    assert facts["attendance"] == "online" and facts["sessions"] == [c.id]


def test_form_marks_in_person_only_workshops(client):
    event = make_event()
    workshops(event)
    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert 'data-attendance="in_person"' in html
    assert "In person only: not open to online attendees." in html
    online_event = make_event(mode=EventMode.ONLINE, capacity_in_person=None)
    start = dt.datetime.combine(online_event.start_date, dt.time(10))
    make_session(
        online_event, "Room-only", start=start, requires_signup=True, attendance=SessionAttendance.IN_PERSON
    )
    html = client.get(f"/events/{online_event.slug}/register").get_data(as_text=True)
    assert "disabled" in re.search(r'<input[^>]*name="sessions"[^>]*>', html).group(0)


def test_switching_to_online_releases_the_workshop_seat_and_promotes(client, outbox):
    event = make_event()
    a, _b, _c = workshops(event, capacity=1)
    _, t1 = reg_via_service(event, "First", "first@example.org", session_ids=[a.id])
    r2, _t2 = reg_via_service(event, "Second", "second@example.org", session_ids=[a.id])
    assert r2.choices[0].status == RegistrationStatus.WAITLISTED
    before = len(outbox())
    assert client.post(f"/registrations/{t1}/attendance", data={"attendance": "online"}).status_code == 303
    db.session.expire_all()
    facts = client.get(f"/registrations/{t1}.json").get_json()
    assert facts == {"status": "confirmed", "attendance": "online", "sessions": [], "waitlist_position": None}
    second = db.session.get(Registration, r2.id)
    assert [c.status for c in second.choices] == [RegistrationStatus.CONFIRMED]
    assert "second@example.org" in {m["To"].addresses[0].addr_spec for m in outbox()[before:]}


def test_online_attendee_cannot_add_an_in_person_workshop_later(client):
    event = make_event()
    a, _b, _c = workshops(event)
    _, token = reg_via_service(event, "Online", "online@example.org", attendance="online")
    page = client.get(f"/registrations/{token}").get_data(as_text=True)
    tag = re.search(rf'<input[^>]*id="session-{a.id}"[^>]*>', page).group(0)
    assert "disabled" in tag
    response = client.post(f"/registrations/{token}/sessions", data={"sessions": [str(a.id)]})
    assert response.status_code in (200, 400, 409)
    assert IN_PERSON_ONLY in response.get_data(as_text=True)
    assert client.get(f"/registrations/{token}.json").get_json()["sessions"] == []


def test_organiser_making_a_session_in_person_only_releases_online_seats(client):
    event = make_event()
    a, _b, _c = workshops(event, capacity=1)
    a.attendance = SessionAttendance.HYBRID
    db.session.commit()
    online, _ = reg_via_service(
        event, "Online", "online@example.org", attendance="online", session_ids=[a.id]
    )
    waiting, _ = reg_via_service(event, "Waiting", "waiting@example.org", session_ids=[a.id])
    login(client, make_organiser(event))
    form = client.get(f"/manage/events/{event.slug}/sessions/{a.id}").get_data(as_text=True)
    assert 'name="attendance"' in form
    data = {
        "title": a.title,
        "type": "workshop",
        "day": a.start.date().isoformat(),
        "start_time": a.start.strftime("%H:%M"),
        "end_time": a.end.strftime("%H:%M"),
        "room_id": str(a.room_id),
        "track_id": "",
        "capacity": "1",
        "requires_signup": "y",
        "attendance": "in_person",
        "description": "",
        "status": "confirmed",
    }
    response = client.post(f"/manage/events/{event.slug}/sessions/{a.id}", data=data)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    holders = db.session.execute(
        sa.select(RegistrationSession.registration_id, RegistrationSession.status).where(
            RegistrationSession.session_id == a.id
        )
    ).all()
    assert holders == [(waiting.id, RegistrationStatus.CONFIRMED)]
    assert db.session.get(Registration, online.id).status == RegistrationStatus.CONFIRMED


def test_agenda_session_page_and_api_show_the_mode(client):
    event = make_event()
    a, _b, _c = workshops(event)
    keynote = make_session(event, "Opening keynote", type=SessionType.KEYNOTE, room=make_room(event, "Hall"))
    agenda = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "In person only" in agenda and "In person and online" in agenda
    page = client.get(f"/events/{event.slug}/sessions/{keynote.id}").get_data(as_text=True)
    assert "In person and online" in page
    api = client.get(f"/api/v1/events/{event.slug}/sessions").get_json()
    items = api if isinstance(api, list) else api.get("sessions", api.get("items"))
    modes = {s["id"]: s["attendance"] for s in items}
    assert modes[a.id] == "in_person" and modes[keynote.id] == "hybrid"


def test_personal_feed_carries_the_livestream_only_in_streamed_sessions(client):
    event = make_event(livestream_url="https://stream.example.org/live")
    a, _b, c = workshops(event)
    c.attendance = SessionAttendance.HYBRID
    keynote = make_session(event, "Opening keynote", type=SessionType.KEYNOTE)
    db.session.commit()
    _, online = reg_via_service(
        event, "Online", "online@example.org", attendance="online", session_ids=[c.id]
    )
    _, in_person = reg_via_service(event, "Here", "here@example.org", session_ids=[a.id])
    feed = client.get(f"/registrations/{online}/calendar.ics").get_data(as_text=True).replace("\r\n ", "")
    events = feed.split("BEGIN:VEVENT")[1:]
    by_title = {next(line for line in e.splitlines() if line.startswith("SUMMARY")): e for e in events}
    assert "stream.example.org" in by_title["SUMMARY:" + keynote.title]
    assert "stream.example.org" in by_title["SUMMARY:" + c.title]
    assert "Attendance: In person and online" in by_title["SUMMARY:" + c.title]
    mine = client.get(f"/registrations/{in_person}/calendar.ics").get_data(as_text=True).replace("\r\n ", "")
    assert "stream.example.org" not in mine
    assert "Attendance: In person only" in mine


def test_package_round_trip_and_validation(runner, app, tmp_path):
    event = make_event()
    a, _b, c = workshops(event)
    c.attendance = SessionAttendance.ONLINE
    db.session.commit()
    out = tmp_path / "event.json"
    assert runner.invoke(args=["events", "export", event.slug, "-o", str(out)]).exit_code == 0
    package = json.loads(out.read_text(encoding="utf-8"))
    modes = {s["title"]: s["attendance"] for s in package["sessions"]}
    assert modes == {a.title: "in_person", "Coding for beginners": "in_person", c.title: "online"}
    assert runner.invoke(args=["events", "import", str(out)]).exit_code == 0
    assert runner.invoke(args=["events", "export", event.slug]).output == out.read_text(encoding="utf-8")
    package["sessions"][0]["attendance"] = "sometimes"
    problems = validate_package(package)
    assert any('"attendance" must be one of' in p for p in problems), problems
    del package["sessions"][0]["attendance"]
    assert validate_package(package) == []


def test_form_key_is_kept_on_a_refused_submission(client):
    """A refused online choice re-renders the form with the person's answers, nothing saved."""
    event = make_event()
    a, _b, _c = workshops(event)
    key = get_form_key(client, event.slug)
    first = register(client, event, attendance="online", sessions=[str(a.id)], form_key=key)
    assert first.status_code == 400 and key in first.get_data(as_text=True)
    again = register(client, event, attendance="in_person", sessions=[str(a.id)], form_key=key)
    assert again.status_code == 303

"""iCalendar feeds: parsed back with icalendar, times exact across DST, stable UIDs."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest

from tests.factories import (
    make_event,
    make_person,
    make_registration_with_token,
    make_room,
    make_session,
    make_track,
)
from wid_events.enums import Attendance, RegistrationStatus, SessionStatus, SessionType, SpeakerRole
from wid_events.exports import ics
from wid_events.extensions import db
from wid_events.registration.models import RegistrationSession


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def vevents(cal) -> dict[str, icalendar.Event]:
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


@pytest.fixture
def dst_event(app):
    """An event across the end of summer time in Brussels (27 Oct 2024, 03:00 → 02:00)."""
    event = make_event(
        "dst-2024",
        start_date=dt.date(2024, 10, 26),
        end_date=dt.date(2024, 10, 27),
        livestream_url="https://stream.example.org/live/dst",
    )
    room = make_room(event, "Auditorium")
    track = make_track(event, "Skills")
    ana = make_person(event, "Ana Müller", organisation="IOM Belgium")
    make_session(
        event,
        "Opening",
        start=dt.datetime(2024, 10, 26, 9, 0),
        room=room,
        track=track,
        type=SessionType.KEYNOTE,
        speakers=[(ana, SpeakerRole.SPEAKER)],
    )
    make_session(
        event,
        "Sunday panel",
        start=dt.datetime(2024, 10, 27, 9, 0),
        room=room,
        type=SessionType.PANEL,
        speakers=[(ana, SpeakerRole.MODERATOR)],
    )
    make_session(
        event,
        "Cancelled talk",
        start=dt.datetime(2024, 10, 27, 11, 0),
        room=room,
        status=SessionStatus.CANCELLED,
    )
    make_session(
        event,
        "Workshop A",
        start=dt.datetime(2024, 10, 27, 14, 0),
        room=room,
        type=SessionType.WORKSHOP,
        requires_signup=True,
    )
    make_session(
        event,
        "Workshop B",
        start=dt.datetime(2024, 10, 27, 14, 0),
        type=SessionType.WORKSHOP,
        requires_signup=True,
    )
    return event


def test_event_feed_times_exact_across_dst(client, dst_event):
    resp = client.get("/events/dst-2024/calendar.ics")
    assert resp.status_code == 200
    assert resp.mimetype == "text/calendar"
    assert "charset=utf-8" in resp.headers["Content-Type"]
    assert 'filename="dst-2024.ics"' in resp.headers["Content-Disposition"]
    cal = parse(resp.data)
    assert cal["METHOD"] == "PUBLISH"
    assert cal["X-WR-CALNAME"] == dst_event.title and cal["NAME"] == dst_event.title
    assert cal["PRODID"] and cal["VERSION"] == "2.0"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]
    events = {str(ev["SUMMARY"]): ev for ev in cal.walk("VEVENT")}
    assert len(events) == 5
    opening = events["Opening"]
    # Saturday 09:00 CEST (UTC+2) and Sunday 09:00 CET (UTC+1).
    assert opening.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2024, 10, 26, 7, 0, tzinfo=dt.UTC)
    assert opening.decoded("DTEND").astimezone(dt.UTC) == dt.datetime(2024, 10, 26, 8, 0, tzinfo=dt.UTC)
    sunday = events["Sunday panel"]
    assert sunday.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2024, 10, 27, 8, 0, tzinfo=dt.UTC)
    assert sunday["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert "DTSTART;TZID=Europe/Brussels:20241027T090000" in resp.data.decode()
    # Properties the clients rely on.
    assert opening["STATUS"] == "CONFIRMED"
    assert "Auditorium" in opening["LOCATION"] and "Vétérinaires" in opening["LOCATION"]
    assert "Ana Müller (speaker), IOM Belgium" in opening["DESCRIPTION"]
    assert "Ana Müller (moderator)" in sunday["DESCRIPTION"]
    assert str(opening["URL"]).endswith(f"/events/dst-2024/sessions/{dst_event.sessions[0].id}")
    assert [str(c) for c in opening["CATEGORIES"].cats] == ["Keynote", "Skills"]
    assert int(opening["SEQUENCE"]) == 0
    assert opening.get("DTSTAMP") is not None
    # Cancelled sessions are kept, marked as such.
    assert events["Cancelled talk"]["STATUS"] == "CANCELLED"
    # Never the livestream, emails or private data in the public feed.
    assert b"stream.example.org" not in resp.data
    assert b"CONFERENCE" not in resp.data


def test_uids_stable_across_reexport_and_sequence_changes(client, dst_event):
    first = vevents(parse(client.get("/events/dst-2024/calendar.ics").data))
    session = dst_event.sessions[1]
    session.start = session.start + dt.timedelta(hours=1)
    session.end = session.end + dt.timedelta(hours=1)
    session.sequence += 1
    db.session.commit()
    second = vevents(parse(client.get("/events/dst-2024/calendar.ics").data))
    assert set(first) == set(second)
    assert session.uid in second
    assert int(second[session.uid]["SEQUENCE"]) == 1
    assert second[session.uid].decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2024, 10, 27, 9, 0, tzinfo=dt.UTC
    )
    # UIDs do not depend on row ids: they are built from the event slug and session key.
    for uid in second:
        assert uid.endswith(".dst-2024@wid-events")


def test_single_session_feed(client, dst_event):
    session = dst_event.sessions[2]
    resp = client.get(f"/events/dst-2024/sessions/{session.id}.ics")
    assert resp.status_code == 200
    cal = parse(resp.data)
    (only,) = cal.walk("VEVENT")
    assert str(only["UID"]) == session.uid
    assert only["STATUS"] == "CANCELLED"
    assert client.get("/events/dst-2024/sessions/999999.ics").status_code == 404


def test_session_of_other_event_is_404(client, dst_event):
    other = make_event("other-ev")
    s = make_session(other, "Elsewhere")
    assert client.get(f"/events/dst-2024/sessions/{s.id}.ics").status_code == 404


def test_unpublished_event_feeds_are_404(client, app):
    event = make_event("hidden", published=False)
    s = make_session(event, "Secret")
    assert client.get("/events/hidden/calendar.ics").status_code == 404
    assert client.get(f"/events/hidden/sessions/{s.id}.ics").status_code == 404
    assert client.get("/events/hidden/schedule.xml").status_code == 404
    assert client.get("/events/nope/calendar.ics").status_code == 404


def test_personal_feed_livestream_only_for_online_attendees(client, dst_event):
    workshop_a = next(s for s in dst_event.sessions if s.title == "Workshop A")
    workshop_b = next(s for s in dst_event.sessions if s.title == "Workshop B")
    _online, online_token = make_registration_with_token(
        dst_event, attendance=Attendance.ONLINE, name="Online One"
    )
    onsite, onsite_token = make_registration_with_token(
        dst_event, attendance=Attendance.IN_PERSON, name="Onsite One", email="o@example.org"
    )
    db.session.add_all(
        [
            RegistrationSession(registration=onsite, session=workshop_a, status=RegistrationStatus.CONFIRMED),
            RegistrationSession(
                registration=onsite, session=workshop_b, status=RegistrationStatus.WAITLISTED
            ),
        ]
    )
    db.session.commit()

    resp = client.get(f"/registrations/{online_token}/calendar.ics")
    assert resp.status_code == 200
    assert resp.mimetype == "text/calendar"
    cal = parse(resp.data)
    titles = sorted(str(ev["SUMMARY"]) for ev in cal.walk("VEVENT"))
    assert titles == ["Cancelled talk", "Opening", "Sunday panel"]
    for ev in cal.walk("VEVENT"):
        conf = ev["CONFERENCE"]
        assert str(conf) == "https://stream.example.org/live/dst"
        assert conf.params["VALUE"] == "URI" and conf.params["FEATURE"] == "VIDEO"
        assert conf.params["LABEL"]
        assert "https://stream.example.org/live/dst" in ev["DESCRIPTION"]

    resp = client.get(f"/registrations/{onsite_token}/calendar.ics")
    cal = parse(resp.data)
    titles = sorted(str(ev["SUMMARY"]) for ev in cal.walk("VEVENT"))
    # Plenary sessions plus the confirmed workshop; the waitlisted one is left out.
    assert titles == ["Cancelled talk", "Opening", "Sunday panel", "Workshop A"]
    assert b"stream.example.org" not in resp.data
    assert b"CONFERENCE" not in resp.data
    # The same UIDs as the public feed, so a client merges them.
    public = vevents(parse(client.get("/events/dst-2024/calendar.ics").data))
    assert set(vevents(cal)) <= set(public)


def test_personal_feed_of_cancelled_registration_is_empty(client, dst_event):
    _reg, token = make_registration_with_token(dst_event, status=RegistrationStatus.CANCELLED)
    cal = parse(client.get(f"/registrations/{token}/calendar.ics").data)
    assert cal.walk("VEVENT") == []
    assert client.get("/registrations/unknown-token/calendar.ics").status_code == 404


def test_event_calendar_before_publication_has_one_all_day_item(app):
    event = make_event("draft", published=False)
    make_session(event, "Not yet public")
    cal = parse(ics.event_calendar(event))
    (only,) = cal.walk("VEVENT")
    assert only["SUMMARY"] == event.title
    assert only.decoded("DTSTART") == event.start_date
    full = parse(ics.event_calendar(event, include_unpublished=True))
    assert [str(e["SUMMARY"]) for e in full.walk("VEVENT")] == ["Not yet public"]


def test_cli_calendar_export(runner, dst_event, tmp_path):
    out = tmp_path / "cal.ics"
    result = runner.invoke(args=["calendar", "export", "dst-2024", "-o", str(out)])
    assert result.exit_code == 0, result.output
    cal = parse(out.read_bytes())
    assert len(cal.walk("VEVENT")) == 5
    result = runner.invoke(args=["calendar", "export", "nope", "-o", str(out)])
    assert result.exit_code == 2


def test_agenda_pdf(client, dst_event, tmp_path):
    import shutil
    import subprocess

    resp = client.get("/events/dst-2024/agenda.pdf")
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=resp.data, capture_output=True, check=True).stdout
    text = text.decode()
    for expected in (
        "Opening",
        "Sunday panel",
        "Auditorium",
        "Ana Müller (moderator), IOM Belgium",
        "Cancelled",
    ):
        assert expected in text, expected
    assert "9:00" in text
    assert "stream.example.org" not in text
    assert client.get("/events/hidden-x/agenda.pdf").status_code == 404


def test_uids_and_guids_survive_package_export_import(client, dst_event):
    """UIDs (ics) and guids (frab) are the same after an event-package export, delete, import."""
    from wid_events.exports import frab
    from wid_events.packages import package

    before_ics = set(vevents(parse(ics.event_calendar(dst_event))))
    before_guids = {frab.session_guid(s) for s in dst_event.sessions if not s.is_cancelled}
    data = json.loads(package.dumps(package.export_event(dst_event)))
    db.session.delete(dst_event)
    db.session.commit()
    assert client.get("/events/dst-2024/calendar.ics").status_code == 404
    package.import_package(data, actor="test")
    db.session.commit()
    resp = client.get("/events/dst-2024/calendar.ics")
    assert resp.status_code == 200
    assert set(vevents(parse(resp.data))) == before_ics
    xml = client.get("/events/dst-2024/schedule.xml").data.decode()
    for guid in before_guids:
        assert f'guid="{guid}"' in xml


def test_text_vevents_parse_to_the_same_properties_as_icalendars(app, dst_event):
    """The feeds write public VEVENTs as text (fast); the personal feed of an in-person attendee
    is made of them too. Each must parse to exactly what icalendar's ``session_vevent`` builds."""
    with app.test_request_context():
        feed = vevents(parse(ics.event_calendar(dst_event)))
        assert len(feed) == len(dst_event.sessions) == 5
        for session in dst_event.sessions:
            built = ics.session_vevent(session)
            written = feed[session.uid]
            assert sorted(written) == sorted(built), session.title
            for name in built:
                assert written[name].to_ical() == built[name].to_ical(), (session.title, name)
                assert dict(written[name].params) == dict(built[name].params), (session.title, name)

"""The attendee's own agenda: stars, the personal feed, and the calendar in their emails."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import sqlalchemy as sa

from bench.generate_event import generate
from tests.factories import login, make_event, make_exhibitor, make_organiser, make_session, make_slots
from tests.test_reg_form import workshops
from tests.test_reg_manage import reg_via_service
from wid_events.agenda.models import Session
from wid_events.core.uow import commit
from wid_events.enums import SessionType
from wid_events.exports.ics import personal_calendar
from wid_events.extensions import db
from wid_events.jobday import services as jobday_services
from wid_events.packages.package import import_package
from wid_events.registration import services
from wid_events.registration.models import SessionStar

#: A date written with slashes and a two-digit year, e.g. "3/11/27" (month/day or day/month?).
AMBIGUOUS_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2}\b")


def calendar_part(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.walk()]
    return parts[0]


def uids(ics: bytes) -> set[str]:
    cal = icalendar.Calendar.from_ical(ics)
    return {str(c["uid"]) for c in cal.walk("VEVENT")}


def big_event():
    event = import_package(generate(sessions=300, days=3, rooms=8, seed=1, slug="big"), actor="test")
    event.registration_open = True
    event.published = True
    event.contact_email = "Team DT4E <team@example.org>"
    commit()
    return event


def test_a_personal_calendar_loads_only_its_own_sessions_in_full(app):
    """The confirmation mail's calendar reads the times of all 300 sessions, but loads only the
    attendee's handful with rooms, tracks and speakers (all 300 cost 60 ms of CPU per mail)."""
    event = big_event()
    ws = db.session.scalars(
        sa.select(Session)
        .where(Session.event_id == event.id, Session.requires_signup)
        .order_by(Session.start)
    ).first()
    reg, _token = reg_via_service(event, "Олена Коваленко", "olena@example.org", session_ids=[ws.id])
    reg_id = reg.id
    db.session.expunge_all()
    reg = db.session.get(type(reg), reg_id)
    loaded: list[str] = []

    def on_load(target, _context):
        loaded.append(target.uid)

    sa.event.listen(Session, "load", on_load)
    try:
        ics = personal_calendar(reg)
    finally:
        sa.event.remove(Session, "load", on_load)
    assert 1 < len(loaded) < 20
    assert uids(ics) == set(loaded)


def test_big_event_confirmation_is_small_personal_and_well_formed(app, outbox):
    event = big_event()
    sessions = db.session.scalars(sa.select(Session).where(Session.event_id == event.id)).all()
    ws = sorted((s for s in sessions if s.requires_signup), key=lambda s: s.start)
    first, second = ws[0], next(s for s in ws if s.start >= ws[0].end)
    reg, _token = reg_via_service(
        event, "Siobhán Ní Bhriain", "siobhan@example.org", session_ids=[first.id, second.id]
    )
    mail = outbox()[-1]
    raw = mail.as_bytes()
    assert len(raw) < 30_000, len(raw)
    print(f"confirmation mail: {len(raw)} bytes")
    part = calendar_part(mail)
    assert part.get_param("charset") == "utf-8" and part.get_param("method") == "PUBLISH"
    ics = part.get_payload(decode=True)
    mine = uids(ics)
    keynotes = {s.uid for s in sessions if s.type == SessionType.KEYNOTE}
    assert keynotes | {first.uid, second.uid} <= mine
    skipped_talks = [s for s in sessions if s.type == SessionType.TALK and s.uid not in mine]
    assert len(mine) < 20 and len(skipped_talks) > 100  # the parallel talks stay out
    # Headers and parts.
    assert mail["Auto-Submitted"] == "auto-generated"
    assert not mail["Date"].endswith("-0000") and re.search(r"[+-]\d{4}$", mail["Date"])
    assert mail["Reply-To"].addresses[0].addr_spec == "team@example.org"
    assert b"=?utf-8?" in raw.split(b"\n\n", 1)[0]  # the non-ASCII display name, RFC 2047
    types = [p.get_content_type() for p in mail.walk()]
    assert "text/plain" in types and "text/html" in types
    for p in mail.walk():
        if p.get_content_maintype() == "text":
            assert p.get_param("charset") == "utf-8", p.get_content_type()
    html = next(p for p in mail.walk() if p.get_content_type() == "text/html").get_content()
    assert event.title in html and "<img" not in html and "http" in html
    text = mail.get_body(("plain",)).get_content()
    assert not AMBIGUOUS_DATE.search(text) and not re.search(r"\b(AM|PM)\b", text)

    # Cancelling: METHOD:CANCEL for the same UIDs.
    services.cancel(reg)
    commit()
    cancel = outbox()[-1]
    assert "cancelled" in cancel["Subject"]
    part = calendar_part(cancel)
    assert part.get_param("method") == "CANCEL"
    body = part.get_payload(decode=True)
    assert b"METHOD:CANCEL" in body
    cal = icalendar.Calendar.from_ical(body)
    assert all(str(c["status"]) == "CANCELLED" for c in cal.walk("VEVENT"))
    assert mine <= uids(body)
    assert "See you soon" not in cancel.get_body(("plain",)).get_content()


def test_personal_feed_holds_plenaries_workshops_interviews_and_stars_not_skipped_talks(client, app):
    event = big_event()
    sessions = db.session.scalars(sa.select(Session).where(Session.event_id == event.id)).all()
    ws = next(s for s in sessions if s.requires_signup)
    talk = next(s for s in sessions if s.type == SessionType.TALK)
    reg, token = reg_via_service(event, "Nadia", "nadia@example.org", session_ids=[ws.id])
    # A Job Day interview on another day, before the programme starts.
    day = event.end_date if ws.start.date() != event.end_date else event.start_date
    exhibitor = make_exhibitor(event, "Banque Lumière", booth="A1")
    slot = make_slots(
        exhibitor, dt.datetime.combine(day, dt.time(8, 0)), dt.datetime.combine(day, dt.time(8, 40))
    )[0]
    jobday_services.book_interview(reg, slot.id)
    commit()
    feed = icalendar.Calendar.from_ical(client.get(f"/registrations/{token}/calendar.ics").data)
    assert [str(c["summary"]) for c in feed.walk("VEVENT") if "Banque Lumière" in str(c["summary"])]
    before = uids(client.get(f"/registrations/{token}/calendar.ics").data)
    assert ws.uid in before and talk.uid not in before

    page = client.get(f"/registrations/{token}/agenda")
    assert page.status_code == 200 and "Star: add to my agenda" in page.get_data(as_text=True)
    response = client.post(f"/registrations/{token}/stars/{talk.id}", data={"star": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#s-{talk.id}")
    assert client.post(f"/registrations/{token}/stars/{talk.id}", data={"star": "1"}).status_code == 303
    after = uids(client.get(f"/registrations/{token}/calendar.ics").data)
    assert after == before | {talk.uid}
    assert "Starred: remove the star" in client.get(f"/registrations/{token}/agenda").get_data(as_text=True)

    login(client, make_organiser(event))
    overview = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    stars = overview.split("star-counts", 1)[1]
    assert talk.title in stars and "<td>1</td>" in stars
    client.get("/logout")

    assert client.post(f"/registrations/{token}/stars/{talk.id}", data={"star": "0"}).status_code == 303
    assert uids(client.get(f"/registrations/{token}/calendar.ics").data) == before


def test_star_refusals_are_clear_and_save_nothing(client):
    event = make_event()
    other = make_event()
    foreign = make_session(other, "Elsewhere")
    _, token = reg_via_service(event, "Ana", "ana@example.org")
    response = client.post(
        f"/registrations/{token}/stars/{foreign.id}", data={"star": "1"}, follow_redirects=True
    )
    assert response.status_code == 200 and "not on the event" in response.get_data(as_text=True)
    mine = make_session(event, "Here")
    assert client.post(f"/registrations/{token}/cancel").status_code == 303
    response = client.post(
        f"/registrations/{token}/stars/{mine.id}", data={"star": "1"}, follow_redirects=True
    )
    assert "This registration is cancelled." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(SessionStar.id))) == 0


def test_cancellation_posted_twice_is_refused_without_an_error(client, outbox):
    event = make_event()
    workshops(event)
    _, token = reg_via_service(event, "Ana", "ana@example.org")
    assert client.post(f"/registrations/{token}/cancel").status_code == 303
    sent = len(outbox())
    again = client.post(f"/registrations/{token}/cancel")
    assert again.status_code == 409
    assert "This registration is cancelled." in again.get_data(as_text=True)
    assert len(outbox()) == sent  # no second cancellation mail

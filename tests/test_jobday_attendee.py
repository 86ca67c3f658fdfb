"""Job Day visitors: interviews that never clash with their workshops, booking from a job offer,
and the mails that confirm or cancel an interview."""

from __future__ import annotations

import datetime as dt

import icalendar
import sqlalchemy as sa

from tests.factories import make_event, make_exhibitor, make_session, make_slots
from tests.test_jobday_portal import portal_client
from tests.test_reg_form import register, token_of
from wid_events.extensions import db
from wid_events.jobday import services
from wid_events.jobday.models import InterviewBooking


def at(event, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(event.start_date, dt.time(hour, minute))


def setup(client):
    event = make_event()
    workshop = make_session(
        event, "CV coaching", start=at(event, 10, 30), minutes=90, requires_signup=True, capacity=10
    )
    exhibitor = make_exhibitor(event, "Lumen Finance", booth="A1", contact_email="hr@lumen.example")
    offer = services.create_offer(exhibitor, {"title": "Data analyst", "contract": "permanent"}, actor="test")
    db.session.commit()
    slots = make_slots(exhibitor, at(event, 10), at(event, 12), minutes=20)
    token = token_of(register(client, event, sessions=[str(workshop.id)], email="nadia@example.org"))
    return event, workshop, exhibitor, offer, slots, token


def bookings() -> int:
    return db.session.scalar(sa.select(sa.func.count(InterviewBooking.id)))


def test_an_interview_overlapping_a_confirmed_workshop_is_refused_over_http(client):
    event, _workshop, _exhibitor, _offer, slots, token = setup(client)
    clash = next(s for s in slots if s.start == at(event, 10, 40))
    response = client.post(f"/registrations/{token}/interviews/book", data={"slot": str(clash.id)})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This overlaps your workshop “CV coaching” (10:30–12:00)" in html
    assert bookings() == 0
    free = next(s for s in slots if s.start == at(event, 10))
    assert (
        client.post(f"/registrations/{token}/interviews/book", data={"slot": str(free.id)}).status_code == 303
    )
    assert bookings() == 1


def test_double_booking_is_refused_with_a_reason(client):
    event, _workshop, _exhibitor, _offer, slots, token = setup(client)
    free = next(s for s in slots if s.start == at(event, 10))
    assert (
        client.post(f"/registrations/{token}/interviews/book", data={"slot": str(free.id)}).status_code == 303
    )
    again = client.post(f"/registrations/{token}/interviews/book", data={"slot": str(free.id)})
    assert again.status_code == 409
    assert "You have already booked this interview." in again.get_data(as_text=True)
    assert bookings() == 1


def test_booking_and_cancelling_mail_the_interview_as_ics(client, outbox):
    event, _workshop, _exhibitor, _offer, slots, token = setup(client)
    free = next(s for s in slots if s.start == at(event, 10))
    before = len(outbox())
    client.post(f"/registrations/{token}/interviews/book", data={"slot": str(free.id)})
    mail = outbox()[before]
    assert mail["Subject"] == "Your interview with Lumen Finance is booked"
    assert mail["To"].addresses[0].addr_spec == "nadia@example.org"
    text = mail.get_body(("plain",)).get_content()
    assert "10:00–10:20" in text and "Booth A1" in text
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    booked = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    uid = str(next(iter(booked.walk("VEVENT")))["uid"])

    booking = db.session.scalar(sa.select(InterviewBooking))

    assert client.post(f"/registrations/{token}/interviews/{booking.id}/cancel").status_code == 303
    cancel = outbox()[-1]
    assert cancel["Subject"] == "Your interview with Lumen Finance is cancelled"
    part = next(p for p in cancel.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    cancelled = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert str(cancelled["method"]) == "CANCEL"
    assert [str(e["uid"]) for e in cancelled.walk("VEVENT")] == [uid]


def test_exhibitor_opts_in_to_a_mail_per_booking_and_sees_new_ones(app, client, outbox):
    event, _workshop, exhibitor, _offer, slots, token = setup(client)
    portal = portal_client(app, exhibitor)
    page = portal.get("/exhibitor/interviews").get_data(as_text=True)
    assert "Email me at hr@lumen.example for each new booking" in page
    assert portal.post("/exhibitor/interviews/notifications", data={"notify": "1"}).status_code == 303
    free = next(s for s in slots if s.start == at(event, 10))
    before = len(outbox())
    client.post(f"/registrations/{token}/interviews/book", data={"slot": str(free.id)})
    to = sorted(m["To"].addresses[0].addr_spec for m in outbox()[before:])
    assert to == ["hr@lumen.example", "nadia@example.org"]
    page = portal.get("/exhibitor/interviews").get_data(as_text=True)
    assert "Amina Benali" in page and ">new<" in page


def test_book_from_the_job_offer_page_registering_first(client):
    event = make_event()
    exhibitor = make_exhibitor(event, "Lumen Finance", booth="A1")
    offer = services.create_offer(exhibitor, {"title": "Data analyst", "contract": "permanent"}, actor="test")
    db.session.commit()
    make_slots(exhibitor, at(event, 10), at(event, 11))
    page = client.get(f"/events/{event.slug}/jobs/{offer.id}").get_data(as_text=True)
    link = f"/events/{event.slug}/jobs/{offer.id}/interview"
    assert link in page
    first = client.get(link)
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/events/{event.slug}/register")
    token = token_of(register(client, event))
    home = client.get(f"/registrations/{token}").get_data(as_text=True)
    assert "Continue where you were: book your interview" in home and link in home
    back = client.get(link)
    assert back.status_code == 303
    assert f"/registrations/{token}/interviews?" in back.headers["Location"]
    assert f"offer={offer.id}" in back.headers["Location"]
    interviews = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "Data analyst" in interviews

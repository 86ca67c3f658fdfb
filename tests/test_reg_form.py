"""Registration form, rules and self-service (Flask test client, CSRF off)."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from tests.factories import make_event, make_room, make_session
from wid_events.enums import EventMode, RegistrationStatus, SessionType
from wid_events.extensions import db
from wid_events.registration.models import Registration


def form_data(**kw):
    data = {
        "name": "Amina Benali",
        "email": "amina@example.org",
        "attendance": "in_person",
        "organisation": "IOM Belgium",
        "pronouns": "she/her",
        "access_needs": "",
        "dietary": "vegetarian",
        "consent": "y",
        "form_key": "k" * 32,
    }
    data.update(kw)
    return data


def get_form_key(client, slug):
    html = client.get(f"/events/{slug}/register").get_data(as_text=True)
    return re.search(r'name="form_key" type="hidden" value="([^"]+)"', html).group(1)


def register(client, event, **kw):
    kw.setdefault("form_key", get_form_key(client, event.slug))
    return client.post(f"/events/{event.slug}/register", data=form_data(**kw))


def token_of(response):
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[-1]


def workshops(event, capacity=2):
    start = dt.datetime.combine(event.start_date, dt.time(14, 0))
    room = make_room(event, "Room A", capacity=40)
    a = make_session(
        event,
        "Digital skills",
        type=SessionType.WORKSHOP,
        start=start,
        minutes=90,
        room=room,
        requires_signup=True,
        capacity=capacity,
    )
    b = make_session(
        event,
        "Coding for beginners",
        type=SessionType.WORKSHOP,
        start=start,
        minutes=90,
        requires_signup=True,
        capacity=capacity,
    )
    c = make_session(
        event,
        "CV clinic",
        type=SessionType.WORKSHOP,
        start=start + dt.timedelta(hours=2),
        requires_signup=True,
        capacity=None,
    )
    return a, b, c


def test_form_shows_fields_slots_and_honeypot(client):
    event = make_event(access_needs_deadline=dt.date(2030, 9, 1))
    workshops(event)
    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    for name in (
        "name",
        "email",
        "attendance",
        "organisation",
        "pronouns",
        "sessions",
        "access_needs",
        "dietary",
        "consent",
        "form_key",
    ):
        assert f'name="{name}"' in html
    assert "Parallel workshop sessions 1" in html
    assert "Workshop sign-up 2" in html
    assert "2 seats left" in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert "1 September 2030" in html  # the published access-needs deadline
    assert "gender" not in html.lower()


def test_register_confirms_and_emails_with_ics(client, outbox):
    event = make_event(livestream_url="https://stream.example.org/secret")
    token = token_of(register(client, event))
    assert len(token) >= 22
    reg = db.session.scalar(sa.select(Registration))
    assert reg.status == RegistrationStatus.CONFIRMED
    assert reg.token_hash != token and token not in reg.token_hash
    page = client.get(f"/registrations/{token}")
    assert page.status_code == 200
    assert "Confirmed" in page.get_data(as_text=True)
    assert "stream.example.org" not in page.get_data(as_text=True)  # in person: no stream link
    [mail] = outbox()
    assert mail["To"].addresses[0].addr_spec == "amina@example.org"
    body = mail.get_body(("plain",)).get_content()
    assert f"http://localhost/registrations/{token}" in body
    assert "stream.example.org" not in body
    atts = list(mail.iter_attachments())
    assert [a.get_filename() for a in atts] == [f"{event.slug}.ics"]
    assert atts[0].get_content_type() == "text/calendar"
    assert client.get(f"/registrations/{token}.json").get_json() == {
        "status": "confirmed",
        "attendance": "in_person",
        "sessions": [],
        "waitlist_position": None,
    }


def test_online_attendee_gets_livestream_link_in_email_and_page_only(client, outbox):
    event = make_event(livestream_url="https://stream.example.org/secret")
    token = token_of(register(client, event, attendance="online"))
    assert "https://stream.example.org/secret" in outbox()[0].get_body(("plain",)).get_content()
    assert "https://stream.example.org/secret" in client.get(f"/registrations/{token}").get_data(as_text=True)
    assert "stream.example.org" not in client.get(f"/events/{event.slug}/register").get_data(as_text=True)


def test_email_in_registrants_language(client, outbox):
    event = make_event()
    client.set_cookie("lang", "fr")
    token_of(register(client, event))
    reg = db.session.scalar(sa.select(Registration))
    assert reg.locale == "fr"
    assert outbox()[0]["Subject"]  # rendered under force_locale("fr"); text falls back if untranslated


def test_double_submit_creates_one_registration(client):
    event = make_event()
    key = get_form_key(client, event.slug)
    first = register(client, event, form_key=key)
    second = register(client, event, form_key=key)
    assert token_of(first) == token_of(second)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_duplicate_email_gives_message_and_resend_link(client, outbox):
    event = make_event()
    token_of(register(client, event, email="Ada@Example.org"))
    response = register(client, event, email="ada@example.org ", name="Other")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "already registered" in html
    assert f"/events/{event.slug}/register/resend" in html
    assert 'value="Other"' in html  # the form keeps what was typed
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_resend_never_reveals_and_emails_same_link(client, outbox):
    event = make_event()
    token = token_of(register(client, event, email="ada@example.org"))
    n = len(outbox())
    known = client.post(f"/events/{event.slug}/register/resend", data={"email": "ADA@example.org"})
    unknown = client.post(f"/events/{event.slug}/register/resend", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    msg = "registered for this event with that address, we"
    assert msg in known.get_data(as_text=True) and msg in unknown.get_data(as_text=True)
    mails = outbox()[n:]
    assert len(mails) == 1 and mails[0]["To"].addresses[0].addr_spec == "ada@example.org"
    assert f"/registrations/{token}" in mails[0].get_body(("plain",)).get_content()


def test_missing_consent_and_fields_show_errors_next_to_fields(client):
    event = make_event()
    response = register(client, event, consent="", email="not-an-email", attendance="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="consent-error"' in html and "Please agree" in html
    assert 'id="email-error"' in html
    assert 'id="attendance-error"' in html
    assert 'value="Amina Benali"' in html and "vegetarian" in html
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_overlapping_workshop_picks_refused(client):
    event = make_event()
    a, b, c = workshops(event)
    response = register(client, event, sessions=[str(a.id), str(b.id)])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "take place at the same time" in html
    assert 'id="sessions-error"' in html
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
    # A session that isn't a sign-up session of this event is refused too.
    other = make_session(make_event(), "Elsewhere", requires_signup=True)
    assert register(client, event, sessions=[str(other.id)]).status_code == 400
    ok = register(client, event, sessions=[str(a.id), str(c.id)])
    token = token_of(ok)
    assert sorted(client.get(f"/registrations/{token}.json").get_json()["sessions"]) == sorted([a.id, c.id])


def test_workshop_full_goes_to_its_waitlist(client):
    event = make_event()
    a, _b, _c = workshops(event, capacity=1)
    t1 = token_of(register(client, event, email="one@example.org", sessions=[str(a.id)]))
    t2 = token_of(register(client, event, email="two@example.org", sessions=[str(a.id)]))
    page = client.get(f"/registrations/{t2}").get_data(as_text=True)
    assert "waitlist position 1" in page
    assert client.get(f"/registrations/{t2}.json").get_json()["status"] == "confirmed"
    # One switches away: the next in line gets the seat.
    assert client.post(f"/registrations/{t1}/sessions", data={}).status_code == 303
    assert "place confirmed" in client.get(f"/registrations/{t2}").get_data(as_text=True)


def test_closed_and_unpublished_registration(client):
    closed = make_event(registration_open=False)
    page = client.get(f"/events/{closed.slug}/register")
    assert page.status_code == 200
    assert "Registration for this event is closed." in page.get_data(as_text=True)
    assert 'name="email"' not in page.get_data(as_text=True)
    posted = client.post(f"/events/{closed.slug}/register", data=form_data())
    assert posted.status_code == 409
    draft = make_event(published=False)
    assert client.get(f"/events/{draft.slug}/register").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_attendance_fixed_for_single_mode_events(client):
    event = make_event(mode=EventMode.ONLINE)
    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert 'name="attendance"' not in html
    token = token_of(register(client, event, attendance="in_person"))
    assert client.get(f"/registrations/{token}.json").get_json()["attendance"] == "online"


def test_honeypot_silently_rejects(client, outbox):
    event = make_event()
    response = register(client, event, website="http://spam.example")
    assert response.status_code == 200
    assert "Thank you" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
    assert outbox() == []


def test_unknown_token_is_friendly_404(client):
    response = client.get("/registrations/not-a-real-token")
    assert response.status_code == 404
    assert "unknown or no longer valid" in response.get_data(as_text=True)
    assert "<h1>" in response.get_data(as_text=True)
    js = client.get("/registrations/not-a-real-token.json")
    assert js.status_code == 404
    assert js.get_json()["error"]["code"] == "not_found"
    assert client.get("/registrations/not-a-real-token/data.json").status_code == 404

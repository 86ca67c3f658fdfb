"""Organiser view, actions, CSV, per-workshop list, organiser API, erasure and waitlist promotion."""

from __future__ import annotations

import csv
import io
import json

import sqlalchemy as sa
from flask import g

from tests.factories import login, make_event, make_organiser, make_session
from tests.test_reg_form import form_data, get_form_key, workshops
from wid_events.accounts.services import issue_token
from wid_events.audit.models import AuditLogEntry
from wid_events.core.uow import commit
from wid_events.enums import RegistrationStatus, SessionAttendance
from wid_events.extensions import db
from wid_events.registration import services
from wid_events.registration.models import Registration


def reg_via_service(event, name, email, **kw):
    data = services.RegistrationData(
        name=name, email=email, attendance=kw.pop("attendance", "in_person"), consent=True, **kw
    )
    reg, token, _ = services.register(event, data)
    commit()  # as a view or the CLI does: the confirmation mail leaves after the commit
    return reg, token


def test_cancel_promotes_first_on_waitlist_and_emails(client, outbox):
    event = make_event(capacity_in_person=1)
    _, t1 = reg_via_service(event, "First", "first@example.org")
    _r2, t2 = reg_via_service(event, "Second", "second@example.org")
    r3, _ = reg_via_service(event, "Third", "third@example.org")
    assert client.get(f"/registrations/{t2}.json").get_json()["waitlist_position"] == 1
    assert "position 1" in client.get(f"/registrations/{t2}").get_data(as_text=True)
    assert services.waitlist_position(r3) == 2
    confirm = client.get(f"/registrations/{t1}/cancel")
    assert "Yes, cancel my registration" in confirm.get_data(as_text=True)
    assert client.get(f"/registrations/{t1}.json").get_json()["status"] == "confirmed"  # GET changes nothing
    assert client.post(f"/registrations/{t1}/cancel").status_code == 303
    assert client.get(f"/registrations/{t1}.json").get_json()["status"] == "cancelled"
    assert client.get(f"/registrations/{t2}.json").get_json() == {
        "status": "confirmed",
        "attendance": "in_person",
        "sessions": [],
        "waitlist_position": None,
    }
    assert client.get(f"/registrations/{t2}/../{t2}.json").status_code in (200, 404)
    db.session.expire_all()
    assert services.waitlist_position(db.session.get(Registration, r3.id)) == 1
    subjects = [(m["To"].addresses[0].addr_spec, m["Subject"]) for m in outbox()]
    assert ("second@example.org", f"Good news: you have a place at {event.title}") in subjects
    assert ("first@example.org", f"Your registration for {event.title} is cancelled") in subjects
    # The same person may register again after cancelling (the one-active-email rule).
    again = client.post(
        f"/events/{event.slug}/register",
        data=form_data(email="first@example.org", form_key=get_form_key(client, event.slug)),
    )
    assert again.status_code == 303


def test_erasure_removes_personal_data_and_keeps_counts(client, outbox):
    event = make_event(capacity_in_person=1)
    a, _b, _c = workshops(event, capacity=1)
    r1, t1 = reg_via_service(
        event,
        "Ада Лавлейс",
        "ada@example.org",
        session_ids=[a.id],
        organisation="Org",
        pronouns="she/her",
        access_needs="wheelchair",
        dietary="vegan",
    )
    _r2, t2 = reg_via_service(event, "Second", "second@example.org", session_ids=[a.id])
    data = client.get(f"/registrations/{t1}/data.json")
    assert data.status_code == 200
    assert "attachment" in data.headers["Content-Disposition"]
    exported = json.loads(data.get_data(as_text=True))
    assert exported["registration"]["email"] == "ada@example.org"
    assert exported["registration"]["access_needs"] == "wheelchair"
    assert exported["sessions"][0]["id"] == a.id
    assert "gender" not in data.get_data(as_text=True)
    before = services.counts(event)["attendance"]["in_person"]
    assert client.get(f"/registrations/{t1}/erase").status_code == 200
    response = client.post(f"/registrations/{t1}/erase")
    assert response.status_code == 200 and "erased" in response.get_data(as_text=True)
    db.session.expire_all()
    r1 = db.session.get(Registration, r1.id)
    assert r1.name == "(erased)" and r1.email is None and r1.organisation is None and r1.pronouns is None
    assert r1.access_needs == "" and r1.dietary == "" and r1.erased_at is not None
    assert r1.status == RegistrationStatus.CANCELLED
    assert client.get(f"/registrations/{t1}").status_code == 404
    # Counts: still two registrations, one cancelled; the waitlisted person got both seats.
    after = services.counts(event)["attendance"]["in_person"]
    assert before["confirmed"] + before["waitlisted"] == 2
    assert after == {**after, "confirmed": 1, "waitlisted": 0, "cancelled": 1}
    assert (
        db.session.scalar(sa.select(sa.func.count(Registration.id)).where(Registration.event_id == event.id))
        == 2
    )
    assert client.get(f"/registrations/{t2}.json").get_json()["status"] == "confirmed"
    assert "place confirmed" in client.get(f"/registrations/{t2}").get_data(as_text=True)
    assert not [m for m in outbox() if "ada@example.org" in m["To"] and "erase" in m["Subject"].lower()]


def test_switch_attendance_subject_to_capacity(client):
    event = make_event(capacity_in_person=1, capacity_online=1)
    _, t1 = reg_via_service(event, "One", "one@example.org")
    _, t2 = reg_via_service(event, "Two", "two@example.org", attendance="online")
    refused = client.post(f"/registrations/{t1}/attendance", data={"attendance": "online"})
    assert refused.status_code == 409
    assert "You keep your current place" in refused.get_data(as_text=True)
    assert client.get(f"/registrations/{t1}.json").get_json()["attendance"] == "in_person"
    _, t3 = reg_via_service(event, "Three", "three@example.org")  # waits for in person
    assert client.post(f"/registrations/{t2}/attendance", data={"attendance": "in_person"}).status_code == 409
    client.post(f"/registrations/{t1}/cancel")
    assert client.get(f"/registrations/{t3}.json").get_json()["status"] == "confirmed"
    # A waitlisted person switching to a mode with a free seat gets it at once.
    event2 = make_event(capacity_in_person=0, capacity_online=5)
    _, t4 = reg_via_service(event2, "Four", "four@example.org")
    assert client.get(f"/registrations/{t4}.json").get_json()["status"] == "waitlisted"
    assert client.post(f"/registrations/{t4}/attendance", data={"attendance": "online"}).status_code == 303
    assert client.get(f"/registrations/{t4}.json").get_json() == {
        "status": "confirmed",
        "attendance": "online",
        "sessions": [],
        "waitlist_position": None,
    }


def test_requires_approval_pending_then_approve_or_waitlist(client, outbox):
    event = make_event(requires_approval=True, capacity_in_person=1)
    r1, t1 = reg_via_service(event, "One", "one@example.org")
    r2, t2 = reg_via_service(event, "Two", "two@example.org")
    assert client.get(f"/registrations/{t1}.json").get_json()["status"] == "pending"
    organiser = make_organiser(event)
    login(client, organiser)
    assert client.post(f"/manage/events/{event.slug}/registrations/{r1.id}/approve").status_code == 303
    assert client.post(f"/manage/events/{event.slug}/registrations/{r2.id}/approve").status_code == 303
    assert client.get(f"/registrations/{t1}.json").get_json()["status"] == "confirmed"
    assert client.get(f"/registrations/{t2}.json").get_json()["status"] == "waitlisted"
    # Manual promotion beyond capacity, audited.
    assert client.post(f"/manage/events/{event.slug}/registrations/{r2.id}/promote").status_code == 303
    assert client.get(f"/registrations/{t2}.json").get_json()["status"] == "confirmed"
    actions = db.session.scalars(sa.select(AuditLogEntry.action).order_by(AuditLogEntry.id)).all()
    assert actions == ["registration.approve", "registration.approve", "registration.promote"]
    r3, t3 = reg_via_service(event, "Three", "three@example.org")
    assert client.post(f"/manage/events/{event.slug}/registrations/{r3.id}/reject").status_code == 303
    assert client.get(f"/registrations/{t3}.json").get_json()["status"] == "rejected"
    assert outbox()[-1]["To"].addresses[0].addr_spec == "three@example.org"
    # A second approval of a non-pending registration is refused with a message, not a 500.
    again = client.post(f"/manage/events/{event.slug}/registrations/{r1.id}/approve", follow_redirects=True)
    assert "Only pending registrations can be approved." in again.get_data(as_text=True)


def test_rejecting_a_confirmed_registration_removes_its_calendar_entries(client, outbox):
    event = make_event(capacity_in_person=5)
    keynote = make_session(event, "Keynote")
    reg, token = reg_via_service(event, "Rita", "rita@example.org")
    confirmation = outbox()[-1].get_body(preferencelist=("related", "html", "plain"))
    assert client.get(f"/registrations/{token}.json").get_json()["status"] == "confirmed"
    login(client, make_organiser(event))
    assert client.post(f"/manage/events/{event.slug}/registrations/{reg.id}/reject").status_code == 303
    mail = outbox()[-1]
    assert mail["To"].addresses[0].addr_spec == "rita@example.org" and mail is not confirmation
    calendars = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    ics = calendars[0].get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "METHOD:CANCEL" in ics and f"UID:{keynote.uid}" in ics.replace("\r\n ", "")


def test_organiser_list_filters_counts_and_forbidden_for_others(client):
    event = make_event(capacity_in_person=2)
    a, b, _c = workshops(event, capacity=1)
    b.attendance = SessionAttendance.HYBRID  # open to online attendees too
    reg_via_service(event, "Alice", "alice@example.org", session_ids=[a.id])
    reg_via_service(event, "Bob", "bob@example.org", attendance="online", session_ids=[b.id])
    reg_via_service(event, "Chloé", "chloe@example.org", session_ids=[a.id])
    reg_via_service(event, "Dina", "dina@example.org")
    organiser = make_organiser(event)
    login(client, organiser)
    html = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "2 of 2 confirmed" in html and "1 waitlisted" in html
    assert "Alice" in html and "Bob" in html and "Dina" in html
    online = client.get(f"/manage/events/{event.slug}/registrations?attendance=online").get_data(as_text=True)
    assert "Bob" in online and "Alice" not in online
    waiting = client.get(f"/manage/events/{event.slug}/registrations?status=waitlisted").get_data(
        as_text=True
    )
    assert "Dina" in waiting and "Alice" not in waiting
    by_ws = client.get(f"/manage/events/{event.slug}/registrations?session={a.id}").get_data(as_text=True)
    assert "Alice" in by_ws and "Chloé" in by_ws and "Bob" not in by_ws
    printable = client.get(f"/manage/events/{event.slug}/registrations/sessions/{a.id}").get_data(
        as_text=True
    )
    assert "Alice" in printable and "Waitlist" in printable and "Chloé" in printable
    other = make_event()
    assert client.get(f"/manage/events/{other.slug}/registrations").status_code == 403
    assert client.get(f"/manage/events/{other.slug}/registrations.csv").status_code == 403


def test_csv_quoting_bom_and_arabic_names(client):
    event = make_event()
    reg_via_service(event, 'Smith, "Jo"', "jo@example.org", organisation='ACME, "Intl"')
    reg_via_service(event, "فاطمة الزهراء", "fatima@example.org", dietary="halal\nno nuts")
    reg_via_service(event, '=HYPERLINK("x")', "formula@example.org")
    login(client, make_organiser(event))
    response = client.get(f"/manage/events/{event.slug}/registrations.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    # in collation order (issue 14): symbols, then Latin, then Arabic
    assert [r["name"] for r in rows] == ['\'=HYPERLINK("x")', 'Smith, "Jo"', "فاطمة الزهراء"]
    assert rows[1]["organisation"] == 'ACME, "Intl"'
    assert rows[2]["dietary"] == "halal\nno nuts"
    assert "email" not in rows[0]  # emails only on request
    with_email = client.get(f"/manage/events/{event.slug}/registrations.csv?email=1").data
    rows = list(csv.DictReader(io.StringIO(with_email.decode("utf-8-sig"), newline="")))
    assert rows[2]["email"] == "fatima@example.org"


def test_api_registrations_contract_shape(client):
    event = make_event()
    a, _b, _c = workshops(event)
    reg, _ = reg_via_service(event, "Alice", "alice@example.org", session_ids=[a.id])
    organiser = make_organiser(event)
    token = issue_token(organiser.email)
    db.session.commit()
    response = client.get(
        f"/api/v1/events/{event.slug}/registrations", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "id": reg.id,
            "name": "Alice",
            "status": "confirmed",
            "attendance": "in_person",
            "sessions": [a.id],
            "checked_in": False,
            "answers": {},
        }
    ]
    assert "email" not in response.get_data(as_text=True)
    # The app fixture's app context (and so ``g``) is shared by test-client requests: forget the
    # user Flask-Login cached there, as a new real request would.
    g.pop("_login_user", None)
    assert client.get(f"/api/v1/events/{event.slug}/registrations").status_code == 401
    other = make_organiser(make_event())
    t2 = issue_token(other.email)
    db.session.commit()
    g.pop("_login_user", None)
    denied = client.get(
        f"/api/v1/events/{event.slug}/registrations", headers={"Authorization": f"Bearer {t2}"}
    )
    assert denied.status_code == 403 and denied.get_json()["error"]["code"] == "forbidden"


def test_session_waitlist_manual_promotion(client):
    event = make_event()
    a, _b, _c = workshops(event, capacity=1)
    reg_via_service(event, "Alice", "alice@example.org", session_ids=[a.id])
    r2, t2 = reg_via_service(event, "Bob", "bob@example.org", session_ids=[a.id])
    login(client, make_organiser(event))
    url = f"/manage/events/{event.slug}/registrations/{r2.id}/sessions/{a.id}/promote"
    assert client.post(url).status_code == 303
    assert "place confirmed" in client.get(f"/registrations/{t2}").get_data(as_text=True)
    assert services.counts(event)["sessions"][0]["confirmed"] == 2


def test_workshop_and_event_never_both_counted_for_waitlisted(client):
    # A waitlisted registration's workshop wish holds no seat until the registration is confirmed.
    event = make_event(capacity_in_person=1)
    a = make_session(event, "Solo", requires_signup=True, capacity=1)
    reg_via_service(event, "One", "one@example.org")
    _r2, t2 = reg_via_service(event, "Two", "two@example.org", session_ids=[a.id])
    assert services.counts(event)["sessions"][0]["confirmed"] == 0
    _r3, _t3 = reg_via_service(event, "Three", "three@example.org", attendance="in_person")
    client.post(f"/registrations/{token_for_first(event)}/cancel")
    assert client.get(f"/registrations/{t2}.json").get_json()["status"] == "confirmed"
    assert services.counts(event)["sessions"][0]["confirmed"] == 1


def token_for_first(event):
    reg = db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    )
    return services.token_for(reg)


def test_cli_fill_waitlists_after_capacity_raise_and_export(runner, outbox, tmp_path):
    event = make_event(capacity_in_person=1)
    reg_via_service(event, "One", "one@example.org")
    r2, _ = reg_via_service(event, "Two", "two@example.org")
    event.capacity_in_person = 5
    db.session.commit()
    result = runner.invoke(args=["registrations", "fill-waitlists", event.slug])
    assert result.exit_code == 0, result.output
    assert "Promoted 1" in result.output
    db.session.expire_all()
    assert db.session.get(Registration, r2.id).status == RegistrationStatus.CONFIRMED
    assert outbox()[-1]["To"].addresses[0].addr_spec == "two@example.org"
    out = tmp_path / "regs.csv"
    result = runner.invoke(args=["registrations", "export", event.slug, "-o", str(out)])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert [r["name"] for r in rows] == ["One", "Two"]
    assert runner.invoke(args=["registrations", "export", "nope", "-o", str(out)]).exit_code == 2


def test_organiser_list_survives_odd_query_strings(client):
    event = make_event()
    reg_via_service(event, "Alice", "alice@example.org", attendance="online")
    login(client, make_organiser(event))
    for query in (
        "?email=1&status=bogus",
        "?attendance=nope&session=abc",
        "?status=confirmed&attendance=online",
    ):
        response = client.get(f"/manage/events/{event.slug}/registrations{query}")
        assert response.status_code == 200, query
    html = client.get(
        f"/manage/events/{event.slug}/registrations?status=confirmed&attendance=online"
    ).get_data(as_text=True)
    assert "registrations.csv?status=confirmed&amp;attendance=online" in html
    assert client.post(f"/manage/events/{event.slug}/registrations/999/approve").status_code == 404
    assert client.post(f"/manage/events/{event.slug}/registrations/1/explode").status_code == 404

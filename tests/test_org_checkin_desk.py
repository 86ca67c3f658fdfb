"""The check-in desk at the scale of a real conference (issue 14): normalised names, emails,
"N more", telling same-name people apart, online attendees counted apart and warned about."""

from __future__ import annotations

from tests.factories import login, make_event, make_organiser, make_registration
from wid_events.enums import Attendance
from wid_events.extensions import db
from wid_events.registration.models import Registration


def test_desk_finds_petrova_from_lowercase_and_by_email_and_pages_past_20(client):
    event = make_event()
    for i in range(71):
        make_registration(
            event, "Марія Петрова", email=f"m.petrova{i}@uni{i % 3}.example.ua", organisation=f"Org {i % 5}"
        )
    make_registration(event, "Ivan Petrov", email="ivan@example.org")
    login(client, make_organiser(event))
    url = f"/manage/events/{event.slug}/checkin"

    html = client.get(url, query_string={"q": "петрова"}).get_data(as_text=True)
    assert "71 registrations match." in html
    assert html.count("Check in Марія Петрова") == 20
    assert "51 more" in html
    assert "@uni0.example.ua" in html and "Org 0" in html  # same names told apart
    assert "same name as another result" in html

    more = client.get(url, query_string={"q": "петрова", "from": 60}).get_data(as_text=True)
    assert more.count("Check in Марія Петрова") == 11
    assert "more</a>" not in more

    by_email = client.get(url, query_string={"q": "M.PETROVA7@"}).get_data(as_text=True)
    assert "1 registration matches." in by_email and "Марія Петрова" in by_email

    latin = client.get(url, query_string={"q": "ivan petrov"}).get_data(as_text=True)
    assert "Ivan Petrov" in latin

    odd = client.get(url, query_string={"q": " ** "})
    assert odd.status_code == 200
    assert "at least one letter or digit" in odd.get_data(as_text=True)


def test_online_attendee_code_warns_and_counts_apart(client):
    event = make_event()
    here = [make_registration(event, f"Here {i}") for i in range(3)]
    online = make_registration(event, "Olga Online", attendance=Attendance.ONLINE)
    login(client, make_organiser(event))
    url = f"/manage/events/{event.slug}/checkin"
    for reg in here[:2]:
        client.post(url, data={"code": reg.checkin_code})
    response = client.post(url, data={"code": online.checkin_code}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Warning: this person registered to attend online." in html
    assert '2</span> / <span class="count-expected">3' in html
    assert "1 online attendee checked in (not counted above)" in html
    stats = client.get(f"{url}/stats.json").get_json()
    assert stats == {"checked_in": 2, "confirmed_in_person": 3, "checked_in_online": 1}
    db.session.expire_all()
    assert db.session.get(Registration, online.id).checked_in_at is not None


def test_event_overview_shows_registrations_waitlists_checkins_and_open_seats(client):
    import datetime as dt

    from tests.factories import make_session
    from wid_events.enums import RegistrationStatus, SessionType

    event = make_event(capacity_in_person=2, capacity_online=None)
    workshop = make_session(
        event,
        "Workshop: CVs",
        type=SessionType.WORKSHOP,
        requires_signup=True,
        capacity=10,
        start=dt.datetime.combine(event.start_date, dt.time(14)),
    )
    a = make_registration(event, "A", sessions=[workshop])
    make_registration(event, "B", sessions=[workshop])
    make_registration(event, "C", status=RegistrationStatus.WAITLISTED)
    make_registration(event, "D", attendance=Attendance.ONLINE)
    a.checked_in_at = a.created_at
    db.session.commit()
    login(client, make_organiser(event))
    html = client.get(f"/manage/events/{event.slug}/").get_data(as_text=True)
    assert "2 of 2 confirmed" in html and "1 waitlisted" in html and "1 checked in" in html
    assert "1 confirmed (no limit)" in html
    assert "Workshop: CVs: 8 open seats" in html

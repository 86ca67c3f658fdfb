"""Check-in: the API (contract), its idempotency under concurrent scans, the organiser desk page."""

from __future__ import annotations

import threading

import pytest
from flask import g

from tests.factories import login, make_event, make_organiser, make_registration
from wid_events.accounts.services import issue_token
from wid_events.enums import Attendance, RegistrationStatus
from wid_events.extensions import db
from wid_events.registration.models import Registration


@pytest.fixture
def desk(app):
    event = make_event("jobday")
    organiser = make_organiser(event)
    token = issue_token(organiser.email)
    db.session.commit()
    people = {
        "amal": make_registration(
            event, "Amal Haddad", organisation="IOM Belgium", access_needs="Wheelchair user"
        ),
        "zoe": make_registration(event, "Zoë Lefèvre"),
        "olga": make_registration(event, "Olga Online", attendance=Attendance.ONLINE),
        "wanda": make_registration(event, "Wanda Waitlist", status=RegistrationStatus.WAITLISTED),
        "carl": make_registration(event, "Carl Cancelled", status=RegistrationStatus.CANCELLED),
    }
    return event, organiser, {"Authorization": f"Bearer {token}"}, people


def post(client, headers, body, slug="jobday"):
    return client.post(f"/api/v1/events/{slug}/checkins", json=body, headers=headers)


def test_api_contract(client, desk):
    _event, _org, headers, people = desk
    first = post(client, headers, {"code": people["amal"].checkin_code})
    assert first.status_code == 200
    body = first.get_json()
    assert body["name"] == "Amal Haddad"
    assert body["already_checked_in"] is False
    assert body["checked_in_at"].endswith("Z")
    repeat = post(client, headers, {"code": people["amal"].checkin_code})
    assert repeat.status_code == 200
    assert repeat.get_json()["already_checked_in"] is True
    assert repeat.get_json()["checked_in_at"] == body["checked_in_at"]
    # Whitespace a scanner may add is tolerated.
    assert (
        post(client, headers, {"code": f" {people['zoe'].checkin_code}\n"}).get_json()["name"]
        == "Zoë Lefèvre"
    )


def test_api_errors(client, desk):
    _event, _org, headers, people = desk
    unknown = post(client, headers, {"code": "not-a-real-code"})
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "unknown_code"
    # A code of another event is unknown here.
    other = make_event("other-event")
    stranger = make_registration(other, "Someone Else")
    assert post(client, headers, {"code": stranger.checkin_code}).status_code == 404
    # Only confirmed registrations check in.
    waitlisted = post(client, headers, {"code": people["wanda"].checkin_code})
    assert waitlisted.status_code == 409
    assert "waitlist" in waitlisted.get_json()["error"]["message"]
    cancelled = post(client, headers, {"code": people["carl"].checkin_code})
    assert cancelled.status_code == 409
    assert "cancelled" in cancelled.get_json()["error"]["message"]
    for bad in (None, [], {"code": ""}, {"code": 5}, {"nope": "x"}):
        resp = client.post("/api/v1/events/jobday/checkins", json=bad, headers=headers)
        assert resp.status_code == 400, bad
        assert resp.get_json()["error"]["code"] == "bad_request"
    resp = client.post("/api/v1/events/jobday/checkins", data="not json", headers=headers)
    assert resp.status_code == 400
    assert post(client, headers, {"code": "x"}, slug="no-such-event").status_code == 404
    g.pop("_login_user", None)  # the test app context is shared by requests; Flask-Login caches here
    assert post(client, {"Authorization": "Bearer wrong"}, {"code": "x"}).status_code == 401
    db.session.expire_all()
    assert db.session.get(Registration, people["wanda"].id).checked_in_at is None


def test_login_cookie_alone_cannot_use_the_csrf_exempt_api(client, desk):
    _event, organiser, _headers, people = desk
    login(client, organiser)
    resp = client.post("/api/v1/events/jobday/checkins", json={"code": people["amal"].checkin_code})
    assert resp.status_code == 401
    db.session.expire_all()
    assert db.session.get(Registration, people["amal"].id).checked_in_at is None


def test_concurrent_scans_check_in_exactly_once(app, desk):
    """Eight scanners hit the same badge at once: one first scan, seven repeats."""
    _event, _org, headers, people = desk
    code = people["zoe"].checkin_code
    results: list = []
    barrier = threading.Barrier(8)

    def scan():
        c = app.test_client()
        with app.app_context():
            barrier.wait()
            resp = c.post("/api/v1/events/jobday/checkins", json={"code": code}, headers=headers)
            results.append((resp.status_code, resp.get_json()))
            db.session.remove()

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [s for s, _ in results] == [200] * 8
    assert sorted(body["already_checked_in"] for _, body in results) == [False] + [True] * 7
    assert len({body["checked_in_at"] for _, body in results}) == 1
    from wid_events.audit.models import AuditLogEntry

    db.session.rollback()
    entries = db.session.scalars(
        db.select(AuditLogEntry).where(AuditLogEntry.action == "registration.checked_in")
    ).all()
    assert len(entries) == 1


def test_desk_page_code_search_button_and_count(client, desk):
    _event, organiser, _headers, people = desk
    login(client, organiser)
    page = client.get("/manage/events/jobday/checkin")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<span class="count-in">0</span> / <span class="count-expected">2</span>' in html
    assert 'for="code"' in html and 'for="q"' in html
    assert "<script>" not in html and "style=" not in html

    # Typed/scanned code.
    resp = client.post("/manage/events/jobday/checkin", data={"code": people["amal"].checkin_code})
    assert resp.status_code == 303
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Checked in:" in html and "Amal Haddad" in html
    assert "Wheelchair user" in html  # the desk sees access needs at arrival
    assert '<span class="count-in">1</span>' in html
    # Same code again: said clearly.
    resp = client.post("/manage/events/jobday/checkin", data={"code": people["amal"].checkin_code})
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Already checked in" in html
    # Unknown or unconfirmed codes: a message next to the field, nothing changes.
    resp = client.post("/manage/events/jobday/checkin", data={"code": "bogus"})
    assert resp.status_code == 404
    assert "No registration of this event has this code." in resp.get_data(as_text=True)
    resp = client.post("/manage/events/jobday/checkin", data={"code": people["wanda"].checkin_code})
    assert resp.status_code == 409
    assert "waitlist" in resp.get_data(as_text=True)
    resp = client.post("/manage/events/jobday/checkin", data={"code": ""})
    assert resp.status_code == 422

    # Search by name (accent-insensitive case of the typed text is the database's).
    html = client.get("/manage/events/jobday/checkin?q=zo").get_data(as_text=True)
    assert "Zoë Lefèvre" in html and "Amal Haddad" not in html
    resp = client.post(f"/manage/events/jobday/checkin/{people['zoe'].id}", data={"q": "zo"})
    assert resp.status_code == 303
    assert client.get("/manage/events/jobday/checkin/stats.json").get_json() == {
        "checked_in": 2,
        "confirmed_in_person": 2,
        "checked_in_online": 0,
    }
    # The online attendee does not count towards the in-person figure.
    html = client.get("/manage/events/jobday/checkin?q=iom").get_data(as_text=True)
    assert "Amal Haddad" in html and "Undo check-in of Amal Haddad" in html
    resp = client.post(f"/manage/events/jobday/checkin/{people['amal'].id}/undo", data={"q": "iom"})
    assert resp.status_code == 303
    assert client.get("/manage/events/jobday/checkin/stats.json").get_json()["checked_in"] == 1
    # Search wildcards are literal.
    assert (
        "Amal"
        not in client.get("/manage/events/jobday/checkin?q=%25")
        .get_data(as_text=True)
        .split("Find by name")[1]
    )


def test_desk_in_a_real_browser_with_csrf(page, live_server, desk):
    """An organiser types a code in the real page (CSRF on) and sees the result and the count."""
    _event, organiser, _headers, people = desk
    page.goto("/login")
    page.fill("input[name=email]", organiser.email)
    page.fill("input[name=password]", "correct horse battery")
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.goto("/manage/events/jobday/checkin")
    page.fill("input[name=code]", people["amal"].checkin_code)
    page.keyboard.press("Enter")
    page.wait_for_url("**/checkin?last=*")
    assert "Amal Haddad" in page.locator(".checkin-result").inner_text()
    assert page.locator(".count-in").inner_text() == "1"
    page.fill("input[name=q]", "Zoë")
    page.locator("form[role=search] button").click()
    page.get_by_role("button", name="Check in Zoë Lefèvre").click()
    page.wait_for_url("**/checkin?last=*")
    assert page.locator(".count-in").inner_text() == "2"

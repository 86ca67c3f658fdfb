"""An online attendee registers in a real browser (CSRF on): in-person-only workshops are closed
to them, the hybrid one is open, and their own agenda and calendar follow."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.factories import make_event, make_room, make_session
from wid_events.enums import RegistrationStatus, SessionAttendance, SessionType
from wid_events.extensions import db
from wid_events.registration.models import Registration, RegistrationSession

pytestmark = pytest.mark.browser


def test_online_attendee_path(page, app):
    event = make_event(livestream_url="https://stream.example.org/live")
    start = dt.datetime.combine(event.start_date, dt.time(14, 0))
    room = make_room(event, "Workshop room A", capacity=30)
    make_session(
        event,
        "Sustainable Finance",
        type=SessionType.WORKSHOP,
        start=start,
        room=room,
        requires_signup=True,
        capacity=20,
    )
    make_session(
        event,
        "Integration online",
        type=SessionType.WORKSHOP,
        start=start,
        requires_signup=True,
        capacity=20,
        attendance=SessionAttendance.HYBRID,
    )
    make_session(event, "Opening keynote", type=SessionType.KEYNOTE)

    page.goto(f"/events/{event.slug}/register")
    expect(page.get_by_text("In person only: not open to online attendees.")).to_be_visible()
    page.get_by_label("Name").fill("Олена Коваленко")
    page.get_by_label("Email").fill("olena@example.org")
    page.get_by_role("radio", name="In person").check()
    page.get_by_label("Sustainable Finance").check()
    # Switching to online closes the in-person-only workshop (and unticks it).
    page.get_by_role("radio", name="Online").check()
    expect(page.get_by_label("Sustainable Finance")).to_be_disabled()
    expect(page.get_by_label("Sustainable Finance")).not_to_be_checked()
    page.get_by_label("Integration online").check()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/registrations/*")
    expect(page.get_by_text("Confirmed: you have a place.")).to_be_visible()
    expect(page.get_by_text("place confirmed")).to_be_visible()
    # On their own page, the in-person-only workshop stays closed to them.
    expect(page.locator("input[name=sessions]").first).to_be_disabled()

    # Their agenda: stars without an account or a script.
    page.get_by_role("link", name="My agenda: star the sessions you want to follow").click()
    page.get_by_role("button", name="Star: add to my agenda (Sustainable Finance)").click()
    expect(page.get_by_role("button", name="Starred: remove the star (Sustainable Finance)")).to_be_visible()

    db.session.remove()
    reg = db.session.scalar(sa.select(Registration))
    assert reg.status == RegistrationStatus.CONFIRMED and reg.attendance.value == "online"
    held = db.session.scalars(
        sa.select(RegistrationSession).where(RegistrationSession.registration_id == reg.id)
    ).all()
    assert [c.session.title for c in held] == ["Integration online"]

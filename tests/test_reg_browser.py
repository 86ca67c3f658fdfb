"""A person registers in a real browser (CSRF on), picks a workshop and cancels."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import make_event, make_session
from wid_events.enums import RegistrationStatus, SessionType
from wid_events.extensions import db
from wid_events.registration.models import Registration

pytestmark = pytest.mark.browser


def test_register_pick_workshop_and_cancel_in_browser(page, app):
    event = make_event(capacity_in_person=10)
    start = dt.datetime.combine(event.start_date, dt.time(14, 0))
    make_session(
        event, "Digital skills", type=SessionType.WORKSHOP, start=start, requires_signup=True, capacity=3
    )
    make_session(
        event, "Coding basics", type=SessionType.WORKSHOP, start=start, requires_signup=True, capacity=3
    )
    page.goto(f"/events/{event.slug}/register")
    page.get_by_label("Name").fill("Nour El Amrani")
    page.get_by_label("Email").fill("nour@example.org")
    page.get_by_label("In person").check()
    # Within one time slot the script keeps at most one workshop ticked.
    page.get_by_label("Digital skills").check()
    page.get_by_label("Coding basics").check()
    assert not page.get_by_label("Digital skills").is_checked()
    # The honeypot is not reachable for people.
    assert page.locator("#website").get_attribute("tabindex") == "-1"
    page.get_by_role("button", name="Register").click()
    # Missing consent: the error shows next to the field and the form keeps what was typed.
    assert page.locator("#consent-error").is_visible()
    assert page.get_by_label("Name").input_value() == "Nour El Amrani"
    assert page.get_by_label("Coding basics").is_checked()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/registrations/*")
    assert page.get_by_text("Confirmed: you have a place.").is_visible()
    assert page.get_by_text("place confirmed").is_visible()
    page.get_by_role("link", name="Cancel your registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    assert page.get_by_text("Cancelled.", exact=True).is_visible()
    assert page.get_by_role("status").get_by_text("Your registration is cancelled").is_visible()
    db.session.remove()
    reg = db.session.scalar(sa.select(Registration))
    assert reg.status == RegistrationStatus.CANCELLED

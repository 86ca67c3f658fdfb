"""The agenda grid in a real browser (Chromium, production CSP, CSRF on): an organiser drags a
workshop to another room and time, then moves one by keyboard only; axe finds nothing serious."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, make_organiser, make_registration_with_token, make_room, make_session
from tests.test_a11y_axe import BLOCKING, axe_violations, report
from wid_events.agenda.models import Session
from wid_events.enums import SessionType
from wid_events.extensions import db


def log_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your events")).to_be_visible()


def fresh(session_id: int) -> Session:
    db.session.rollback()  # end the read transaction: the live server committed in another one
    return db.session.get(Session, session_id)


def published_event_with_workshops():
    from tests.factories import make_event

    event = make_event(published=True)
    hall, room_b = make_room(event, "Main hall", 120), make_room(event, "Room B", 30)
    nine = dt.datetime.combine(event.start_date, dt.time(9, 0))
    make_session(event, "Opening keynote", type=SessionType.KEYNOTE, start=nine, room=hall)
    workshop = make_session(
        event, "Data skills workshop", type=SessionType.WORKSHOP, start=nine, room=hall, requires_signup=True
    )
    _reg, token = make_registration_with_token(event, sessions=[workshop])
    return event, hall, room_b, workshop, token


def ics_of(client, token: str) -> str:
    db.session.rollback()
    return client.get(f"/registrations/{token}/calendar.ics").get_data(as_text=True)


def test_drag_a_workshop_to_another_room_and_time(app, page, client):
    event, _hall, _room_b, workshop, token = published_event_with_workshops()
    assert "SEQUENCE:0" in ics_of(client, token)
    log_in(page, make_organiser(event))
    page.goto(f"/manage/events/{event.slug}/agenda")
    conflicts = page.locator("#conflicts-h")
    expect(conflicts).to_have_text("1 conflict")  # both in the hall at 09:00

    card = page.locator(f"#grid-session-{workshop.id}")
    grip = card.locator(".meta").bounding_box()
    hour = page.locator(".grid-hour").first.bounding_box()
    column = page.locator(".grid-head", has_text="Room B").bounding_box()
    x0, y0 = grip["x"] + 5, grip["y"] + grip["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    x1, y1 = column["x"] + column["width"] / 2, y0 + 2 * hour["height"]  # two hours later
    page.mouse.move(x1, y1, steps=12)
    page.mouse.up()

    expect(page.locator("#move-status")).to_have_text(re.compile("Saved"))
    expect(page.locator("#conflicts-h")).to_have_text("No conflicts")
    s = fresh(workshop.id)
    assert s.room.name == "Room B"
    assert s.start.time() == dt.time(11, 0) and s.end.time() == dt.time(12, 0)
    assert s.sequence == 1 and s.version == 2
    ics = ics_of(client, token)
    assert "SEQUENCE:1" in ics
    assert re.search(r"DTSTART;TZID=Europe/Brussels:\d{8}T110000", ics)


def test_the_same_move_by_keyboard_only_passes_axe(app, page, client):
    event, _hall, _room_b, workshop, token = published_event_with_workshops()
    log_in(page, make_organiser(event))
    page.goto(f"/manage/events/{event.slug}/agenda")
    button = page.locator(f"#grid-session-{workshop.id} .move-handle")
    expect(page.locator("#move-help")).to_be_visible()
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#move-status")).to_have_text(re.compile("Picked up"))
    found = {}
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    if blocking:
        found["picked up"] = blocking
    page.keyboard.press("ArrowRight")
    for _ in range(8):  # 8 × 15 minutes
        page.keyboard.press("ArrowDown")
    expect(page.locator("#move-status")).to_have_text(re.compile(r"11:00–12:00, Room B"))
    page.keyboard.press("Enter")
    expect(page.locator("#move-status")).to_have_text(re.compile("Saved"))
    expect(page.locator("#conflicts-h")).to_have_text("No conflicts")
    # Focus stays on the moved session's button, in the re-rendered grid.
    expect(page.locator(f"#grid-session-{workshop.id} .move-handle")).to_be_focused()
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    if blocking:
        found["after the move"] = blocking
    assert not found, report(found)
    s = fresh(workshop.id)
    assert (s.room.name, s.start.time(), s.sequence) == ("Room B", dt.time(11, 0), 1)
    assert "SEQUENCE:1" in ics_of(client, token)
    # Escape puts a picked-up session back; nothing is saved.
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(page.locator("#move-status")).to_have_text(re.compile("Move cancelled"))
    assert fresh(workshop.id).version == 2

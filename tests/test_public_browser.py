"""In a real browser: parallel sessions render side by side, and the filter form works (no JS needed)."""

from __future__ import annotations

import datetime as dt

from tests.factories import make_event, make_room, make_session
from wid_events.enums import SessionType


def test_agenda_parallel_sessions_side_by_side_and_filter_form(page):
    event = make_event("browser-ev", start_date=dt.date(2024, 9, 11), end_date=dt.date(2024, 9, 12))
    plenary = make_room(event, "Plenary", key="plenary")
    side = make_room(event, "Side room", key="side")
    make_session(
        event, "Opening panel", type=SessionType.PANEL, start=dt.datetime(2024, 9, 11, 9), room=plenary
    )
    for title, room in (
        ("Sustainable Finance", plenary),
        ("Bridging the Gap between Talent and Employment", side),
    ):
        make_session(
            event, title, type=SessionType.WORKSHOP, start=dt.datetime(2024, 9, 12, 11), minutes=75, room=room
        )

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/events/{event.slug}/agenda")
    a = page.get_by_role("link", name="Sustainable Finance").bounding_box()
    b = page.get_by_role("link", name="Bridging the Gap between Talent and Employment").bounding_box()
    assert abs(a["y"] - b["y"]) < 2, "parallel sessions start on the same line"
    assert b["x"] > a["x"] + a["width"], "and sit next to each other"

    # On a phone they stack (still one slot, readable without horizontal scrolling).
    page.set_viewport_size({"width": 375, "height": 800})
    a = page.get_by_role("link", name="Sustainable Finance").bounding_box()
    b = page.get_by_role("link", name="Bridging the Gap between Talent and Employment").bounding_box()
    assert b["y"] > a["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # The GET filter form, by label, as a visitor would use it.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Day", exact=True).select_option("2024-09-11")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/agenda?day=2024-09-11*")
    assert page.get_by_role("link", name="Opening panel").is_visible()
    assert page.get_by_role("link", name="Sustainable Finance").count() == 0
    assert page.get_by_label("Day", exact=True).input_value() == "2024-09-11"

    # Keyboard users see where the focus is.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

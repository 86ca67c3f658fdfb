"""Browser test (issue 14): the publish page shows every blocker before anyone clicks."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import PASSWORD, make_event, make_organiser, make_person, make_room, make_session
from wid_events.enums import Gender, SessionType, SpeakerRole

pytestmark = pytest.mark.browser


def test_publish_page_shows_the_failing_panel_its_reason_and_suggestions_before_submitting(app, page):
    from playwright.sync_api import expect

    event = make_event("gate-upfront", published=False)
    room = make_room(event, "Main hall", capacity=150)
    men = [make_person(event, name, Gender.MAN) for name in ("João Gonçalves", "Piet Peeters", "Omar Haddad")]
    make_person(event, "Олена Коваленко", Gender.WOMAN, topics="skills")
    panel = make_session(
        event,
        "No Women No Panel",
        type=SessionType.PANEL,
        start=dt.datetime(2030, 9, 11, 10, 0),
        room=room,
        speakers=[(m, SpeakerRole.PANELIST) for m in men],
    )
    organiser = make_organiser(event, "organiser@example.org")

    page.goto("/login")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/manage/events/gate-upfront/publish")  # a GET: nothing submitted yet
    failing = page.locator("#failing-panels")
    expect(failing.get_by_role("heading")).to_have_text("1 failing panel")
    item = failing.locator(f"#failing-{panel.id}")
    expect(item).to_contain_text("No Women No Panel")
    expect(item).to_contain_text("1 woman needed; 3 men panelists")
    link = item.get_by_role("link", name="Suggestions and exemption for “No Women No Panel”")
    expect(link).to_be_visible()
    expect(page.locator("#blocker-summary")).to_contain_text("1 panel fails No Women No Panel")

    link.click()
    expect(page).to_have_url(re.compile(rf"/manage/events/gate-upfront/balance#panel-{panel.id}$"))
    expect(page.locator(f"#panel-{panel.id} .balance-suggestions")).to_contain_text("Олена Коваленко")

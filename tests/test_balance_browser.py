"""Browser test: the publishing gate, as an organiser meets it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import PASSWORD, make_event, make_organiser, make_person, make_room, make_session
from wid_events.enums import Gender, SessionType, SpeakerRole
from wid_events.events.models import Event
from wid_events.extensions import db

pytestmark = pytest.mark.browser


def test_blocked_publish_then_add_suggested_woman_then_publish(app, page):
    from playwright.sync_api import expect

    event = make_event("gate-demo", published=False)
    room = make_room(event, "Main hall", capacity=150)
    men = [make_person(event, name, Gender.MAN) for name in ("João Gonçalves", "Piet Peeters", "Omar Haddad")]
    moderator = make_person(event, "Marie Dubois", Gender.WOMAN)
    make_person(event, "Олена Коваленко", Gender.WOMAN, organisation="KU Leuven", topics="skills")
    make_session(
        event,
        "Panel 1: Skills and recognition",
        type=SessionType.PANEL,
        start=dt.datetime(2030, 9, 11, 10, 0),
        room=room,
        speakers=[*((m, SpeakerRole.PANELIST) for m in men), (moderator, SpeakerRole.MODERATOR)],
    )
    organiser = make_organiser(event, "organiser@example.org")

    page.goto("/login")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # 1. try to publish: blocked, with the reason
    page.goto("/manage/events/gate-demo/publish")
    page.get_by_role("button", name="Publish now").click()
    gate = page.locator("#balance-gate")
    expect(gate).to_contain_text("No Women No Panel")
    expect(gate).to_contain_text("1 woman needed; 3 men panelists; the only woman is the moderator")
    db.session.rollback()  # end the read snapshot; the live server committed
    assert db.session.get(Event, event.id).published is False

    # 2. the report explains and suggests
    gate.get_by_role("link", name=re.compile("balance report")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("No Women No Panel")
    panel = page.locator("article.balance-panel-fail")
    expect(panel).to_contain_text("the only woman is the moderator, and moderators are not counted")
    suggestions = panel.locator(".balance-suggestions")
    expect(suggestions).to_contain_text("Олена Коваленко")
    expect(suggestions).to_contain_text("topics: skills")
    expect(suggestions).not_to_contain_text("Marie Dubois")  # already on the panel
    expect(page.locator("svg[role=img]").first).to_be_visible()

    # 3. add the suggested woman
    page.screenshot(path="/tmp/balance_report.png", full_page=True)
    suggestions.get_by_role("button", name=re.compile("Add as panelist.*Олена Коваленко")).click()
    expect(page.locator(".flash-success")).to_contain_text("The panel now passes")
    expect(page.locator("article.balance-panel-pass")).to_contain_text("Panel 1: Skills and recognition")

    # 4. publish
    page.get_by_role("link", name="Go to publishing").click()
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".flash-success")).to_contain_text("The agenda is published.")
    db.session.rollback()  # end the read snapshot; the live server committed
    assert db.session.get(Event, event.id).published is True

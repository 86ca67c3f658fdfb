"""An organiser builds and publishes an agenda in a real browser (Chromium, CSRF on, no JS needed)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_person, make_user
from wid_events.enums import Gender
from wid_events.events.models import Event
from wid_events.extensions import db


def add_session(page, slug, title, type_, start, end, room, *, signup_capacity=None):
    page.goto(f"/manage/events/{slug}/sessions/new")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Type", exact=True).select_option(type_)
    page.get_by_label("Day", exact=True).select_option("2030-09-11")
    page.get_by_label("Starts at").fill(start)
    page.get_by_label("Ends at").fill(end)
    page.get_by_label("Room", exact=True).select_option(label=room)
    if signup_capacity is not None:
        page.get_by_label("Attendees sign up for this session").check()
        page.get_by_label("Sign-up capacity").fill(str(signup_capacity))
    page.get_by_role("button", name="Create session").click()
    expect(page.get_by_text("Session created")).to_be_visible()


def add_existing_speaker(page, name, role=None):
    page.get_by_label("Search people by name or organisation").fill(name.split()[0])
    page.get_by_role("button", name="Search", exact=True).click()
    if role:
        page.get_by_label(f"Role of {name}").last.select_option(role)
    page.get_by_role("button", name=f"Add {name}").click()
    expect(page.get_by_text(f"{name} added.")).to_be_visible()


def test_organiser_builds_fixes_and_publishes_agenda(app, page):
    admin = make_user("admin@example.org", admin=True)
    page.goto("/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your events")).to_be_visible()

    page.get_by_role("link", name="Create an event").click()
    page.get_by_label("Title", exact=True).fill("DT4E browser test")
    page.get_by_label("Web address (slug)").fill("dt4e-browser")
    page.get_by_label("First day").fill("2030-09-11")
    page.get_by_label("Last day").fill("2030-09-12")
    page.get_by_label("Time zone").select_option("Europe/Brussels")  # a select of IANA zones
    page.get_by_label("Format").select_option("hybrid")
    page.get_by_role("button", name="Create draft event").click()
    expect(page.get_by_role("heading", name="DT4E browser test")).to_be_visible()
    slug = "dt4e-browser"

    for name, seats in (("Main hall", "120"), ("Room B", "30")):
        page.goto(f"/manage/events/{slug}/rooms")
        page.get_by_label("Room name").fill(name)
        page.get_by_label("Seats").fill(seats)
        page.get_by_role("button", name="Add room").click()
        expect(page.get_by_text(f"Room “{name}” added.")).to_be_visible()

    # Two speakers already known, with the gender they told the organisers (private).
    db.session.rollback()  # end the test's read snapshot (SQLite WAL) to see the browser's writes
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    make_person(event, "Sofie Peeters", gender=Gender.WOMAN, organisation="Agoria")
    make_person(event, "Jan Janssens", gender=Gender.MAN, organisation="BeCode")

    add_session(page, slug, "Opening panel", "panel", "09:30", "10:30", "Main hall (120)")
    add_existing_speaker(page, "Sofie Peeters")
    add_existing_speaker(page, "Jan Janssens")
    page.get_by_label("Name", exact=True).fill("Nadia Ben")
    page.get_by_label("Organisation", exact=True).fill("IOM")
    page.get_by_label("Role", exact=True).select_option("moderator")
    page.get_by_role("button", name="Create and add").click()
    expect(page.get_by_text("Nadia Ben created and added")).to_be_visible()
    speakers = page.locator("#speakers .speaker-name")
    expect(speakers).to_have_count(3)
    # Reorder: the moderator first.
    page.get_by_role("button", name="Move up Nadia Ben").click()
    page.get_by_role("button", name="Move up Nadia Ben").click()
    expect(speakers.first).to_contain_text("Nadia Ben")

    add_session(
        page,
        slug,
        "Workshop: first steps in coding",
        "workshop",
        "11:00",
        "12:30",
        "Main hall (120)",
        signup_capacity=25,
    )
    add_existing_speaker(page, "Jan Janssens", role="facilitator")
    add_session(
        page,
        slug,
        "Workshop: LinkedIn for job seekers",
        "workshop",
        "11:00",
        "12:30",
        "Room B (30)",
        signup_capacity=20,
    )
    workshop_two_url = page.url
    add_existing_speaker(page, "Jan Janssens", role="facilitator")

    page.get_by_role("link", name="Agenda", exact=True).click()
    conflicts = page.locator("#conflicts")
    expect(conflicts).to_contain_text("Jan Janssens speaks in two overlapping sessions")
    expect(page.locator(".grid-session.has-conflict")).to_have_count(2)

    # Fix it: another facilitator for the second workshop.
    page.goto(workshop_two_url)
    page.get_by_role("button", name="Remove Jan Janssens").click()
    expect(page.get_by_text("Jan Janssens removed from this session.")).to_be_visible()
    add_existing_speaker(page, "Sofie Peeters", role="facilitator")
    page.get_by_role("link", name="Agenda", exact=True).click()
    expect(page.get_by_role("heading", name="No conflicts")).to_be_visible()
    expect(page.locator(".grid-session")).to_have_count(3)

    page.get_by_role("link", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_text("The agenda is published.")).to_be_visible()

    page.goto(f"/events/{slug}/agenda")
    body = page.locator("main")
    expect(body).to_contain_text("Opening panel")
    expect(body).to_contain_text("Workshop: first steps in coding")
    expect(body).to_contain_text("Workshop: LinkedIn for job seekers")
    expect(body).to_contain_text("Nadia Ben")
    assert not re.search(r"\bwoman\b|\bman\b", page.content().lower().replace("woman in", ""))

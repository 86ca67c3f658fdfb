"""Browser: an attendee filters the jobs, books an interview, and finds it on their
registration page and in their calendar feed (booth number in LOCATION)."""

from __future__ import annotations

import icalendar
import pytest
from playwright.sync_api import expect

from tests.factories import make_event, make_exhibitor, make_registration_with_token, make_slots
from tests.test_jobday_booking import at
from wid_events.extensions import db
from wid_events.jobday import services

pytestmark = pytest.mark.browser


def test_attendee_filters_jobs_books_interview_and_sees_it(app, page):
    event = make_event("browser-jobday", title="Girls & Women in Digital Job Day")
    bank = make_exhibitor(event, "Lumen Finance", booth="A12", sectors="Fintech")
    other = make_exhibitor(event, "Greenwatt Energy", booth="B3", sectors="Energy")
    services.create_offer(
        bank,
        {"title": "Data analyst", "contract": "permanent", "remote": "hybrid", "skills": "SQL, Python"},
        actor="test",
    )
    services.create_offer(
        other,
        {"title": "IoT developer", "contract": "permanent", "remote": "remote", "skills": "C"},
        actor="test",
    )
    db.session.commit()
    make_slots(bank, at(10), at(11), recruiters=1)
    _reg, token = make_registration_with_token(event, "Nadia Benali")

    # Filter the jobs: sector, then a word.
    page.goto(f"/events/{event.slug}/jobs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jobs")
    page.get_by_label("Sector").select_option("Fintech")
    page.get_by_label("Search").fill("analyst")
    page.get_by_role("button", name="Show jobs").click()
    expect(page.get_by_role("status")).to_have_text("1 job offer")
    expect(page.get_by_role("link", name="IoT developer")).to_have_count(0)
    page.get_by_role("link", name="Data analyst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data analyst")
    expect(page.get_by_text("Booth A12")).to_be_visible()

    # Book from the attendee's own page.
    page.goto(f"/registrations/{token}")
    page.get_by_role("link", name="Book or manage your interviews").click()
    page.get_by_role("link", name="Lumen Finance").click()
    page.get_by_label("About which offer? (optional)").select_option(label="Data analyst")
    page.get_by_label("10:20–10:40").check()
    page.get_by_role("button", name="Book this interview").click()
    expect(page.get_by_text("Your interview is booked.")).to_be_visible()
    expect(page.get_by_role("heading", name="10:20–10:40 · Lumen Finance")).to_be_visible()
    # The slot (one recruiter) is now full for everyone.
    expect(page.get_by_label("10:20–10:40")).to_be_disabled()

    # On the registration page…
    page.get_by_role("link", name="Back to your registration").click()
    section = page.get_by_role("region", name="Your interviews")
    expect(section).to_contain_text("Lumen Finance")
    expect(section).to_contain_text("Booth A12")
    expect(section).to_contain_text("Data analyst")

    # …and in the calendar feed.
    response = page.request.get(f"{page.base_url}/registrations/{token}/calendar.ics")
    assert response.ok
    cal = icalendar.Calendar.from_ical(response.body())
    interviews = [c for c in cal.walk("VEVENT") if "Lumen Finance" in str(c.get("summary"))]
    assert len(interviews) == 1
    assert "Booth A12" in str(interviews[0].get("location"))
    assert interviews[0].decoded("dtstart").strftime("%H:%M") == "10:20"

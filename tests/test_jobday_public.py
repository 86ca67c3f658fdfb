"""Public Job Day pages and API: job filters and search, offer pages, privacy, the personal
calendar with interviews, the registration page, badges."""

from __future__ import annotations

import icalendar
import pytest

from tests.factories import make_event, make_exhibitor, make_registration_with_token, make_slots
from tests.test_jobday_booking import at
from tests.test_speaker_samples import isolated_client
from wid_events.enums import BadgeRole
from wid_events.exports.badges import collect_badges
from wid_events.extensions import db
from wid_events.jobday import services


@pytest.fixture
def client(app):
    return isolated_client(app)


@pytest.fixture
def fair(app):
    """A Job Day with three exhibitors and five offers."""
    event = make_event("fair-2030", title="Women in Digital Job Day")
    bank = make_exhibitor(
        event,
        "Banque Lumière",
        booth="A1",
        sectors="Finance, Fintech",
        contact_name="Sofie Claes",
        contact_email="sofie.private@example.org",
    )
    school = make_exhibitor(event, "CodeBridge Academy", booth="B2", kind="training", sectors="Education")
    agency = make_exhibitor(event, "Digital Public Services", booth="C3", sectors="Public sector")
    offers = {
        "analyst": services.create_offer(
            bank,
            {
                "title": "Data analyst",
                "contract": "permanent",
                "remote": "hybrid",
                "languages": "French, English",
                "skills": "SQL, Python",
                "description": "Analyse payment data for fraud detection.",
            },
            actor="test",
        ),
        "security": services.create_offer(
            bank,
            {
                "title": "Sécurité informatique (junior)",
                "contract": "fixed_term",
                "remote": "on_site",
                "languages": "French",
                "skills": "Networking",
            },
            actor="test",
        ),
        "bootcamp": services.create_offer(
            school,
            {
                "title": "Web development bootcamp",
                "contract": "training",
                "remote": "remote",
                "languages": "English",
                "skills": "JavaScript, HTML",
            },
            actor="test",
        ),
        "dev": services.create_offer(
            agency,
            {
                "title": "Python developer",
                "contract": "permanent",
                "remote": "remote",
                "languages": "Dutch, English",
                "skills": "Python, Django",
                "apply_url": "https://jobs.example.org/python",
            },
            actor="test",
        ),
        "draft": services.create_offer(
            agency, {"title": "Secret draft", "contract": "permanent", "published": False}, actor="test"
        ),
    }
    db.session.commit()
    return event, {"bank": bank, "school": school, "agency": agency}, offers


def titles(client, url) -> list[str]:
    data = client.get(url).get_json()
    return sorted(o["title"] for o in data)


def test_job_filters_and_search_in_the_api(client, fair):
    event, _ex, _offers = fair
    base = f"/api/v1/events/{event.slug}/jobs"
    assert titles(client, base) == [
        "Data analyst",
        "Python developer",
        "Sécurité informatique (junior)",
        "Web development bootcamp",
    ]  # never the draft
    assert titles(client, base + "?sector=fintech") == ["Data analyst", "Sécurité informatique (junior)"]
    assert titles(client, base + "?contract=permanent") == ["Data analyst", "Python developer"]
    assert titles(client, base + "?language=Dutch") == ["Python developer"]
    assert titles(client, base + "?remote=remote") == ["Python developer", "Web development bootcamp"]
    assert titles(client, base + "?skill=python") == ["Data analyst", "Python developer"]
    assert titles(client, base + "?skill=python&remote=hybrid") == ["Data analyst"]
    # Full-text: every word, accent- and case-insensitive, across title, description, skills, employer.
    assert titles(client, base + "?q=securite") == ["Sécurité informatique (junior)"]
    assert titles(client, base + "?q=fraud") == ["Data analyst"]
    assert titles(client, base + "?q=lumiere") == ["Data analyst", "Sécurité informatique (junior)"]
    assert titles(client, base + "?q=python+django") == ["Python developer"]
    assert titles(client, base + "?q=python+cobol") == []
    assert titles(client, base + "?contract=nonsense") == titles(client, base)


def test_jobs_page_filters_and_offer_page(client, fair):
    event, ex, offers = fair
    page = client.get(f"/events/{event.slug}/jobs?sector=Education").get_data(as_text=True)
    assert "Web development bootcamp" in page and "Data analyst" not in page
    assert "1 job offer" in page
    page = client.get(f"/events/{event.slug}/jobs?q=nothing-matches").get_data(as_text=True)
    assert "No job offer matches these filters." in page
    offer = client.get(f"/events/{event.slug}/jobs/{offers['analyst'].id}").get_data(as_text=True)
    assert f"/events/{event.slug}/exhibitors/{ex['bank'].id}" in offer
    assert "Booth A1" in offer
    assert "Meet us at the booth" in offer
    dev = client.get(f"/events/{event.slug}/jobs/{offers['dev'].id}").get_data(as_text=True)
    assert 'href="https://jobs.example.org/python"' in dev
    assert client.get(f"/events/{event.slug}/jobs/{offers['draft'].id}").status_code == 404
    assert client.get(f"/events/{event.slug}/jobs/999999").status_code == 404


def test_event_page_links_to_jobs_only_with_exhibitors(client, fair):
    event, _ex, _offers = fair
    assert f"/events/{event.slug}/jobs" in client.get(f"/events/{event.slug}/").get_data(as_text=True)
    plain = make_event("no-jobs")
    assert "/events/no-jobs/jobs" not in client.get("/events/no-jobs/").get_data(as_text=True)
    assert client.get(f"/api/v1/events/{plain.slug}/jobs").get_json() == []


def test_contact_details_are_never_public(client, fair):
    event, ex, _offers = fair
    urls = [
        f"/events/{event.slug}/exhibitors",
        f"/events/{event.slug}/exhibitors/{ex['bank'].id}",
        f"/events/{event.slug}/jobs",
        f"/events/{event.slug}/floor-plan",
        f"/api/v1/events/{event.slug}/exhibitors",
        f"/api/v1/events/{event.slug}/jobs",
    ]
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        assert "sofie.private@example.org" not in body, url
        assert "Sofie Claes" not in body, url
    data = client.get(f"/api/v1/events/{event.slug}/exhibitors").get_json()
    bank = next(e for e in data if e["name"] == "Banque Lumière")
    assert bank["booth"] == "A1" and bank["sectors"] == ["Finance", "Fintech"]
    assert set(bank) == {
        "id",
        "name",
        "kind",
        "description",
        "website",
        "booth",
        "sectors",
        "inclusive_statement",
        "commitments",
        "logo_url",
        "offers",
        "url",
    }


def test_drafts_are_not_public(client):
    event = make_event("draft-fair", published=False)
    make_exhibitor(event, "Hidden")
    for url in (
        f"/events/{event.slug}/jobs",
        f"/events/{event.slug}/exhibitors",
        f"/events/{event.slug}/floor-plan",
    ):
        assert client.get(url).status_code == 404


def test_interviews_in_registration_page_and_calendar(client, fair):
    event, ex, offers = fair
    slots = make_slots(ex["bank"], at(11), at(12))
    reg, token = make_registration_with_token(event, "Nadia Benali")
    # Booking through the attendee's own page.
    page = client.get(f"/registrations/{token}/interviews?offer={offers['analyst'].id}").get_data(
        as_text=True
    )
    assert "Interviews with Banque Lumière" in page
    resp = client.post(
        f"/registrations/{token}/interviews/book",
        data={"slot": slots[1].id, "offer": str(offers["analyst"].id), "exhibitor": ex["bank"].id},
    )
    assert resp.status_code == 303
    # Overlap with itself (same slot) is refused in the page with a message, not a 500.
    resp = client.post(f"/registrations/{token}/interviews/book", data={"slot": slots[1].id})
    assert resp.status_code == 409
    assert "already booked" in resp.get_data(as_text=True)
    resp = client.post(f"/registrations/{token}/interviews/book", data={"slot": "abc"})
    assert resp.status_code == 400

    own = client.get(f"/registrations/{token}").get_data(as_text=True)
    assert "Your interviews" in own and "Banque Lumière" in own and "Booth A1" in own

    cal = icalendar.Calendar.from_ical(client.get(f"/registrations/{token}/calendar.ics").data)
    interviews = [c for c in cal.walk("VEVENT") if "Banque Lumière" in str(c.get("summary"))]
    assert len(interviews) == 1
    iv = interviews[0]
    assert "Booth A1" in str(iv.get("location"))
    assert iv.decoded("dtstart").hour == 11 and iv.decoded("dtstart").minute == 20
    assert str(iv.decoded("dtstart").tzinfo) == "Europe/Brussels"
    assert "Data analyst" in str(iv.get("description"))

    # Cancelling removes it from the calendar.
    booking = services.bookings_of(reg)[0]
    assert client.post(f"/registrations/{token}/interviews/{booking.id}/cancel").status_code == 303
    cal = icalendar.Calendar.from_ical(client.get(f"/registrations/{token}/calendar.ics").data)
    assert not [c for c in cal.walk("VEVENT") if "Banque Lumière" in str(c.get("summary"))]


def test_unknown_registration_token_is_404(client, fair):
    assert client.get("/registrations/not-a-token/interviews").status_code == 404


def test_exhibitor_badges_print_the_company(app, fair):
    event, _ex, _offers = fair
    badges = [b for b in collect_badges(event) if b.role == BadgeRole.EXHIBITOR]
    assert [(b.full_name, b.organisation) for b in badges] == [("Sofie Claes", "Banque Lumière")]
    assert badges[0].code is None
    only = collect_badges(event, roles={"exhibitor"})
    assert [b.full_name for b in only] == ["Sofie Claes"]


def test_attendee_interview_page_is_private(client, fair):
    event, _ex, _offers = fair
    _reg, token = make_registration_with_token(event)
    resp = client.get(f"/registrations/{token}/interviews")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "private, no-store"
    assert resp.headers["Referrer-Policy"] == "no-referrer"

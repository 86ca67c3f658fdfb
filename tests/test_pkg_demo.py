"""`flask demo load`: the demo events from the seeds, loaded once."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from tests.conftest import count_rows
from tests.factories import login, make_user
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.audit.models import AuditLogEntry
from wid_events.demo import data
from wid_events.demo.services import load_demo
from wid_events.enums import Gender, SessionType, SpeakerRole
from wid_events.events.models import Event, Room, Series, Track
from wid_events.extensions import db
from wid_events.packages.package import validate_package
from wid_events.people.models import Person

#: A fixed "day demo load runs" (a Monday), so no date below depends on today.
TODAY = dt.date(2031, 3, 3)

MODELS = (Event, Series, Room, Track, Person, Session, SessionSpeaker, AuditLogEntry)


def counts() -> dict[str, int]:
    return {m.__name__: count_rows(m) for m in MODELS}


def by_slug(slug: str) -> Event:
    db.session.expire_all()
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def test_demo_packages_are_valid():
    for package in data.packages():
        assert validate_package(package) == [], package["event"]["slug"]


def test_demo_load_twice_changes_nothing(runner, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "dt4e-2024" in first.output
    after_first = counts()
    assert after_first["Event"] == 4 and after_first["Series"] == 2
    exports = {
        slug: runner.invoke(args=["events", "export", slug]).output
        for slug in ("dt4e-2024", data.DT4E_NEXT_SLUG, "women-in-digital-job-day", data.NEWCOMERS_SLUG)
    }
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert counts() == after_first
    for slug, text in exports.items():
        assert runner.invoke(args=["events", "export", slug]).output == text


def test_demo_load_leaves_an_edited_demo_event_alone(runner, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    event = by_slug("dt4e-2024")
    event.title = "Edited by an organiser"
    db.session.commit()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert by_slug("dt4e-2024").title == "Edited by an organiser"


def test_dt4e_matches_the_seed(runner, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    event = by_slug("dt4e-2024")
    assert event.title == "Displaced Talent for Europe (DT4E) conference"
    assert (event.start_date, event.end_date) == (dt.date(2024, 9, 11), dt.date(2024, 9, 12))
    assert event.timezone == "Europe/Brussels" and event.mode.value == "hybrid"
    assert event.venue_name == "The Faculty Brussels"
    assert event.venue_address == "Rue des Vétérinaires 47, 1070 Anderlecht, Belgium"
    assert "Charleroi airport" in event.travel_info
    assert (event.capacity_in_person, event.capacity_online) == (130, 160)
    assert event.published and event.registration_open

    panels = [s for s in event.sessions if s.type == SessionType.PANEL]
    day1 = [s.title for s in panels if s.start.date() == dt.date(2024, 9, 11)]
    day2 = [s.title for s in panels if s.start.date() == dt.date(2024, 9, 12)]
    assert day1 == [
        "Panel 1: Putting Complementary Labour Pathways to Europe into Practice",
        "Panel 2: Focus on the private sector",
        "Panel 3: View from the Source",
    ]
    assert day2 == [
        "Panel 1: The legal framework for Displaced Talent Mobility in Europe: Challenges and Perspectives"
    ]
    workshops = {s.title: s for s in event.sessions if s.type == SessionType.WORKSHOP}
    assert set(workshops) == {
        "Sustainable Finance",
        "Bridging the Gap between Talent and Employment",
        "Integration",
        "Healthcare Pathways",
    }
    for first, second in (
        ("Sustainable Finance", "Bridging the Gap between Talent and Employment"),
        ("Integration", "Healthcare Pathways"),
    ):
        a, b = workshops[first], workshops[second]
        assert (a.start, a.end) == (b.start, b.end)  # parallel
        assert a.room_id != b.room_id
    for s in workshops.values():
        assert s.requires_signup and s.capacity is not None
        assert s.capacity < s.room.capacity
    assert workshops["Integration"].start > workshops["Sustainable Finance"].end


def test_every_demo_panel_is_balanced(runner, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    panels = db.session.scalars(sa.select(Session).where(Session.type == SessionType.PANEL)).all()
    assert len(panels) >= 6
    for panel in panels:
        panelists = [link.person for link in panel.speakers if link.role == SpeakerRole.PANELIST]
        assert len(panelists) >= 3, panel.title
        assert any(p.gender == Gender.WOMAN for p in panelists), panel.title
        assert any(link.role == SpeakerRole.MODERATOR for link in panel.speakers), panel.title


def test_demo_speakers_have_non_latin_and_accented_names(runner, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    names = set(db.session.scalars(sa.select(Person.name)))
    assert {"مريم الحسن", "Олена Коваленко", "João Gonçalves"} <= names


def test_job_day_and_newcomers_workshop(app):
    load_demo(actor="test", today=TODAY)
    db.session.commit()
    job_day = by_slug("women-in-digital-job-day")
    assert job_day.start_date == dt.date(2031, 5, 1)  # a Thursday, eight weeks on
    assert job_day.registration_open
    types = {s.type for s in job_day.sessions}
    assert {SessionType.TALK, SessionType.PANEL, SessionType.WORKSHOP, SessionType.JOB_FAIR} <= types
    coaching = [s for s in job_day.sessions if s.requires_signup]
    assert any("CV coaching" in s.title for s in coaching)
    assert any("Interview coaching" in s.title for s in coaching)
    assert all(s.capacity for s in coaching)

    newcomers = by_slug(data.NEWCOMERS_SLUG)
    assert newcomers.title == "Bridging Gaps: Integration and Empowerment of Migrant Women"
    assert newcomers.timezone == "Europe/Berlin"
    assert newcomers.start_date == newcomers.end_date == dt.date(2031, 4, 1)  # a Tuesday, four weeks on
    assert newcomers.registration_open
    assert newcomers.series.title == "Newcomers in Germany and their Perspectives on the German Job Market"
    assert newcomers.edition == 7
    first = min(s.start for s in newcomers.sessions)
    last = max(s.end for s in newcomers.sessions)
    assert last - first == dt.timedelta(hours=4)


def test_demo_events_round_trip(runner, app, tmp_path):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    for slug in ("dt4e-2024", data.DT4E_NEXT_SLUG, "women-in-digital-job-day"):
        out = tmp_path / f"{slug}.json"
        assert runner.invoke(args=["events", "export", slug, "-o", str(out)]).exit_code == 0
        first = out.read_text(encoding="utf-8")
        assert runner.invoke(args=["events", "import", str(out)]).exit_code == 0
        assert runner.invoke(args=["events", "export", slug]).output == first
        assert json.loads(first)["event"]["slug"] == slug


def test_next_dt4e_edition_is_dated_after_the_load_day(app):
    load_demo(actor="test", today=TODAY)
    db.session.commit()
    past, following = by_slug("dt4e-2024"), by_slug(data.DT4E_NEXT_SLUG)
    assert (past.start_date, past.end_date) == (dt.date(2024, 9, 11), dt.date(2024, 9, 12))
    assert (following.start_date, following.end_date) == (dt.date(2031, 4, 16), dt.date(2031, 4, 17))
    assert following.mode.value == "hybrid" and following.registration_open and following.published
    assert following.series is past.series and past.series.title == data.DT4E_SERIES["title"]
    assert "16 and 17 April 2031" in following.description
    titles = lambda e: sorted((s.title, s.type, s.start.time(), s.requires_signup) for s in e.sessions)  # noqa: E731
    assert titles(following) == titles(past)  # the same panels and parallel workshops
    shift = following.start_date - past.start_date
    assert all(s.start.date() - shift in past.days for s in following.sessions)


def test_load_day_decides_the_relative_dates_only_on_the_first_load(app):
    load_demo(actor="test", today=TODAY)
    db.session.commit()
    assert load_demo(actor="test", today=TODAY + dt.timedelta(days=400)) == []
    assert by_slug(data.DT4E_NEXT_SLUG).start_date == dt.date(2031, 4, 16)


def test_cli_demo_has_an_open_upcoming_edition(runner, app, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    event = by_slug(data.DT4E_NEXT_SLUG)
    assert event.start_date > dt.date.today() + dt.timedelta(weeks=5)
    form = client.get(f"/events/{data.DT4E_NEXT_SLUG}/register")
    assert form.status_code == 200 and 'name="sessions"' in form.get_data(as_text=True)
    agenda = client.get(f"/events/{data.DT4E_NEXT_SLUG}/agenda").get_data(as_text=True)
    assert "choose it when you register" in agenda


def test_a_past_event_offers_no_places(runner, app, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    past = by_slug("dt4e-2024")
    agenda = client.get("/events/dt4e-2024/agenda").get_data(as_text=True)
    assert "Sign-up required" in agenda
    assert "places left" not in agenda and "choose it when you register" not in agenda
    workshop = next(s for s in past.sessions if s.requires_signup)
    page = client.get(f"/events/dt4e-2024/sessions/{workshop.id}").get_data(as_text=True)
    assert "places left" not in page and "choose it when you register" not in page


def test_organiser_dashboard_states_the_real_registration_state(runner, app, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    login(client, make_user(admin=True))
    page = client.get("/manage/").get_data(as_text=True)
    cards = {c.split("</a>")[0].rsplit(">", 1)[-1]: c for c in page.split('<li class="card">')[1:]}
    past = cards["Displaced Talent for Europe (DT4E) conference"]
    assert "Event over" in past and "Registration open" not in past
    following = next(
        c for t, c in cards.items() if t.startswith("Displaced Talent for Europe (DT4E) conference 2")
    )
    assert "Registration open" in following
    home = client.get("/manage/events/dt4e-2024/").get_data(as_text=True)
    assert "Event over" in home

"""The Job Day demo: exhibitors, offers and slots, loaded once."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import count_rows
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.jobday import services
from wid_events.jobday.models import Exhibitor, InterviewSlot, JobOffer


def test_demo_job_day_has_exhibitors_offers_and_slots(runner, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    event = db.session.scalar(sa.select(Event).where(Event.slug == "women-in-digital-job-day"))
    exhibitors = services.exhibitors(event)
    assert len(exhibitors) >= 8
    kinds = {e.kind for e in exhibitors}
    assert kinds == {"employer", "training", "support"}
    assert len(services.search_offers(event)) >= 20
    assert all(e.booth for e in exhibitors)
    assert len({e.booth for e in exhibitors}) == len(exhibitors)
    slots = db.session.scalars(
        sa.select(InterviewSlot).join(Exhibitor).where(Exhibitor.event_id == event.id)
    ).all()
    assert len(slots) > 50
    assert all(s.start.date() == event.start_date for s in slots)
    # Other demo events have none.
    dt4e = db.session.scalar(sa.select(Event).where(Event.slug == "dt4e-2024"))
    assert not services.has_exhibitors(dt4e)

    counts = (count_rows(Exhibitor), count_rows(JobOffer), count_rows(InterviewSlot))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert (count_rows(Exhibitor), count_rows(JobOffer), count_rows(InterviewSlot)) == counts


def test_demo_jobs_page_renders(runner, app, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    page = client.get("/events/women-in-digital-job-day/jobs?remote=remote")
    assert page.status_code == 200
    assert "Front-end developer (React)" in page.get_data(as_text=True)
    assert "Cloud engineer" not in page.get_data(as_text=True)
    assert "Jobs & employers" in client.get("/events/women-in-digital-job-day/").get_data(as_text=True)

"""Exports: calendars, badges, check-in lists and schedule files."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.exports import ics, pdf_pool


def _start_pdf_pool(_sender, **_kwargs) -> None:
    """A jobs worker is starting: start the badge pool's forkserver now (it imports WeasyPrint
    for about a second), so the first badge batch lays out at once."""
    pdf_pool.warm_up()


def init_app(app: Flask) -> None:
    """Connect the exports' receivers. Called once by ``create_app``; importing does nothing."""
    signals.calendar_for_registration.connect(ics.registration_calendar, weak=False)
    signals.jobs_worker_starting.connect(_start_pdf_pool, weak=False)

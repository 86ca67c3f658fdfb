"""Exports: calendars, badges, check-in lists and schedule files."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.exports import ics


def init_app(app: Flask) -> None:
    """Connect the exports' receivers. Called once by ``create_app``; importing does nothing."""
    signals.calendar_for_registration.connect(ics.registration_calendar, weak=False)

"""Job Day: exhibitors, job offers, interview slots and CVs."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.exports.ics import interview_vevent
from wid_events.jobday import services
from wid_events.jobday.services import cvs


def on_personal_calendar_collect(registration, **_kwargs) -> list:
    """Receiver of :data:`wid_events.signals.personal_calendar_collect`: booked interviews."""
    return [interview_vevent(booking) for booking in services.personal_interviews(registration)]


def init_app(app: Flask) -> None:
    """Connect Job Day's receivers. Called once by ``create_app``; importing does nothing."""
    signals.registration_released.connect(services.on_registration_released, weak=False)
    signals.badges_collect.connect(services.on_badges_collect, weak=False)
    signals.personal_calendar_collect.connect(on_personal_calendar_collect, weak=False)
    signals.housekeeping.connect(cvs.on_housekeeping, weak=False)

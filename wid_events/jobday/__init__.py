"""Job Day: exhibitors, job offers, interview slots and CVs."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.jobday import services


def init_app(app: Flask) -> None:
    """Connect Job Day's receivers. Called once by ``create_app``; importing does nothing."""
    signals.registration_released.connect(services.on_registration_released, weak=False)
    signals.badges_collect.connect(services.on_badges_collect, weak=False)

"""Registration: the public form, attendees' own pages, the organisers' list and the waitlists."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.registration import overview


def init_app(app: Flask) -> None:
    """Connect the registration area's receivers. Called once by ``create_app``."""
    signals.event_overview.connect(overview.overview_box, weak=False)

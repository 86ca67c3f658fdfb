"""The call for speakers and the organisation's speaker pool (issue 18)."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.pool import services, suggestions


def init_app(app: Flask) -> None:
    """Connect the pool's receivers. Called once by ``create_app``; importing does nothing."""
    signals.panel_suggestions.connect(suggestions.receive, weak=False)
    signals.housekeeping.connect(services.on_housekeeping, weak=False)

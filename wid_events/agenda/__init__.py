"""The agenda: sessions, their speakers, conflicts, publishing and change notices."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.agenda import duplicate


def init_app(app: Flask) -> None:
    """Connect the agenda's receivers. Called once by ``create_app``; importing does nothing."""
    signals.event_duplicated.connect(duplicate.on_event_duplicated, weak=False)

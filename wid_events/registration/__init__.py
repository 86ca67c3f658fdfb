"""Registration: attendees, sign-ups to sessions, waitlists and their emails."""

from __future__ import annotations

from flask import Flask

from wid_events import signals
from wid_events.registration import notices, sessions
from wid_events.registration.services import selfservice


def init_app(app: Flask) -> None:
    """Connect registration's receivers. Called once by ``create_app``; importing does nothing."""
    signals.change_notices_due.connect(notices.on_change_notices_due, weak=False)
    signals.seat_counts.connect(sessions.on_seat_counts, weak=False)
    signals.session_deleting.connect(sessions.on_session_deleting, weak=False)
    signals.session_attendance_changed.connect(selfservice.on_session_attendance_changed, weak=False)

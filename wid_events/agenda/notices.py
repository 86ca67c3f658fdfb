"""Pending change notices of published sessions (:class:`SessionChange`).

The notices themselves (the job and the mail to attendees) belong to registration:
:mod:`wid_events.registration.notices`, which receives ``signals.change_notices_due``.
"""

from __future__ import annotations

import sqlalchemy as sa

from wid_events import signals
from wid_events.agenda.models import SessionChange
from wid_events.events.models import Event
from wid_events.extensions import db


def pending_changes(event: Event) -> list[SessionChange]:
    return list(
        db.session.scalars(
            sa.select(SessionChange)
            .where(SessionChange.event_id == event.id, SessionChange.notified_at.is_(None))
            .order_by(SessionChange.id)
        )
    )


def queue_notifications(event: Event) -> bool:
    """Send the pending change notices (batched per attendee) once the current unit of work
    commits. Returns whether there was anything to send."""
    if not pending_changes(event):
        return False
    signals.change_notices_due.send(event)
    return True

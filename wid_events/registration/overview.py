"""The registrations box of the organiser's event overview (``site.manage_views.event_home``)."""

from __future__ import annotations

import sqlalchemy as sa

from wid_events.enums import Attendance, RegistrationStatus
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.registration.models import Registration
from wid_events.registration.services.capacity import counts


def _checked_in(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Registration.attendance, sa.func.count(Registration.id))
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.checked_in_at.is_not(None),
        )
        .group_by(Registration.attendance)
    ).all()
    found = {Attendance(mode).value: n for mode, n in rows}
    return {mode.value: found.get(mode.value, 0) for mode in Attendance}


def overview_box(event: Event) -> list[tuple[str, dict]]:
    """Registrations per mode, waitlists, check-ins and open seats per workshop."""
    seats = counts(event)
    workshops = [
        s | {"open": None if s["capacity"] is None else max(0, s["capacity"] - s["confirmed"])}
        for s in seats["sessions"]
    ]
    return [
        (
            "registration/_overview.html",
            {"modes": seats["attendance"], "checked_in": _checked_in(event), "workshops": workshops},
        )
    ]

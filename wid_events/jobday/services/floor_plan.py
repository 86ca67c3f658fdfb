"""The event's Job Day settings: the floor plan image and the per-attendee booking limit."""

from __future__ import annotations

from flask_babel import gettext as _

from wid_events.audit import services as audit
from wid_events.errors import DomainError
from wid_events.events.models import Event
from wid_events.jobday.services.common import Actor, settings_for
from wid_events.storage import delete_quietly
from wid_events.uploads import store_image

FLOOR_PLAN_MAX_BYTES = 15 * 1024 * 1024
FLOOR_PLAN_MAX_PX = 2400


def set_floor_plan(event: Event, file_storage, *, alt: str, actor: Actor) -> str:
    key = store_image(
        file_storage,
        prefix="floorplans",
        max_bytes=FLOOR_PLAN_MAX_BYTES,
        max_px=FLOOR_PLAN_MAX_PX,
        field="image",
    )
    settings = settings_for(event, create=True)
    old = settings.floor_plan_key
    settings.floor_plan_key = key
    settings.floor_plan_alt = (alt or "").strip()
    delete_quietly(old)
    audit.record(
        "floor_plan.upload",
        actor=actor,
        event_id=event.id,
        obj=event,
        changes={"floor_plan": [bool(old), True]},
    )
    return key


def update_settings(event: Event, *, max_bookings_value: int | None, alt: str | None, actor: Actor) -> dict:
    settings = settings_for(event, create=True)
    new = {"max_bookings": max_bookings_value}
    if alt is not None:
        new["floor_plan_alt"] = alt.strip()
    if max_bookings_value is not None and not (1 <= max_bookings_value <= 50):
        raise DomainError(_("Give a limit between 1 and 50."), field="max_bookings")
    changes = audit.diff(settings, new)
    for k, v in new.items():
        setattr(settings, k, v)
    if changes:
        audit.record("jobday.settings", actor=actor, event_id=event.id, obj=event, changes=changes)
    return changes


def remove_floor_plan(event: Event, *, actor: Actor) -> None:
    settings = settings_for(event)
    if settings is not None and settings.floor_plan_key:
        delete_quietly(settings.floor_plan_key)
        settings.floor_plan_key = None
        audit.record(
            "floor_plan.remove",
            actor=actor,
            event_id=event.id,
            obj=event,
            changes={"floor_plan": [True, False]},
        )

"""Badges for the exhibitors' contact people, added to the event's badge sheet through the
:data:`wid_events.signals.badges_collect` signal."""

from __future__ import annotations

from wid_events.enums import BadgeRole
from wid_events.events.models import Event
from wid_events.exports.badges import Badge, first_name_of
from wid_events.jobday.services.exhibitors import exhibitors


def exhibitor_badges(event: Event) -> list[Badge]:
    """Badges (role ``exhibitor``) for every exhibitor's contact person, printing the company."""
    badges = []
    for exhibitor in exhibitors(event):
        name = (exhibitor.contact_name or "").strip()
        if not name:
            continue
        badges.append(
            Badge(
                first_name=first_name_of(name),
                full_name=name,
                organisation=exhibitor.name,
                role=BadgeRole.EXHIBITOR,
            )
        )
    return badges


def on_badges_collect(event: Event, **_kwargs) -> list[Badge]:
    """Receiver of :data:`wid_events.signals.badges_collect`: the exhibitors' badges."""
    return exhibitor_badges(event)

"""Who may do what. Pure checks over models; no request state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from wid_events.accounts.models import EventOrganiser, User
from wid_events.errors import PermissionDenied
from wid_events.extensions import db

if TYPE_CHECKING:
    from wid_events.events.models import Event


def is_organiser(user: User | None, event: Event) -> bool:
    """Site admins organise every event; others only the events they were granted."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_admin:
        return True
    return (
        db.session.scalar(
            sa.select(EventOrganiser.id).where(
                EventOrganiser.user_id == user.id, EventOrganiser.event_id == event.id
            )
        )
        is not None
    )


def require_organiser(user: User | None, event: Event) -> None:
    if not is_organiser(user, event):
        raise PermissionDenied("You are not an organiser of this event.")


def require_admin(user: User | None) -> None:
    if user is None or not getattr(user, "is_admin", False):
        raise PermissionDenied("Only site administrators can do this.")

"""Organiser rights on an event: grant, revoke, and the events a user organises."""

from __future__ import annotations

import sqlalchemy as sa

from wid_events.accounts.models import EventOrganiser, User
from wid_events.accounts.services import get_or_create_user, user_by_email
from wid_events.audit import services as audit
from wid_events.errors import NotFound
from wid_events.events.models import Event
from wid_events.extensions import db


def grant_organiser(event: Event, email: str, *, actor: User | str | None) -> EventOrganiser:
    """Give the user with this email organiser rights on the event (creating the account)."""
    user = get_or_create_user(email)
    existing = db.session.scalar(
        sa.select(EventOrganiser).where(
            EventOrganiser.user_id == user.id, EventOrganiser.event_id == event.id
        )
    )
    if existing is not None:
        return existing
    role = EventOrganiser(
        user_id=user.id, event_id=event.id, granted_by_id=actor.id if isinstance(actor, User) else None
    )
    db.session.add(role)
    audit.record(
        "organiser.grant",
        actor=actor,
        event_id=event.id,
        object_type="user",
        object_id=user.id,
        object_label=user.email,
    )
    return role


def revoke_organiser(event: Event, email: str, *, actor: User | str | None) -> None:
    user = user_by_email(email)
    role = None
    if user is not None:
        role = db.session.scalar(
            sa.select(EventOrganiser).where(
                EventOrganiser.user_id == user.id, EventOrganiser.event_id == event.id
            )
        )
    if role is None:
        raise NotFound(f"{email} is not an organiser of this event.")
    db.session.delete(role)
    audit.record(
        "organiser.revoke",
        actor=actor,
        event_id=event.id,
        object_type="user",
        object_id=user.id,
        object_label=user.email,
    )


def organised_events(user: User) -> list[Event]:
    stmt = sa.select(Event).order_by(Event.start_date.desc())
    if not user.is_admin:
        stmt = stmt.join(EventOrganiser, EventOrganiser.event_id == Event.id).where(
            EventOrganiser.user_id == user.id
        )
    return list(db.session.scalars(stmt))

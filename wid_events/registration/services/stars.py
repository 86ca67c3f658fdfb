"""Stars (favourites): an attendee marks sessions for their personal agenda, through their
personal link, without an account. Organisers see how many stars each session has."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from wid_events.agenda.models import Session
from wid_events.errors import DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.registration.models import Registration, SessionStar
from wid_events.registration.services.waitlist import require_active


def _session_of(reg: Registration, session_id: int) -> Session:
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != reg.event_id or not reg.event.published:
        raise DomainError(_("This session is not on the event's agenda."), code="unknown_session")
    return session


def set_star(reg: Registration, session_id: int, starred: bool, *, actor=None) -> bool:
    """Star (or unstar) a session; doing it twice changes nothing. Returns the new state."""
    require_active(reg)
    session = _session_of(reg, session_id)
    existing = db.session.scalar(
        sa.select(SessionStar).where(
            SessionStar.registration_id == reg.id, SessionStar.session_id == session.id
        )
    )
    if starred and existing is None:
        db.session.add(SessionStar(registration_id=reg.id, session_id=session.id))
    elif not starred and existing is not None:
        db.session.delete(existing)
    db.session.flush()
    return starred


def starred_ids(reg: Registration) -> set[int]:
    return set(
        db.session.scalars(sa.select(SessionStar.session_id).where(SessionStar.registration_id == reg.id))
    )


def star_counts(event: Event) -> dict[int, int]:
    """Stars per session of the event (active registrations only), for choosing rooms."""
    rows = db.session.execute(
        sa.select(SessionStar.session_id, sa.func.count(SessionStar.id))
        .join(Registration, SessionStar.registration_id == Registration.id)
        .join(Session, SessionStar.session_id == Session.id)
        .where(Session.event_id == event.id, Registration.active_email.is_not(None))
        .group_by(SessionStar.session_id)
    )
    return {session_id: n for session_id, n in rows}

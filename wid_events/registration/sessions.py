"""What registration tells the agenda about its sessions: sign-up counts for the public
agenda, and refusing to delete a session attendees chose. Receivers of
:data:`wid_events.signals.seat_counts` and :data:`wid_events.signals.session_deleting`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import ngettext

from wid_events.enums import RegistrationStatus
from wid_events.errors import Conflict
from wid_events.extensions import db
from wid_events.registration.models import Registration, RegistrationSession

if TYPE_CHECKING:
    from wid_events.agenda.models import Session


def signup_counts(session_ids: list[int]) -> dict[int, int]:
    """Confirmed sign-ups per session, in one query (for "n places left")."""
    if not session_ids:
        return {}
    active = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)
    rows = db.session.execute(
        sa.select(RegistrationSession.session_id, sa.func.count(RegistrationSession.id))
        .join(Registration, Registration.id == RegistrationSession.registration_id)
        .where(
            RegistrationSession.session_id.in_(session_ids),
            RegistrationSession.status == RegistrationStatus.CONFIRMED,
            Registration.status.in_(active),
        )
        .group_by(RegistrationSession.session_id)
    )
    return {sid: n for sid, n in rows}


def on_seat_counts(_sender, *, session_ids: list[int], **_kwargs) -> dict[int, int]:
    """Receiver of :data:`wid_events.signals.seat_counts`."""
    return signup_counts(session_ids)


def on_session_deleting(session: Session, **_kwargs) -> None:
    """Receiver of :data:`wid_events.signals.session_deleting`: a session attendees chose is
    cancelled, never deleted."""
    taken = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RegistrationSession)
        .where(RegistrationSession.session_id == session.id)
    )
    if taken:
        raise Conflict(
            ngettext(
                "%(num)d registration chose “%(title)s”. Cancel the session instead of deleting it.",
                "%(num)d registrations chose “%(title)s”. Cancel the session instead of deleting it.",
                taken,
                title=session.title,
            )
        )

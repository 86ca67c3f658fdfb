"""Personal portal links: minting, revoking and resolving speaker tokens.

Only the SHA-256 of a token is stored. The raw token exists once, when it is minted: in the
invitation mail (built after the commit, see :mod:`wid_events.speakers.invitation_mail`) and in
the output of ``flask speakers invite``. Nothing here commits.

This module sits below :mod:`wid_events.speakers.services` (which re-exports its public names)
so that the invitation job can mint tokens without importing the services package.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from wid_events.accounts.models import User
from wid_events.audit import services as audit
from wid_events.core.urls import external_url
from wid_events.core.web import hash_token
from wid_events.errors import NotFound, PermissionDenied
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.people.models import Person
from wid_events.speakers.models import SpeakerToken

#: Who acts: an organiser (User), a label such as ``"cli"`` or ``"speaker:12"``, or None.
Actor = User | str | None


class LinkExpired(PermissionDenied):
    code = "link_expired"


class LinkRevoked(PermissionDenied):
    code = "link_revoked"


def speaker_actor(person: Person) -> str:
    """The audit label of a speaker acting through their portal."""
    return f"speaker:{person.id}"


def revoke_active_tokens(person: Person) -> int:
    """Revoke every active link of ``person`` (no audit entry). Returns how many there were."""
    now = utcnow()
    tokens = list(
        db.session.scalars(
            sa.select(SpeakerToken).where(
                SpeakerToken.person_id == person.id, SpeakerToken.revoked_at.is_(None)
            )
        )
    )
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


def issue_token(person: Person, *, actor: Actor) -> tuple[SpeakerToken, str]:
    """A new personal link for ``person``; earlier links stop working. Returns (row, token)."""
    revoke_active_tokens(person)
    now = utcnow()
    raw = secrets.token_urlsafe(32)  # 256 bits
    token = SpeakerToken(
        person_id=person.id,
        token_hash=hash_token(raw),
        created_at=now,
        expires_at=link_expiry(person.event, now),
        issued_by=audit.actor_label(actor),
    )
    db.session.add(token)
    return token, raw


#: A fresh link always works for at least this many days, even for an event that is over.
MIN_LINK_DAYS = 7


def link_expiry(event: Event, now: dt.datetime) -> dt.datetime:
    """Speaker links stay valid until the end of the event's last day (in its timezone) plus
    the event's ``speaker_link_days`` (default 30), and at least :data:`MIN_LINK_DAYS` from now."""
    days = event.speaker_link_days if event.speaker_link_days is not None else 30
    last = dt.datetime.combine(event.end_date + dt.timedelta(days=1), dt.time(0), tzinfo=event.tz)
    return max(last.astimezone(dt.UTC) + dt.timedelta(days=days), now + dt.timedelta(days=MIN_LINK_DAYS))


def stale_link_person(raw_token: str) -> Person | None:
    """The speaker of an expired or replaced link that may ask for a fresh one (it must have
    a stored email address); None for an unknown or still valid link."""
    token = _token_row(raw_token)
    if token is None or token.is_valid() or not token.person.email:
        return None
    return token.person


def portal_url(raw_token: str) -> str:
    """The absolute portal link (in a request, the CLI or a job)."""
    return external_url("speakers_portal.open_link", token=raw_token)


def _token_row(raw_token: str) -> SpeakerToken | None:
    return db.session.scalar(sa.select(SpeakerToken).where(SpeakerToken.token_hash == hash_token(raw_token)))


def open_link(raw_token: str) -> SpeakerToken:
    """The token row for a personal link, or NotFound / LinkExpired / LinkRevoked."""
    token = _token_row(raw_token)
    if token is None:
        raise NotFound(_("This link is not valid."), code="link_unknown")
    if token.revoked_at is not None:
        raise LinkRevoked(_("This link has been replaced or withdrawn."))
    if token.expires_at <= utcnow():
        raise LinkExpired(_("This link has expired."))
    token.last_used_at = utcnow()
    return token


def event_of_token(raw_token: str) -> Event | None:
    """The event a (possibly expired or revoked) link belongs to, for its error page."""
    token = _token_row(raw_token)
    return token.person.event if token is not None else None


def speaker_from_session(person_id: int | None, token_id: int | None) -> Person | None:
    """The signed-in speaker, if the link they used is still valid (revocation is immediate)."""
    if not person_id or not token_id:
        return None
    token = db.session.get(SpeakerToken, token_id)
    if token is None or token.person_id != person_id or not token.is_valid():
        return None
    return token.person


def link_status(person: Person) -> SpeakerToken | None:
    """The newest link of ``person`` (for the organiser's list), or None if never invited."""
    return db.session.scalar(
        sa.select(SpeakerToken)
        .where(SpeakerToken.person_id == person.id)
        .order_by(SpeakerToken.created_at.desc(), SpeakerToken.id.desc())
        .limit(1)
    )

"""Invitations: personal links mailed to speakers, revoking them, and the speakers' answers.

Plain functions over models with an explicit ``actor``; callers commit. Mail is queued with
:func:`~wid_events.core.uow.queue_mail` and built (with a freshly minted link) after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.audit import services as audit
from wid_events.core.uow import queue_mail
from wid_events.enums import InvitationStatus
from wid_events.errors import DomainError, NotFound, PermissionDenied
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.mail import Mail
from wid_events.models_base import utcnow
from wid_events.people.models import Person
from wid_events.speakers.invitation_mail import build_invitation, invitation_mail
from wid_events.speakers.tokens import (
    Actor,
    link_status,
    revoke_active_tokens,
    speaker_actor,
    stale_link_person,
)


def find_person_by_email(event: Event, email: str) -> Person:
    email = (email or "").strip().lower()
    person = db.session.scalar(
        sa.select(Person)
        .where(Person.event_id == event.id, sa.func.lower(Person.email) == email)
        .order_by(Person.id)
        .limit(1)
    )
    if person is None or not email:
        raise NotFound(_("No speaker of this event has the email address %(email)s.", email=email))
    return person


def _start_invitation(person: Person, *, actor: Actor, reminder: bool) -> None:
    """Check the address, revoke the earlier links at once and record who asked."""
    if not person.email:
        raise DomainError(
            _("%(name)s has no email address, so no link can be sent.", name=person.name), code="no_email"
        )
    revoked = revoke_active_tokens(person)
    audit.record(
        "speaker.reminder" if reminder else "speaker.invite",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"revoked": [None, revoked]},
    )


def _mail_locale() -> str:
    """The language the mail is written in: the current one (the person has no language of their own)."""
    return str(get_locale() or "en")


def invite(person: Person, *, actor: Actor, reminder_sessions: Sequence[Session] | None = None) -> None:
    """Email ``person`` a new personal portal link once the caller commits.

    Older links stop working with this transaction; the new link is minted when the mail is
    built (:func:`wid_events.speakers.invitation_mail.invitation_mail`). With
    ``reminder_sessions``, the email is the "please upload your slides" reminder.
    """
    _start_invitation(person, actor=actor, reminder=bool(reminder_sessions))
    session_ids = tuple(session.id for session in reminder_sessions or ())
    queue_mail(invitation_mail, person.id, audit.actor_label(actor), _mail_locale(), session_ids)


def invite_in_foreground(person: Person, *, actor: Actor) -> tuple[Mail, str]:
    """Like :func:`invite`, but mint the link now and return (mail, link) for the caller to
    send after its commit: ``flask speakers invite`` prints the link it mails."""
    _start_invitation(person, actor=actor, reminder=False)
    return build_invitation(person, issued_by=audit.actor_label(actor), locale=_mail_locale())


def invite_uninvited(event: Event, *, actor: Actor) -> tuple[list[Person], list[Person]]:
    """Invite every person of ``event`` on a session who was never sent a link.

    Returns (invited, skipped for lack of an email address).
    """
    invited, skipped = [], []
    for person in event.people:
        if not person.session_links or link_status(person) is not None:
            continue
        if not person.email:
            skipped.append(person)
            continue
        invite(person, actor=actor)
        invited.append(person)
    return invited, skipped


def revoke_links(person: Person, *, actor: Actor) -> int:
    """Revoke every active link of ``person``. Returns how many were active."""
    revoked = revoke_active_tokens(person)
    if revoked:
        audit.record(
            "speaker.revoke",
            actor=actor,
            event_id=person.event_id,
            obj=person,
            changes={"revoked": [None, revoked]},
        )
    return revoked


def answer_invitation(person: Person, session_id: int, accept: bool) -> SessionSpeaker:
    link = db.session.scalar(
        sa.select(SessionSpeaker).where(
            SessionSpeaker.session_id == session_id, SessionSpeaker.person_id == person.id
        )
    )
    if link is None:
        raise PermissionDenied(_("You are not a speaker of this session."))
    new = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    if link.invitation_status != new:
        audit.record(
            "speaker.answer",
            actor=speaker_actor(person),
            event_id=person.event_id,
            obj=link.session,
            changes={"invitation_status": [link.invitation_status.value, new.value]},
        )
        link.invitation_status = new
        link.answered_at = utcnow()
    return link


def own_sessions(person: Person) -> list[SessionSpeaker]:
    return sorted(person.session_links, key=lambda ss: (ss.session.start, ss.session.id))


def require_own_session(person: Person, session_id: int) -> Session:
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != person.event_id:
        raise NotFound(_("No such session."))
    if not any(link.person_id == person.id for link in session.speakers):
        raise PermissionDenied(_("You can only manage materials of your own sessions."))
    return session


def renew_link(raw_token: str) -> bool:
    """An expired (or replaced) link asks for a fresh one. It is mailed, after the commit, to
    the address the organisers stored for that speaker and nowhere else. Returns whether one
    was queued; callers must not reveal it (the page says the same either way)."""
    person = stale_link_person(raw_token)
    if person is None:
        return False
    invite(person, actor=f"speaker:{person.id} (expired link)")
    return True

"""Mail builders of the call for speakers, for :func:`wid_events.core.uow.queue_mail`.

They run in a job after the commit, take ids and a locale, and render the message then. The
personal link is minted here (its hash stored and committed first), so no token ever sits in
a job's arguments or in the database.
"""

from __future__ import annotations

import secrets

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from wid_events.agenda.models import Session
from wid_events.core.uow import unit_of_work
from wid_events.core.urls import external_url
from wid_events.core.web import hash_token
from wid_events.enums import PoolStatus
from wid_events.extensions import db
from wid_events.mail import Mail
from wid_events.people.models import Person
from wid_events.pool.models import PoolMember
from wid_events.speakers.tokens import issue_token, portal_url


def mint_link(member: PoolMember) -> str:
    """A new personal link for ``member``; the previous one stops working. Caller commits."""
    raw = secrets.token_urlsafe(32)  # 256 bits
    member.token_hash = hash_token(raw)
    return raw


def link_mail(member_id: int, locale: str) -> Mail | None:
    """The confirmation mail (unconfirmed entry) or the personal link again (confirmed one)."""
    member = db.session.get(PoolMember, member_id)
    if member is None:
        return None
    with unit_of_work():
        raw = mint_link(member)
    link = external_url("pool.entry", token=raw)
    template = "pool/email/confirm.txt" if member.status == PoolStatus.UNCONFIRMED else "pool/email/link.txt"
    with force_locale(locale):
        body = render_template(template, member=member, link=link)
        subject = (
            _("Please confirm your sign-up to our speaker pool")
            if member.status == PoolStatus.UNCONFIRMED
            else _("Your personal link to your speaker pool entry")
        )
    return Mail(to=member.email, subject=subject, body=body)


def decision_mail(member_id: int, locale: str) -> Mail | None:
    """Accepted into the pool, or declined with the organiser's message (with a fresh link)."""
    member = db.session.get(PoolMember, member_id)
    if member is None or member.status not in (PoolStatus.ACCEPTED, PoolStatus.DECLINED):
        return None
    with unit_of_work():
        raw = mint_link(member)
    link = external_url("pool.entry", token=raw)
    with force_locale(locale):
        body = render_template("pool/email/decision.txt", member=member, link=link)
        subject = (
            _("Welcome to our speaker pool")
            if member.status == PoolStatus.ACCEPTED
            else _("About your sign-up to our speaker pool")
        )
    return Mail(to=member.email, subject=subject, body=body)


def panel_invitation_mail(person_id: int, session_id: int, issued_by: str, locale: str) -> Mail | None:
    """The speaker-portal invitation to one panel, with its title and time (a new portal link)."""
    person = db.session.get(Person, person_id)
    session = db.session.get(Session, session_id)
    if person is None or session is None or not person.email or session.event_id != person.event_id:
        return None
    with unit_of_work():
        token, raw = issue_token(person, actor=issued_by)
    with force_locale(locale):
        body = render_template(
            "pool/email/panel_invitation.txt",
            person=person,
            event=session.event,
            session=session,
            link=portal_url(raw),
            expires_at=token.expires_at,
        )
        subject = _(
            "Invitation to speak: %(title)s (%(event)s)", title=session.title, event=session.event.title
        )
    return Mail(to=person.email, subject=subject, body=body)

"""Suggestions from the speaker pool for a failing or incomplete panel, and "Invite to this panel".

A pool member is suggested for a panel when they are accepted into the pool, count towards the
panel's minimum by their own answer in the pool, are available then (the event ticked, or a
period that holds the panel's day, or no limits given), speak the event's language, match the
panel's topics (its tags, or its title and description when it has no tags), and were not asked
for this event yet. Ranked by topic match, then by fewest invitations in the last year.

The balance report asks through :data:`wid_events.signals.panel_suggestions` (balance is a
lower package than the pool); :func:`receive` answers it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from wid_events.accounts.models import User
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.audit import services as audit
from wid_events.balance.services import is_free, policy_for
from wid_events.balance.services.gate import panel_of
from wid_events.core.search import search_key
from wid_events.core.uow import queue_mail
from wid_events.enums import EventMode, PoolStatus, SpeakerRole
from wid_events.errors import Conflict, NotFound
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.people.models import Person
from wid_events.pool import mails
from wid_events.pool.models import PoolInvitation, PoolMember
from wid_events.pool.topics import tag_matches, topic_label

#: Invitations within this many days count as "recent" for the ranking.
RECENT_DAYS = 365


@dataclass
class PoolSuggestion:
    member: PoolMember
    #: The member's topics that match the panel (labels, as shown).
    matched_topics: list[str]
    #: Invitations to any event in the last :data:`RECENT_DAYS` days.
    recent_invitations: int
    from_pool: bool = True


def event_language(event: Event) -> str:
    """The language the event is held in: its own setting where the event has one, else the
    site's default language."""
    return getattr(event, "default_language", None) or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def matched_topics(member: PoolMember, session: Session) -> list[str]:
    tags = session.tag_list
    if tags:
        found = [t for t in member.topics if any(tag_matches(t, tag) for tag in tags)]
    else:
        text = search_key(" ".join([session.title or "", session.description or ""]))
        found = [t for t in member.topics if search_key(topic_label(t)) in text]
    return [topic_label(t) for t in found]


def is_available(member: PoolMember, event: Event, day: dt.date) -> bool:
    """The event ticked, or ``day`` within the given period; no limits given means any date."""
    if event.id in (member.event_ids or []):
        return True
    start, end = member.available_from, member.available_until
    if start or end:
        return (start is None or start <= day) and (end is None or day <= end)
    return not member.event_ids


def _asked_for(event: Event) -> set[int]:
    return set(
        db.session.scalars(sa.select(PoolInvitation.member_id).where(PoolInvitation.event_id == event.id))
    )


def _recent_counts() -> dict[int, int]:
    since = utcnow() - dt.timedelta(days=RECENT_DAYS)
    rows = db.session.execute(
        sa.select(PoolInvitation.member_id, sa.func.count())
        .where(PoolInvitation.created_at >= since)
        .group_by(PoolInvitation.member_id)
    )
    return dict(rows.all())


def _eligible(
    member: PoolMember, event: Event, session: Session, *, asked: set[int], emails: set[str]
) -> bool:
    policy = policy_for(event)
    return (
        member.status == PoolStatus.ACCEPTED
        and policy.counts_towards_minimum(member.gender.value)
        and member.id not in asked
        and member.email not in emails
        and event_language(event) in (member.languages or [])
        and (event.mode != EventMode.ONLINE or member.online)
        and is_available(member, event, session.start.date())
    )


def pool_suggestions(event: Event, session: Session, *, limit: int = 8) -> list[PoolSuggestion]:
    """Pool members who could join ``session`` (see the module's rules), best first."""
    asked = _asked_for(event)
    emails = {(p.email or "").lower() for p in event.people if p.email}
    recent = _recent_counts()
    out = []
    for member in db.session.scalars(sa.select(PoolMember).where(PoolMember.status == PoolStatus.ACCEPTED)):
        if not _eligible(member, event, session, asked=asked, emails=emails):
            continue
        matched = matched_topics(member, session)
        if session.tag_list and not matched:
            continue
        out.append(PoolSuggestion(member, matched, recent.get(member.id, 0)))
    out.sort(
        key=lambda s: (-len(s.matched_topics), s.recent_invitations, search_key(s.member.name), s.member.id)
    )
    return out[:limit]


def receive(event: Event, *, session: Session, **_kwargs) -> list[PoolSuggestion]:
    """Receiver of :data:`wid_events.signals.panel_suggestions`."""
    return pool_suggestions(event, session)


def invite_to_panel(
    event: Event, session_id: int, member_id: int, *, actor: User | str | None, locale: str
) -> Person:
    """Put a pool member on a panel as an invited panelist and send the speaker-portal
    invitation with the panel's title and time (after the commit). Caller commits.

    The member becomes a speaker record of this event (name, organisation, bio, topics);
    their gender answer is NOT copied: it was given for the pool, and the event asks again.
    Checked again here, since anyone can post anything.
    """
    session = panel_of(event, session_id)
    member = db.session.get(PoolMember, member_id)
    if member is None or member.status != PoolStatus.ACCEPTED:
        raise NotFound(_("This person is not in the speaker pool (any more)."))
    emails = {(p.email or "").lower() for p in event.people if p.email}
    if not _eligible(member, event, session, asked=_asked_for(event), emails=emails):
        raise Conflict(
            _("%(name)s cannot be invited to this panel (already asked, or not available).", name=member.name)
        )
    person = Person(
        event=event,
        name=member.name,
        email=member.email,
        organisation=member.organisation,
        bio=member.bio,
        topics=", ".join(topic_label(t) for t in member.topics)[:500],
    )
    db.session.add(person)
    db.session.flush()
    if not is_free(person, session):  # pragma: no cover - a new record has no other session
        raise Conflict(_("%(name)s is busy at the time of this panel.", name=member.name))
    session.speakers.append(
        SessionSpeaker(
            person=person,
            role=SpeakerRole.PANELIST,
            position=max((s.position for s in session.speakers), default=-1) + 1,
        )
    )
    db.session.add(
        PoolInvitation(member_id=member.id, event_id=event.id, session_id=session.id, person_id=person.id)
    )
    db.session.flush()
    audit.record(
        "session.pool_invite",
        actor=actor,
        event_id=event.id,
        obj=session,
        changes={
            "speaker": [None, f"{person.name} ({SpeakerRole.PANELIST.value})"],
            "pool_member": [None, member.id],
        },
    )
    queue_mail(mails.panel_invitation_mail, person.id, session.id, audit.actor_label(actor), locale)
    return person

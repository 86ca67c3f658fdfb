"""Who could join a failing panel, and adding them to it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from wid_events.accounts.models import EventOrganiser, User
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.audit import services as audit
from wid_events.balance.services.gate import panel_of
from wid_events.balance.services.verdicts import gender_of, policy_for
from wid_events.enums import Gender, SpeakerRole
from wid_events.errors import Conflict, DomainError, NotFound
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.people.models import Person


@dataclass
class Suggestion:
    """Someone who would count towards the minimum and is free at the panel's time."""

    person: Person
    #: The person's topic tags found in the panel's title, description or track.
    matched_topics: list[str]
    #: Set for people of another event this organiser organises: they must be invited to this
    #: event first (their answer was given for that event only, so it is not copied).
    other_event: Event | None = None


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _topics(person: Person) -> list[str]:
    return [t.strip() for t in (person.topics or "").split(",") if t.strip()]


def _matched(person: Person, session: Session) -> list[str]:
    track = session.track.name if session.track else ""
    text = " ".join([session.title or "", session.description or "", track]).casefold()
    return [t for t in _topics(person) if t.casefold() in text]


def is_free(person: Person, session: Session) -> bool:
    """Not on another non-cancelled session at that time, and not marked unavailable."""
    for link in person.session_links:
        other = link.session
        if (
            other.id != session.id
            and not other.is_cancelled
            and _overlaps(other.start, other.end, session.start, session.end)
        ):
            return False
    return not any(_overlaps(u.start, u.end, session.start, session.end) for u in person.unavailability)


def suggestions(
    event: Event, session: Session, *, user: User | None = None, limit: int = 8
) -> list[Suggestion]:
    """Women (and non-binary people, when they count) who could join this panel.

    First people of this event who are free at the panel's time (topic matches first); then,
    when ``user`` is given, people of other events that user organises (site admins: all).
    """
    policy = policy_for(event)
    on_panel = {link.person_id for link in session.speakers}
    counting = [Gender.WOMAN] + ([Gender.NON_BINARY] if policy.count_non_binary else [])
    people = db.session.scalars(
        sa.select(Person)
        .where(Person.event_id == event.id, Person.gender.in_(counting), Person.id.not_in(on_panel or [0]))
        .options(
            selectinload(Person.session_links).selectinload(SessionSpeaker.session),
            selectinload(Person.unavailability),
        )
    )
    local = [Suggestion(p, _matched(p, session)) for p in people if is_free(p, session)]
    local.sort(key=lambda s: (-len(s.matched_topics), s.person.name.casefold()))
    out = local[:limit]
    if user is not None and len(out) < limit:
        out += _other_event_suggestions(event, session, user, counting, limit - len(out))
    return out


def _other_event_suggestions(
    event: Event, session: Session, user: User, counting: list[Gender], limit: int
) -> list[Suggestion]:
    if user.is_admin:
        event_ids = sa.select(Event.id).where(Event.id != event.id)
    else:
        event_ids = sa.select(EventOrganiser.event_id).where(
            EventOrganiser.user_id == user.id, EventOrganiser.event_id != event.id
        )
    known_names = {p.name.casefold() for p in event.people}
    known_emails = {p.email.casefold() for p in event.people if p.email}
    rows = db.session.scalars(
        sa.select(Person)
        .where(Person.event_id.in_(event_ids), Person.gender.in_(counting))
        .options(selectinload(Person.event))
        .order_by(Person.name, Person.id)
    )
    out: list[Suggestion] = []
    seen: set[str] = set()
    for p in rows:
        name = p.name.casefold()
        if name in known_names or name in seen or (p.email and p.email.casefold() in known_emails):
            continue
        seen.add(name)
        out.append(Suggestion(p, _matched(p, session), other_event=p.event))
    out.sort(key=lambda s: (-len(s.matched_topics), s.person.name.casefold()))
    return out[:limit]


def add_panelist(
    event: Event, session_id: int, person_id: int, *, actor: User | str | None
) -> SessionSpeaker:
    """Put a suggested person on a panel as a panelist (audited). Caller commits.

    Checked again here, since anyone can post anything: the person belongs to this event,
    counts towards the minimum, is not already on the panel and is free at that time.
    """
    session = panel_of(event, session_id)
    person = db.session.get(Person, person_id)
    if person is None or person.event_id != event.id:
        raise NotFound(str(_l("This person is not among this event's speakers.")))
    if any(link.person_id == person.id for link in session.speakers):
        raise Conflict(str(_l("%(name)s is already on this panel.", name=person.name)))
    if not policy_for(event).counts_towards_minimum(gender_of(person)):
        raise DomainError(str(_l("%(name)s would not count towards this panel's minimum.", name=person.name)))
    if not is_free(person, session):
        raise Conflict(
            str(_l("%(name)s is busy or unavailable at the time of this panel.", name=person.name))
        )
    link = SessionSpeaker(
        person=person,
        role=SpeakerRole.PANELIST,
        position=max((s.position for s in session.speakers), default=-1) + 1,
    )
    session.speakers.append(link)
    db.session.flush()
    audit.record(
        "session.speaker_add",
        actor=actor,
        event_id=event.id,
        obj=session,
        changes={"speaker": [None, f"{person.name} ({SpeakerRole.PANELIST.value})"]},
    )
    return link

"""Importing a "wid-event/1" package: create the event, or replace the one with that slug.

Rooms, tracks, people and sessions are matched by key and updated in place, added, or
removed when the package no longer lists them, so sign-ups and calendar UIDs survive (see
:mod:`wid_events.packages.package` for the rules). Nothing here commits: the caller commits
the one transaction or rolls it back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events.agenda.models import Session, SessionChange, SessionSpeaker
from wid_events.audit import services as audit
from wid_events.balance import services as balance
from wid_events.core.database import lock_for_update
from wid_events.enums import (
    EventMode,
    Gender,
    GenderSource,
    RegistrationStatus,
    SessionStatus,
    SessionType,
    SpeakerRole,
)
from wid_events.errors import ValidationFailed
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.packages.package_format import FORMAT, MISSING
from wid_events.packages.package_validate import Parsed, parse
from wid_events.people.models import Person
from wid_events.registration.models import Answer, Question, RegistrationSession

#: Registration choices that still hold (or wait for) a seat.
_ACTIVE_CHOICES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)

#: Session fields whose change after publication is announced (calendar SEQUENCE, notices).
_TRACKED = ("start", "end", "room", "status")

#: Optional event fields: (attribute, default on create).
_EVENT_DEFAULTS = (
    ("description", ""),
    ("mode", EventMode.IN_PERSON),
    ("livestream_url", None),
    ("capacity_in_person", None),
    ("capacity_online", None),
    ("registration_open", False),
    ("published", False),
    ("travel_info", ""),
    ("online_info", ""),
    ("default_language", "en"),
    ("translations", {}),
    ("registration_opens", None),
    ("registration_closes", None),
)

#: The balance policy: (attribute, package field, default on create).
_POLICY_DEFAULTS = (
    ("balance_min_women_per_panel", "min_women_per_panel", 1),
    ("balance_count_moderators", "count_moderators", False),
    ("balance_count_non_binary", "count_non_binary", False),
    ("balance_target_share_women", "target_share_women", 0.4),
)


def _set(obj: Any, attr: str, value: Any, default: Any, *, creating: bool) -> None:
    """Apply a parsed field: absent fields keep their value, or take ``default`` on create."""
    if value is MISSING:
        if creating:
            setattr(obj, attr, default)
        return
    setattr(obj, attr, value)


def _replace_problems(event: Event, pkg: Parsed) -> list[str]:
    """What would be lost by replacing ``event`` with ``pkg``, and must not be."""
    keep = {s["key"] for s in pkg.sessions}
    gone = [s for s in event.sessions if s.key not in keep]
    if not gone:
        return []
    counts = dict(
        db.session.execute(
            sa.select(RegistrationSession.session_id, sa.func.count())
            .where(
                RegistrationSession.session_id.in_([s.id for s in gone]),
                RegistrationSession.status.in_(_ACTIVE_CHOICES),
            )
            .group_by(RegistrationSession.session_id)
        ).all()
    )
    problems = []
    for s in gone:
        n = counts.get(s.id, 0)
        if n:
            problems.append(
                ngettext(
                    'session "%(title)s" (key "%(key)s") is not in the package, but %(num)d registration '
                    'signed up for it: keep it in the package (set "status": "cancelled" to cancel it '
                    "and keep the sign-up on record) or move that attendee first",
                    'session "%(title)s" (key "%(key)s") is not in the package, but %(num)d registrations '
                    'signed up for it: keep it in the package (set "status": "cancelled" to cancel it '
                    "and keep the sign-ups on record) or move those attendees first",
                    n,
                    title=s.title,
                    key=s.key,
                )
            )
    return problems


def _display(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, Room):
        return value.name
    return getattr(value, "value", value)


def _session_change(event: Event, session: Session, before: dict, actor: Any) -> list[SessionChange]:
    """Bump the SEQUENCE and describe the change, when a published session moved or changed status.

    The :class:`SessionChange` joins the organiser's "changes since publication" queue, from
    which attendees are notified (as for an edit in the agenda editor).
    """
    changed = {f: (before[f], getattr(session, f)) for f in _TRACKED if before[f] != getattr(session, f)}
    if not changed:
        return []
    # Calendar clients only pick up a changed event with a higher SEQUENCE.
    session.sequence = (session.sequence or 0) + 1
    return [
        SessionChange(
            event_id=event.id,
            session_id=session.id,
            session_title=session.title,
            changes={
                ("room_id" if f == "room" else f): [_display(a), _display(b)] for f, (a, b) in changed.items()
            },
            sequence=session.sequence,
            actor_label=audit.actor_label(actor),
        )
    ]


# --- applying the package -------------------------------------------------------------


def _apply_event(event: Event, ev: dict, *, creating: bool) -> None:
    event.title = ev["title"]
    event.timezone = ev["timezone"]
    event.start_date = ev["start_date"]
    event.end_date = ev["end_date"]
    for attr, default in _EVENT_DEFAULTS:
        _set(event, attr, ev[attr], default, creating=creating)
    if ev["venue"] is not MISSING:
        event.venue_name = (ev["venue"]["name"] or None) if ev["venue"] else None
        event.venue_address = (ev["venue"]["address"] or None) if ev["venue"] else None
    policy = ev["balance_policy"]
    for attr, name, default in _POLICY_DEFAULTS:
        _set(event, attr, policy.get(name, MISSING), default, creating=creating)
    if event.published and event.published_at is None:
        event.published_at = utcnow()


def _sync_rooms(event: Event, pkg: Parsed, old_rooms: dict[str, Room]) -> dict[str, Room]:
    """Rooms, matched by key; the ones left in ``old_rooms`` are no longer listed."""
    rooms: dict[str, Room] = {}
    for pos, item in enumerate(pkg.rooms):
        room = old_rooms.pop(item["key"], None)
        if room is None:
            room = Room(event=event, key=item["key"])
            db.session.add(room)
        room.name = item["name"]
        _set(room, "capacity", item["capacity"], None, creating=room.id is None)
        _set(room, "translations", item["translations"], {}, creating=room.id is None)
        room.position = pos
        rooms[item["key"]] = room
    return rooms


def _sync_tracks(event: Event, pkg: Parsed, old_tracks: dict[str, Track]) -> dict[str, Track]:
    tracks: dict[str, Track] = {}
    for item in pkg.tracks:
        track = old_tracks.pop(item["key"], None)
        if track is None:
            track = Track(event=event, key=item["key"])
            db.session.add(track)
        track.name = item["name"]
        _set(track, "translations", item["translations"], {}, creating=track.id is None)
        tracks[item["key"]] = track
    return tracks


def _apply_person(person: Person, item: dict, *, new: bool) -> None:
    person.name = item["name"]
    for attr, default in (("email", None), ("organisation", None), ("pronouns", None)):
        _set(person, attr, item[attr], default, creating=new)
    _set(person, "job_title", item["job_title"], None, creating=new)
    _set(person, "bio", item["bio"], "", creating=new)
    _set(person, "translations", item["translations"], {}, creating=new)
    gender = item["gender"]
    if gender is MISSING:
        gender = Gender.UNDISCLOSED if new else person.gender
    if new or gender != person.gender:
        person.gender = gender
        person.gender_source = None if gender == Gender.UNDISCLOSED else GenderSource.IMPORTED
        person.gender_recorded_at = None if gender == Gender.UNDISCLOSED else utcnow()
    _set(person, "gender_self_description", item["gender_self_description"], None, creating=new)
    _set(person, "count_as_woman", item.get("count_as_woman", MISSING), None, creating=new)
    if person.gender != Gender.SELF_DESCRIBED:
        person.gender_self_description = None
        person.count_as_woman = None


def _sync_people(event: Event, pkg: Parsed, old_people: dict[str, Person]) -> dict[str, Person]:
    """People, matched by key (keeps their portal answers, photo and unavailability)."""
    people: dict[str, Person] = {}
    for item in pkg.people:
        person = old_people.pop(item["key"], None)
        new = person is None
        if new:
            person = Person(event=event, key=item["key"])
            db.session.add(person)
        _apply_person(person, item, new=new)
        people[item["key"]] = person
    return people


def _apply_session(session: Session, item: dict, rooms: dict, tracks: dict, *, new: bool) -> None:
    session.title = item["title"]
    session.start = item["start"]
    session.end = item["end"]
    if item["room"] is not MISSING or new:
        session.room = rooms[item["room"]] if isinstance(item["room"], str) else None
    if item["track"] is not MISSING or new:
        session.track = tracks[item["track"]] if isinstance(item["track"], str) else None
    _set(session, "type", item["type"], SessionType.TALK, creating=new)
    _set(session, "capacity", item["capacity"], None, creating=new)
    _set(session, "requires_signup", item["requires_signup"], False, creating=new)
    _set(session, "description", item["description"], "", creating=new)
    _set(session, "status", item["status"], SessionStatus.CONFIRMED, creating=new)
    _set(session, "translations", item["translations"], {}, creating=new)
    _set(session, "attendance", item["attendance"], None, creating=new)


def _sync_speakers(session: Session, item: dict, people: dict[str, Person]) -> None:
    links = {link.person.key: link for link in session.speakers}
    wanted = []
    for pos, sp in enumerate(item["speakers"]):
        link = links.pop(sp["person"], None)
        if link is None:
            link = SessionSpeaker(person=people[sp["person"]])
        link.role = sp["role"] if sp["role"] is not MISSING else (link.role or SpeakerRole.SPEAKER)
        link.position = pos
        wanted.append(link)
    session.speakers[:] = wanted


def _sync_sessions(
    event: Event,
    pkg: Parsed,
    old_sessions: dict[str, Session],
    known: tuple[dict, dict, dict],
    actor: Any,
) -> tuple[int, list[SessionChange]]:
    """Sessions, matched by key (keeps their id, so sign-ups and calendar UIDs stay).

    ``known`` holds the rooms, tracks and people by key. Returns how many sessions were added
    and the change notices of published sessions that moved.
    """
    rooms, tracks, people = known
    added = 0
    tracked_changes: list[SessionChange] = []
    for item in pkg.sessions:
        session = old_sessions.pop(item["key"], None)
        new = session is None
        if new:
            added += 1
            session = Session(event=event, key=item["key"], sequence=0)
            db.session.add(session)
        before = None if new else {f: getattr(session, f) for f in _TRACKED}
        _apply_session(session, item, rooms, tracks, new=new)
        if before is not None and event.published:
            tracked_changes.extend(_session_change(event, session, before, actor))
        _sync_speakers(session, item, people)
    return added, tracked_changes


def _apply_question(question: Question, item: dict) -> None:
    question.label = item["label"]
    question.type = item["type"]
    _set(question, "required", item["required"], False, creating=True)
    _set(question, "options", item["options"], None, creating=True)
    _set(question, "attendance", item["attendance"], None, creating=True)
    _set(question, "help_text", item["help_text"], "", creating=True)
    _set(question, "translations", item["translations"], {}, creating=True)
    question.archived_at = None


def _sync_questions(event: Event, pkg: Parsed, *, creating: bool) -> list[str]:
    """Questions, matched by key. A question the package leaves out is deleted, or archived
    when it has answers (answers are never dropped silently). Returns the archived keys."""
    if "questions" not in (pkg.event.get("_raw_fields") or ()):
        return []
    old: dict[str, Question] = {}
    if not creating:
        old = {q.key: q for q in db.session.scalars(sa.select(Question).where(Question.event_id == event.id))}
    for pos, item in enumerate(pkg.questions):
        question = old.pop(item["key"], None)
        if question is None:
            question = Question(event_id=event.id, key=item["key"])
            db.session.add(question)
        _apply_question(question, item)
        question.position = pos
    archived = []
    for question in old.values():
        answered = db.session.scalar(sa.select(Answer.id).where(Answer.question_id == question.id).limit(1))
        if answered is None:
            db.session.delete(question)
        elif question.archived_at is None:
            question.archived_at = utcnow()
            archived.append(question.key)
    return archived


def _remove_unlisted(event: Event, sessions: dict, people: dict, rooms: dict, tracks: dict) -> None:
    for session in sessions.values():
        event.sessions.remove(session)
    db.session.flush()
    for person in people.values():
        db.session.expire(person, ["session_links"])
        event.people.remove(person)
    for room in rooms.values():
        event.rooms.remove(room)
    for track in tracks.values():
        event.tracks.remove(track)
    db.session.flush()


def import_package(data: Any, *, actor: Any) -> Event:
    """Create the event described by ``data``, or replace the existing event with that slug.

    Raises :class:`ValidationFailed` (with one message per problem) and changes nothing when
    the package is invalid or would drop sessions that attendees signed up for, and
    ``BalanceGateError`` when a published agenda would have a failing, unexempted panel.
    On a published event, moved or cancelled sessions get a new iCalendar SEQUENCE and a
    pending change notice. Does not commit: the caller commits (one transaction) or rolls back.
    """
    problems, pkg = parse(data)
    if problems:
        raise ValidationFailed(problems, _("The event package is not valid."))
    ev = pkg.event
    event = db.session.scalar(lock_for_update(sa.select(Event).where(Event.slug == ev["slug"])))
    creating = event is None
    if event is not None:
        problems = _replace_problems(event, pkg)
        if problems:
            raise ValidationFailed(problems, _("The event package would remove sessions with sign-ups."))

    with db.session.no_autoflush:
        if creating:
            event = Event(slug=ev["slug"])
            db.session.add(event)
        _apply_event(event, ev, creating=creating)
        old_rooms = {r.key: r for r in ([] if creating else event.rooms)}
        rooms = _sync_rooms(event, pkg, old_rooms)
        old_tracks = {t.key: t for t in ([] if creating else event.tracks)}
        tracks = _sync_tracks(event, pkg, old_tracks)
        old_people = {p.key: p for p in ([] if creating else event.people)}
        people = _sync_people(event, pkg, old_people)
        old_sessions = {s.key: s for s in ([] if creating else event.sessions)}
        added, tracked_changes = _sync_sessions(event, pkg, old_sessions, (rooms, tracks, people), actor)

    removed_sessions = sorted(old_sessions)
    _remove_unlisted(event, old_sessions, old_people, old_rooms, old_tracks)
    archived_questions = _sync_questions(event, pkg, creating=creating)
    for change in tracked_changes:
        db.session.add(change)
    if event.published:
        # The "No Women No Panel" gate applies to an imported agenda as to an edited one:
        # a published event may not end up with a failing panel that has no exemption.
        balance.enforce_gate(event, publishing=True)

    audit.record(
        "event.import",
        actor=actor,
        event_id=event.id,
        obj=event,
        changes={
            "created": creating,
            "sessions_moved": len(tracked_changes),
            "format": FORMAT,
            "rooms": len(pkg.rooms),
            "tracks": len(pkg.tracks),
            "people": len(pkg.people),
            "sessions": len(pkg.sessions),
            "sessions_added": added,
            "sessions_removed": removed_sessions,
            "people_removed": sorted(old_people),
            "rooms_removed": sorted(old_rooms),
            "tracks_removed": sorted(old_tracks),
            "questions": len(pkg.questions),
            "questions_archived": archived_questions,
        },
    )
    return event


def event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))

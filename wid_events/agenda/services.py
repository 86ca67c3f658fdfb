"""Agenda services: sessions, their speakers, publishing and change notices.

Plain functions: they take models and an explicit ``actor``, raise domain errors, and
leave committing to the caller. A change of a published session records a pending change
notice; ``update_session(..., notify=True)`` (or the organiser's "send change notices")
sends the pending notices once the caller's unit of work commits (see
:mod:`wid_events.agenda.notices` and :mod:`wid_events.registration.notices`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from wid_events import signals
from wid_events.accounts.models import User
from wid_events.agenda import people
from wid_events.agenda.conflicts import find_conflicts
from wid_events.agenda.models import Session, SessionChange, SessionSpeaker
from wid_events.agenda.notices import (  # noqa: F401 - re-exported: change notices live in .notices
    pending_changes,
    queue_notifications,
)
from wid_events.audit import services as audit
from wid_events.core.content import checked_translations
from wid_events.enums import SessionAttendance, SessionStatus, SessionType, SpeakerRole
from wid_events.errors import Conflict, DomainError, NotFound
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.people.models import Person

#: Fields an organiser may set on a session.
SESSION_FIELDS = (
    "title",
    "type",
    "start",
    "end",
    "room_id",
    "track_id",
    "capacity",
    "requires_signup",
    "attendance",
    "description",
    "status",
    "translations",
    "tags",
)
#: Changes of these fields after publication bump SEQUENCE and notify attendees.
TRACKED_FIELDS = ("start", "end", "room_id", "status")


def _normalise(event: Event, fields: dict[str, Any]) -> dict[str, Any]:
    """Accept ``room``/``track`` objects or ids, enum strings; check they belong to the event."""
    out = dict(fields)
    if "room" in out:
        room = out.pop("room")
        out["room_id"] = room.id if isinstance(room, Room) else room
    if "track" in out:
        track = out.pop("track")
        out["track_id"] = track.id if isinstance(track, Track) else track
    unknown = set(out) - set(SESSION_FIELDS)
    if unknown:
        raise DomainError(f"Unknown session fields: {', '.join(sorted(unknown))}")
    _check_refs(event, out)
    _coerce_enums(out)
    _clean_values(out)
    return out


def _check_refs(event: Event, out: dict[str, Any]) -> None:
    if out.get("room_id") is not None:
        room = db.session.get(Room, int(out["room_id"]))
        if room is None or room.event_id != event.id:
            raise DomainError(_("Choose a room of this event."), field="room_id")
        out["room_id"] = room.id
    if out.get("track_id") is not None:
        track = db.session.get(Track, int(out["track_id"]))
        if track is None or track.event_id != event.id:
            raise DomainError(_("Choose a track of this event."), field="track_id")
        out["track_id"] = track.id


def _coerce_enums(out: dict[str, Any]) -> None:
    if "type" in out:
        try:
            out["type"] = SessionType(out["type"])
        except ValueError:
            raise DomainError(_("Unknown session type."), field="type") from None
    if "status" in out:
        try:
            out["status"] = SessionStatus(out["status"])
        except ValueError:
            raise DomainError(_("Unknown session status."), field="status") from None
    if out.get("attendance"):
        try:
            out["attendance"] = SessionAttendance(out["attendance"])
        except ValueError:
            raise DomainError(_("Unknown attendance mode."), field="attendance") from None
    elif "attendance" in out:
        out["attendance"] = None


def _clean_values(out: dict[str, Any]) -> None:
    if "title" in out:
        out["title"] = (out["title"] or "").strip()
        if not out["title"]:
            raise DomainError(_("A session needs a title."), field="title")
    if out.get("capacity") is not None:
        if int(out["capacity"]) < 0:
            raise DomainError(_("Capacity cannot be negative."), field="capacity")
        out["capacity"] = int(out["capacity"])
    if "description" in out:
        # Browsers submit textareas with CRLF line ends; store LF so an unchanged form is no change.
        out["description"] = (out["description"] or "").replace("\r\n", "\n").strip()
    if "translations" in out:
        out["translations"] = checked_translations(out["translations"], ("title", "description"))
    if "tags" in out:
        seen: dict[str, str] = {}
        for raw in (out["tags"] or "").split(","):
            tag = " ".join(raw.split())[:40]
            seen.setdefault(tag.casefold(), tag)
        out["tags"] = ", ".join(t for t in seen.values() if t)[:500]


def _check_times(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise DomainError(_("The session must end after it starts."), field="end")


def create_session(event: Event, *, actor: User | str | None, **fields: Any) -> Session:
    """Create a session. Needs ``title``, ``start`` and ``end`` (naive event-local times)."""
    values = _normalise(event, fields)
    for required in ("title", "start", "end"):
        if values.get(required) in (None, ""):
            raise DomainError(_("This field is required."), field=required)
    _check_times(values["start"], values["end"])
    session = Session(event=event, **values)
    db.session.add(session)
    db.session.flush()
    audit.record(
        "session.create",
        actor=actor,
        event_id=event.id,
        obj=session,
        changes={k: [None, v] for k, v in values.items() if v not in (None, "")},
    )
    if event.published:
        signals.panels_changing.send(event)
    return session


def _display(field_name: str, value: Any) -> Any:
    if value is None:
        return None
    if field_name == "room_id":
        room = db.session.get(Room, value)
        return room.name if room else value
    if field_name == "track_id":
        track = db.session.get(Track, value)
        return track.name if track else value
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if hasattr(value, "value"):
        return value.value
    return value


class StaleSession(Conflict):
    """A save made from an older version of the session than the stored one."""

    code = "stale"


def claim_version(session: Session, expected: int | None) -> None:
    """Optimistic concurrency: move ``session`` from version ``expected`` to the next one.

    One conditional UPDATE, so of two organisers saving the same version only the first wins;
    the second gets :class:`StaleSession` and their form keeps what they typed.
    ``expected=None`` (CLI, imports) skips the check but still bumps the version.
    """
    query = sa.update(Session).where(Session.id == session.id)
    if expected is not None:
        query = query.where(Session.version == int(expected))
    result = db.session.execute(
        query.values(version=Session.version + 1).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleSession(
            _(
                "This session changed since you opened the editor. "
                "Reload it to see the changes, then apply yours again."
            )
        )
    db.session.refresh(session, ["version"])


def update_session(
    session: Session,
    *,
    actor: User | str | None,
    notify: bool = False,
    expected_version: int | None = None,
    **fields: Any,
) -> dict[str, list]:
    """Apply changes; returns ``{field: [from, to]}``.

    Records an audit entry. After publication, a change of start, end, room or status
    increments ``session.sequence`` and records a :class:`SessionChange` (the pending
    attendee notice). Type/status changes of a published event pass the balance gate.
    With ``notify``, a change of a published session sends the pending notices once the
    caller commits (nothing is sent if it rolls back).
    """
    event = session.event
    values = _normalise(event, fields)
    changes = audit.diff(session, values)
    if not changes:
        if expected_version is not None and int(expected_version) != session.version:
            claim_version(session, expected_version)  # raises: someone else saved meanwhile
        return {}
    claim_version(session, expected_version)
    _check_times(values.get("start", session.start), values.get("end", session.end))
    for key, (_old, new) in changes.items():
        setattr(session, key, new)
    audit.record(
        "session.update",
        actor=actor,
        event_id=event.id,
        obj=session,
        changes={k: [_display(k, a), _display(k, b)] for k, (a, b) in changes.items()},
    )
    tracked = {k: v for k, v in changes.items() if k in TRACKED_FIELDS}
    if event.published and tracked:
        session.sequence = (session.sequence or 0) + 1
        db.session.add(
            SessionChange(
                event_id=event.id,
                session_id=session.id,
                session_title=session.title,
                changes={k: [_display(k, a), _display(k, b)] for k, (a, b) in tracked.items()},
                sequence=session.sequence,
                actor_label=audit.actor_label(actor),
            )
        )
    if event.published and ("type" in changes or "status" in changes):
        db.session.flush()
        signals.panels_changing.send(event)
    if "attendance" in changes or "requires_signup" in changes:
        db.session.flush()
        signals.session_attendance_changed.send(session, actor=actor)
    if notify and event.published:
        queue_notifications(event)
    return changes


def delete_session(session: Session, *, actor: User | str | None) -> None:
    """Delete a draft session. Published sessions are cancelled instead, so attendees hear of it."""
    event = session.event
    if event.published:
        raise Conflict(
            _(
                "“%(title)s” is on the published agenda. Set its status to cancelled instead, so "
                "registered attendees are told.",
                title=session.title,
            )
        )
    signals.session_deleting.send(session)
    audit.record(
        "session.delete",
        actor=actor,
        event_id=event.id,
        obj=session,
        changes={
            "start": [_display("start", session.start), None],
            "speakers": [[link.person.name for link in session.speakers], None],
        },
    )
    db.session.delete(session)


# --- speakers -------------------------------------------------------------------------


def _link(session: Session, person: Person) -> SessionSpeaker:
    for link in session.speakers:
        if link.person_id == person.id:
            return link
    raise NotFound(_("%(name)s is not on this session.", name=person.name))


def _renumber(session: Session) -> None:
    for i, link in enumerate(session.speakers):
        link.position = i


def add_speaker(
    session: Session, person: Person, role: SpeakerRole | str, *, actor: User | str | None
) -> SessionSpeaker:
    if person.event_id != session.event_id:
        raise NotFound(_("That person is not part of this event."))
    try:
        role = SpeakerRole(role)
    except ValueError:
        raise DomainError(_("Unknown role."), field="role") from None
    if any(link.person_id == person.id for link in session.speakers):
        raise Conflict(_("%(name)s is already on “%(title)s”.", name=person.name, title=session.title))
    position = max((link.position for link in session.speakers), default=-1) + 1
    link = SessionSpeaker(person=person, role=role, position=position)
    session.speakers.append(link)
    db.session.flush()
    audit.record(
        "session.speaker_add",
        actor=actor,
        event_id=session.event_id,
        obj=session,
        changes={"speaker": [None, f"{person.name} ({role.value})"]},
    )
    if session.event.published:
        signals.panels_changing.send(session.event)
    return link


def add_new_speaker(
    event: Event,
    session: Session,
    *,
    name: str,
    organisation: str | None,
    role: SpeakerRole | str,
    actor: User | str | None,
) -> Person:
    """Create a person and put them on the session (one unit of work for the caller)."""
    person = people.create_person(event, actor=actor, name=name, organisation=organisation)
    add_speaker(session, person, role, actor=actor)
    return person


def remove_speaker(session: Session, person: Person, *, actor: User | str | None) -> None:
    link = _link(session, person)
    session.speakers.remove(link)
    _renumber(session)
    db.session.flush()
    audit.record(
        "session.speaker_remove",
        actor=actor,
        event_id=session.event_id,
        obj=session,
        changes={"speaker": [f"{person.name} ({link.role.value})", None]},
    )
    if session.event.published:
        signals.panels_changing.send(session.event)


def set_speaker_role(
    session: Session, person: Person, role: SpeakerRole | str, *, actor: User | str | None
) -> None:
    link = _link(session, person)
    try:
        role = SpeakerRole(role)
    except ValueError:
        raise DomainError(_("Unknown role."), field="role") from None
    if link.role == role:
        return
    old = link.role
    link.role = role
    db.session.flush()
    audit.record(
        "session.speaker_role",
        actor=actor,
        event_id=session.event_id,
        obj=session,
        changes={f"role of {person.name}": [old.value, role.value]},
    )
    if session.event.published:
        signals.panels_changing.send(session.event)


def move_speaker(session: Session, person: Person, direction: str, *, actor: User | str | None) -> None:
    """Move a speaker one place ``up`` or ``down`` in the display order."""
    if direction not in ("up", "down"):
        raise DomainError(_("Direction must be up or down."))
    links = list(session.speakers)
    link = _link(session, person)
    i = links.index(link)
    j = i - 1 if direction == "up" else i + 1
    if j < 0 or j >= len(links):
        return
    before = [x.person.name for x in links]
    links[i], links[j] = links[j], links[i]
    for pos, x in enumerate(links):
        x.position = pos
    db.session.flush()
    db.session.expire(session, ["speakers"])
    audit.record(
        "session.speaker_order",
        actor=actor,
        event_id=session.event_id,
        obj=session,
        changes={"order": [before, [x.person.name for x in links]]},
    )


# --- publishing -----------------------------------------------------------------------


def publish(event: Event, *, actor: User | str | None, confirm_conflicts: bool = False) -> None:
    """Make the agenda public. Conflicts must be confirmed; the balance gate must pass."""
    conflicts = find_conflicts(event)
    if conflicts and not confirm_conflicts:
        raise Conflict(
            ngettext(
                "The agenda has %(num)d conflict. Review it and confirm to publish anyway.",
                "The agenda has %(num)d conflicts. Review them and confirm to publish anyway.",
                len(conflicts),
            ),
            code="unconfirmed_conflicts",
            field="confirm_conflicts",
        )
    signals.panels_changing.send(event, publishing=True)
    if event.published:
        return
    event.published = True
    event.published_at = utcnow()
    audit.record(
        "event.publish",
        actor=actor,
        event_id=event.id,
        obj=event,
        changes={"published": [False, True], "conflicts_confirmed": [None, len(conflicts)]},
    )


def unpublish(event: Event, *, actor: User | str | None) -> None:
    if not event.published:
        return
    event.published = False
    audit.record(
        "event.unpublish", actor=actor, event_id=event.id, obj=event, changes={"published": [True, False]}
    )

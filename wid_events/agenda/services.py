"""Agenda services: sessions, their speakers, publishing and change notices.

Plain functions: they take models and an explicit ``actor``, raise domain errors, and
leave committing to the caller. After a commit that changed a published session, call
:func:`queue_notifications` (or let the organiser press "send change notices").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from wid_events import jobs
from wid_events.accounts.models import User
from wid_events.agenda.conflicts import find_conflicts
from wid_events.agenda.models import Session, SessionChange, SessionSpeaker
from wid_events.audit import services as audit
from wid_events.balance.services import enforce_gate
from wid_events.core.database import lock_for_update, write_transaction
from wid_events.enums import RegistrationStatus, SessionStatus, SessionType, SpeakerRole
from wid_events.errors import Conflict, DomainError, NotFound
from wid_events.events.models import Event, Room, Track
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.speakers.models import Person

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
    "description",
    "status",
)
#: Changes of these fields after publication bump SEQUENCE and notify attendees.
TRACKED_FIELDS = ("start", "end", "room_id", "status")
#: Registration states whose holders are told about changes.
ACTIVE_STATES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


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
    return out


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
        enforce_gate(event)
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


def update_session(session: Session, *, actor: User | str | None, **fields: Any) -> dict[str, list]:
    """Apply changes; returns ``{field: [from, to]}``.

    Records an audit entry. After publication, a change of start, end, room or status
    increments ``session.sequence`` and records a :class:`SessionChange` (the pending
    attendee notice). Type/status changes of a published event pass the balance gate.
    """
    event = session.event
    values = _normalise(event, fields)
    changes = audit.diff(session, values)
    if not changes:
        return {}
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
        enforce_gate(event)
    return changes


def delete_session(session: Session, *, actor: User | str | None) -> None:
    """Delete a draft session. Published sessions are cancelled instead, so attendees hear of it."""
    from wid_events.registration.models import RegistrationSession

    event = session.event
    if event.published:
        raise Conflict(
            _(
                "“%(title)s” is on the published agenda. Set its status to cancelled instead, so "
                "registered attendees are told.",
                title=session.title,
            )
        )
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
        enforce_gate(session.event)
    return link


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
        enforce_gate(session.event)


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
        enforce_gate(session.event)


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
    enforce_gate(event, publishing=True)
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


def pending_changes(event: Event) -> list[SessionChange]:
    return list(
        db.session.scalars(
            sa.select(SessionChange)
            .where(SessionChange.event_id == event.id, SessionChange.notified_at.is_(None))
            .order_by(SessionChange.id)
        )
    )


def _affected_registrations(event: Event, session_ids: set[int]) -> dict[int, tuple[Any, set[int]]]:
    """``{registration_id: (registration, {session ids})}`` of attendees concerned."""
    from wid_events.registration.models import Registration, RegistrationSession

    out: dict[int, tuple[Any, set[int]]] = {}
    sessions = [db.session.get(Session, sid) for sid in session_ids]
    signup = {s.id for s in sessions if s is not None and s.requires_signup}
    plenary = {s.id for s in sessions if s is not None and not s.requires_signup}
    if signup:
        rows = db.session.execute(
            sa.select(Registration, RegistrationSession.session_id)
            .join(RegistrationSession, RegistrationSession.registration_id == Registration.id)
            .where(
                RegistrationSession.session_id.in_(signup),
                RegistrationSession.status.in_(ACTIVE_STATES),
                Registration.status.in_(ACTIVE_STATES),
                Registration.email.is_not(None),
            )
        )
        for reg, sid in rows:
            out.setdefault(reg.id, (reg, set()))[1].add(sid)
    if plenary:
        regs = db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id,
                Registration.status.in_(ACTIVE_STATES),
                Registration.email.is_not(None),
            )
        )
        for reg in regs:
            out.setdefault(reg.id, (reg, set()))[1].update(plenary)
    return out


def _describe(change: SessionChange) -> list[str]:
    labels = {"start": _("Start"), "end": _("End"), "room_id": _("Room"), "status": _("Status")}
    lines = []
    for key, (old, new) in change.changes.items():
        old_s = str(old).replace("T", " ") if old is not None else _("none")
        new_s = str(new).replace("T", " ") if new is not None else _("none")
        lines.append(f"  {labels.get(key, key)}: {old_s} → {new_s}")
    return lines


def notify_changes(event_id: int) -> int:
    """Job: email every affected attendee ONE message listing all their pending changes.

    Marks the changes as notified and commits. Returns the number of emails sent.
    """
    from wid_events.mail import Mail, send_mail

    event = db.session.get(Event, event_id)
    if event is None:
        return 0
    # Claim the pending changes atomically, so two concurrent runs never send twice.
    with write_transaction():
        changes = list(
            db.session.scalars(
                lock_for_update(
                    sa.select(SessionChange)
                    .where(SessionChange.event_id == event_id, SessionChange.notified_at.is_(None))
                    .order_by(SessionChange.id)
                )
            )
        )
        now = utcnow()
        for change in changes:
            change.notified_at = now
        db.session.commit()
    if not changes:
        return 0
    by_session: dict[int, list[SessionChange]] = defaultdict(list)
    for change in changes:
        if change.session_id is not None:
            by_session[change.session_id].append(change)
    affected = _affected_registrations(event, set(by_session))
    counts: dict[int, int] = defaultdict(int)
    sent = 0
    for reg, session_ids in affected.values():
        with force_locale(reg.locale or "en"):
            lines = [
                _("Hello %(name)s,", name=reg.name),
                "",
                _(
                    "The programme of %(event)s has changed. These sessions you plan to attend were updated:",
                    event=event.title,
                ),
                "",
            ]
            for sid in sorted(session_ids, key=lambda i: db.session.get(Session, i).start):
                session = db.session.get(Session, sid)
                state = (
                    _("CANCELLED") if session.is_cancelled else session.start.strftime("%a %d %b %Y %H:%M")
                )
                room = f", {session.room.name}" if session.room else ""
                lines.append(f"* {session.title} ({state}{room})")
                for change in by_session[sid]:
                    lines.extend(_describe(change))
                counts[sid] += 1
                lines.append("")
            lines.append(_("Your calendar updates itself if you subscribed to your personal agenda."))
            subject = _("Programme change: %(event)s", event=event.title)
            send_mail(Mail(to=reg.email, subject=subject, body="\n".join(lines)))
        sent += 1
    for change in changes:
        change.notified_count = counts.get(change.session_id, 0)
    audit.record(
        "event.change_notices",
        actor="system",
        event_id=event.id,
        obj=event,
        changes={"emails": [None, sent], "changes": [None, len(changes)]},
    )
    db.session.commit()
    current_app.logger.info("Sent %s change notices for %s", sent, event.slug)
    return sent


def queue_notifications(event: Event) -> None:
    """After a commit: send pending change notices through the job seam (batched per attendee)."""
    if pending_changes(event):
        jobs.enqueue(notify_changes, event.id)

"""Change notices: telling attendees that published sessions they plan to attend changed.

A save of a published session records a :class:`SessionChange` (the pending notice) in the
caller's unit of work. :func:`wid_events.agenda.notices.queue_notifications` asks for the
notices to go out once that unit of work commits (signal ``change_notices_due``);
:func:`notify_changes` is the job. It claims every pending change of the
event in one transaction, queues ONE mail per affected attendee listing all their changes, and
commits; the mails are built (by ids, in each attendee's language) and sent after that commit.
Claiming and committing together means two runs never mail the same change twice, and a run
whose transaction fails mails nobody and leaves the changes pending.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from wid_events import signals
from wid_events.agenda.models import Session, SessionChange
from wid_events.audit import services as audit
from wid_events.core.database import lock_for_update, write_transaction
from wid_events.core.uow import after_commit, queue_mail, unit_of_work
from wid_events.core.web import local_dt
from wid_events.enums import RegistrationStatus
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.mail import Attachment, Mail
from wid_events.models_base import utcnow
from wid_events.registration.models import Registration, RegistrationSession

#: Registration states whose holders are told about changes.
ACTIVE_STATES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def on_change_notices_due(event: Event, **_kwargs) -> None:
    """Receiver of :data:`wid_events.signals.change_notices_due`: run :func:`notify_changes`
    once the current unit of work commits."""
    after_commit(notify_changes, event.id)


# --- the job ----------------------------------------------------------------------------


def notify_changes(event_id: int) -> int:
    """Job: claim the event's pending changes and mail every affected attendee ONE message
    listing all of them. Returns the number of emails queued (sent after the commit)."""
    sent = 0
    with unit_of_work(), write_transaction():
        event = db.session.get(Event, event_id)
        changes = _claim_pending(event_id) if event is not None else []
        if changes:
            sent = _queue_notices(event, changes)
    if changes:
        current_app.logger.info("Sent %s change notices for %s", sent, event.slug)
    return sent


def _claim_pending(event_id: int) -> list[SessionChange]:
    """Lock the pending changes and mark them notified (committed with the rest of the job)."""
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
    return changes


def _queue_notices(event: Event, changes: list[SessionChange]) -> int:
    session_ids = {c.session_id for c in changes if c.session_id is not None}
    affected = _affected_registrations(event, session_ids)
    change_ids = [c.id for c in changes]
    counts: dict[int, int] = defaultdict(int)
    for registration_id, their_sessions in affected.items():
        for sid in their_sessions:
            counts[sid] += 1
        queue_mail(build_change_notice, event.id, registration_id, sorted(their_sessions), change_ids)
    for change in changes:
        change.notified_count = counts.get(change.session_id, 0)
    audit.record(
        "event.change_notices",
        actor="system",
        event_id=event.id,
        obj=event,
        changes={"emails": [None, len(affected)], "changes": [None, len(changes)]},
    )
    return len(affected)


def _affected_registrations(event: Event, session_ids: set[int]) -> dict[int, set[int]]:
    """``{registration_id: {session ids}}`` of the attendees concerned by these sessions."""
    out: dict[int, set[int]] = defaultdict(set)
    sessions = [db.session.get(Session, sid) for sid in session_ids]
    signup = {s.id for s in sessions if s is not None and s.requires_signup}
    plenary = {s.id for s in sessions if s is not None and not s.requires_signup}
    if signup:
        rows = db.session.execute(
            sa.select(Registration.id, RegistrationSession.session_id)
            .join(RegistrationSession, RegistrationSession.registration_id == Registration.id)
            .where(
                RegistrationSession.session_id.in_(signup),
                RegistrationSession.status.in_(ACTIVE_STATES),
                Registration.status.in_(ACTIVE_STATES),
                Registration.email.is_not(None),
            )
        )
        for registration_id, sid in rows:
            out[registration_id].add(sid)
    if plenary:
        registration_ids = db.session.scalars(
            sa.select(Registration.id).where(
                Registration.event_id == event.id,
                Registration.status.in_(ACTIVE_STATES),
                Registration.email.is_not(None),
            )
        )
        for registration_id in registration_ids:
            out[registration_id].update(plenary)
    return dict(out)


# --- the mail ---------------------------------------------------------------------------


def build_change_notice(
    event_id: int, registration_id: int, session_ids: list[int], change_ids: list[int]
) -> Mail | None:
    """Mail builder (run in the job, after the commit): one attendee's changed sessions."""
    event = db.session.get(Event, event_id)
    reg = db.session.get(Registration, registration_id)
    if event is None or reg is None or not reg.email:
        return None
    by_session: dict[int, list[SessionChange]] = defaultdict(list)
    for change in db.session.scalars(
        sa.select(SessionChange)
        .where(SessionChange.id.in_(change_ids), SessionChange.session_id.in_(session_ids))
        .order_by(SessionChange.id)
    ):
        by_session[change.session_id].append(change)
    sessions = [s for s in (db.session.get(Session, sid) for sid in session_ids) if s is not None]
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
        for session in sorted(sessions, key=lambda s: s.start):
            lines.extend(_session_lines(session, by_session[session.id]))
        lines.append(_("Your calendar updates itself if you subscribed to your personal agenda."))
        subject = _("Programme change: %(event)s", event=event.title)
    attachments = []
    cancelled = [s.id for s in sessions if s.is_cancelled]
    if cancelled:  # calendar clients remove these entries (same UIDs as the confirmation)
        for _receiver, ics in signals.calendar_for_registration.send(reg, cancel=True, session_ids=cancelled):
            if ics:
                attachments.append(
                    Attachment(f"{event.slug}-cancel.ics", ics, "text/calendar; method=CANCEL")
                )
                break
    return Mail(
        to=reg.email,
        to_name=reg.name,
        subject=subject,
        body="\n".join(lines),
        attachments=attachments,
        reply_to=event.contact_email,
        heading=event.title,
    )


def _session_lines(session: Session, changes: list[SessionChange]) -> list[str]:
    state = _("CANCELLED") if session.is_cancelled else local_dt(session.start, "full")
    room = f", {session.room.name}" if session.room else ""
    lines = [f"* {session.title} ({state}{room})"]
    for change in changes:
        lines.extend(_describe(change))
    lines.append("")
    return lines


def _describe(change: SessionChange) -> list[str]:
    labels = {"start": _("Start"), "end": _("End"), "room_id": _("Room"), "status": _("Status")}
    lines = []
    for key, (old, new) in change.changes.items():
        lines.append(f"  {labels.get(key, key)}: {_value(old)} → {_value(new)}")
    return lines


def _value(value: Any) -> str:
    return str(value).replace("T", " ") if value is not None else _("none")

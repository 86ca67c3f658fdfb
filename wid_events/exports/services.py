"""Check-in and badge-batch services. No request state: views, the API, the CLI and jobs use them.

Services never commit: the caller's unit of work does (``run_action`` in views,
``run_json_action`` in the API). A badge batch is started here and rendered by
:mod:`wid_events.exports.badge_jobs` once the batch row is committed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from wid_events.audit import services as audit
from wid_events.core.database import write_transaction
from wid_events.core.search import like_pattern
from wid_events.core.uow import after_commit
from wid_events.enums import Attendance, RegistrationStatus
from wid_events.errors import Conflict, DomainError, NotFound
from wid_events.exports import badge_jobs, badges
from wid_events.exports.models import BadgeJob, BadgeJobState
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.registration.models import Registration

#: Organiser-area batches larger than this run as a background job.
BACKGROUND_THRESHOLD = 200


# --- check-in --------------------------------------------------------------------------


@dataclasses.dataclass
class CheckinResult:
    registration: Registration
    already_checked_in: bool

    @property
    def name(self) -> str:
        return self.registration.name

    @property
    def checked_in_at(self) -> dt.datetime:
        return self.registration.checked_in_at

    def as_json(self) -> dict:
        reg = self.registration
        return {
            "id": reg.id,
            "name": reg.name,
            "attendance": reg.attendance.value,
            "checked_in_at": reg.checked_in_at.isoformat().replace("+00:00", "Z"),
            "already_checked_in": self.already_checked_in,
        }


def _status_message(status: RegistrationStatus) -> str:
    return {
        RegistrationStatus.WAITLISTED: _("This registration is on the waitlist, not confirmed."),
        RegistrationStatus.PENDING: _("This registration is still waiting for approval."),
        RegistrationStatus.CANCELLED: _("This registration was cancelled."),
        RegistrationStatus.REJECTED: _("This registration was not accepted."),
    }.get(status, _("This registration is not confirmed."))


def registration_by_code(event, code: str) -> Registration:
    code = (code or "").strip()
    if not code:
        raise DomainError(_("Type or scan a check-in code."), code="missing_code", field="code")
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.checkin_code == code)
    )
    if registration is None:
        raise NotFound(_("No registration of this event has this code."), code="unknown_code", field="code")
    return registration


def check_in(
    event, *, code: str | None = None, registration_id: int | None = None, actor=None
) -> CheckinResult:
    """Check a confirmed registration in, once. Idempotent and safe under concurrent scans.

    The write is a conditional ``UPDATE … WHERE checked_in_at IS NULL``: of two scanners
    racing on the same badge exactly one sets the time, the other sees
    ``already_checked_in``. Unknown codes (or another event's) raise :class:`NotFound`;
    registrations that are not confirmed raise :class:`Conflict` (HTTP 409). A refusal of a
    typed or scanned ``code`` names the ``code`` field. The caller commits (soon: the write
    lock is held until then).
    """
    if registration_id is not None:
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.event_id != event.id:
            raise NotFound(_("No such registration for this event."))
    else:
        registration = registration_by_code(event, code or "")
    if registration.status != RegistrationStatus.CONFIRMED:
        field = "code" if registration_id is None else None
        raise Conflict(_status_message(registration.status), code="not_confirmed", field=field)
    registration_id = registration.id
    # SQLite: BEGIN IMMEDIATE waits for the write lock instead of failing on a stale snapshot.
    with write_transaction():
        result = db.session.execute(
            sa.update(Registration)
            .where(Registration.id == registration_id, Registration.checked_in_at.is_(None))
            .values(checked_in_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        first = result.rowcount == 1
        db.session.refresh(registration)
        if first:
            audit.record(
                "registration.checked_in",
                actor=actor,
                event_id=event.id,
                obj=registration,
                changes={"checked_in_at": [None, registration.checked_in_at.isoformat()]},
            )
    return CheckinResult(registration, already_checked_in=not first)


def undo_check_in(event, registration_id: int, *, actor=None) -> Registration:
    """Clear a check-in made by mistake. The caller commits."""
    with write_transaction():
        return _undo(event, registration_id, actor)


def _undo(event, registration_id: int, actor) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound(_("No such registration for this event."))
    if registration.checked_in_at is not None:
        old = registration.checked_in_at.isoformat()
        registration.checked_in_at = None
        audit.record(
            "registration.checkin_undone",
            actor=actor,
            event_id=event.id,
            obj=registration,
            changes={"checked_in_at": [old, None]},
        )
    return registration


@dataclasses.dataclass
class CheckinCounts:
    checked_in: int
    expected: int
    checked_in_online: int = 0

    def as_json(self) -> dict:
        return {
            "checked_in": self.checked_in,
            "confirmed_in_person": self.expected,
            "checked_in_online": self.checked_in_online,
        }


def checkin_counts(event) -> CheckinCounts:
    """Checked in vs. confirmed in-person registrations."""
    base = sa.select(sa.func.count(Registration.id)).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
    )
    expected = db.session.scalar(base.where(Registration.attendance == Attendance.IN_PERSON)) or 0
    checked = (
        db.session.scalar(
            base.where(
                Registration.attendance == Attendance.IN_PERSON, Registration.checked_in_at.is_not(None)
            )
        )
        or 0
    )
    online = (
        db.session.scalar(
            base.where(Registration.attendance == Attendance.ONLINE, Registration.checked_in_at.is_not(None))
        )
        or 0
    )
    return CheckinCounts(checked_in=checked, expected=expected, checked_in_online=online)


#: Results shown at once at the check-in desk; "N more" pages past them.
DESK_PAGE = 20


@dataclasses.dataclass
class DeskResults:
    """One page of the desk's search: the registrations shown and how many matched in all."""

    items: list[Registration]
    total: int
    offset: int = 0
    #: The query has nothing to search for (only spaces or symbols).
    unsearchable: bool = False

    @property
    def more(self) -> int:
        """How many matches come after this page."""
        return max(0, self.total - self.offset - len(self.items))

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.items)


def search_registrations(event, query: str, *, limit: int = DESK_PAGE, offset: int = 0) -> DeskResults:
    """Registrations of the event whose name, organisation or email contains ``query``,
    ignoring case and accents in any script (``core.search``), by name."""
    query = (query or "").strip()
    pattern = like_pattern(query)
    if pattern is None:
        return DeskResults([], 0, unsearchable=bool(query))
    where = (
        Registration.event_id == event.id,
        Registration.erased_at.is_(None),
        Registration.search_key.like(pattern, escape="\\"),
    )
    total = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(*where)) or 0
    offset = max(0, min(offset, max(0, total - 1)))
    items = db.session.scalars(
        sa.select(Registration)
        .where(*where)
        .order_by(Registration.name_key, Registration.id)
        .limit(limit)
        .offset(offset)
    )
    return DeskResults(list(items), total, offset)


def email_domain(email: str | None) -> str:
    """The part after the @, to tell people with the same name apart without showing the address."""
    return (email or "").rpartition("@")[2]


# --- badge batches ---------------------------------------------------------------------


def start_badge_job(event, *, layout: str, roles: set[str] | None, attendance: str | None = None, actor=None):
    """Add a :class:`BadgeJob`; it is rendered in the background once the caller commits."""
    if layout not in badges.LAYOUTS:
        raise DomainError(_("Unknown badge layout."), field="layout")
    total = len(badges.collect_badges(event, roles=roles, attendance=attendance))
    job = BadgeJob(
        event_id=event.id,
        layout=layout,
        roles=",".join(sorted(roles)) if roles else "",
        attendance=attendance or "",
        total=total,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(job)
    db.session.flush()
    after_commit(badge_jobs.runner(), job.id)
    return job


def retry_badge_job(event, job_id: int, *, actor=None):
    """Start a failed batch again (after the caller commits). :class:`Conflict` unless failed."""
    job = db.session.get(BadgeJob, job_id)
    if job is None or job.event_id != event.id:
        raise NotFound(_("No such badge batch for this event."))
    if job.state != BadgeJobState.FAILED:
        raise Conflict(_("Only a failed batch can be started again."), code="not_failed")
    job.state = BadgeJobState.QUEUED
    job.done = 0
    job.error = None
    job.finished_at = None
    after_commit(badge_jobs.runner(), job.id)
    return job

"""The registration form's rules: form key and manage token, sign-up slots, workshop choices,
attendance modes and whether the form is open."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from wid_events.agenda.models import Session
from wid_events.core.database import memoized, version_memo
from wid_events.core.web import hash_token
from wid_events.enums import Attendance, EventMode, SessionStatus
from wid_events.errors import DomainError, NotFound
from wid_events.events.models import Event
from wid_events.events.window import local_now, window_reason
from wid_events.extensions import db
from wid_events.registration.models import Registration

# --------------------------------------------------------------------------- form key and token


def new_form_key() -> str:
    """A fresh idempotency key for one registration form (192 random bits)."""
    return secrets.token_urlsafe(24)


def new_token_seed() -> str:
    """The random secret a registration's manage token is derived from (192 bits)."""
    return secrets.token_urlsafe(24)


def manage_token(seed: str) -> str:
    """The attendee's manage token: HMAC-SHA256 of the token seed under ``SECRET_KEY`` (256 bits).

    Only its SHA-256 is stored (``token_hash``). Deriving it from the stored seed lets a double
    submit redirect to the same page and the resend page email the same link; the seed alone
    (in a backup, say) gives nothing without ``SECRET_KEY``.
    """
    secret = str(current_app.config["SECRET_KEY"]).encode()
    mac = hmac.new(secret, b"wid-registration:" + seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def form_key_hash(form_key: str) -> str:
    """The keyed hash stored for a form's idempotency key (HMAC-SHA256 under ``SECRET_KEY``)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"wid-form-key:" + form_key.encode(), hashlib.sha256).hexdigest()


def by_token(token: str) -> Registration:
    """The registration whose manage token this is, or :class:`NotFound` (also once erased)."""
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.token_hash == hash_token(token))
    )
    if registration is None or registration.erased_at is not None:
        raise NotFound(_("This registration link is unknown or no longer valid."))
    return registration


def token_for(registration: Registration) -> str | None:
    return manage_token(registration.token_seed) if registration.token_seed else None


# --------------------------------------------------------------------------- sign-up slots


@dataclass
class Slot:
    """Sign-up sessions that overlap in time: an attendee picks at most one of them."""

    number: int
    sessions: list[Session] = field(default_factory=list)

    @property
    def start(self) -> dt.datetime:
        return min(s.start for s in self.sessions)

    @property
    def end(self) -> dt.datetime:
        return max(s.end for s in self.sessions)

    @property
    def key(self) -> str:
        return f"slot-{self.number}"


def signup_sessions(event: Event) -> list[Session]:
    """The sessions one signs up for, in time order (read once per transaction: see :func:`memoized`)."""
    stmt = (
        sa.select(Session)
        .where(
            Session.event_id == event.id,
            Session.requires_signup.is_(True),
            Session.status != SessionStatus.CANCELLED,
        )
        .options(sa.orm.joinedload(Session.room))
        .order_by(Session.start, Session.id)
    )
    return list(memoized(("signup_sessions", event.id), lambda: list(db.session.scalars(stmt))))


def signup_slots(event: Event) -> list[Slot]:
    """Group the sign-up sessions into slots of overlapping time (transitively)."""
    slots: list[Slot] = []
    end: dt.datetime | None = None
    for session in signup_sessions(event):
        if not slots or end is None or session.start >= end:
            slots.append(Slot(number=len(slots) + 1))
            end = session.end
        slots[-1].sessions.append(session)
        end = max(end, session.end)
    return slots


def _overlap(a: Session | SignupChoice, b: Session | SignupChoice) -> bool:
    return a.start < b.end and b.start < a.end


def check_open_to(sessions: list[Session] | list[SignupChoice], attendance: Attendance | str | None) -> None:
    """Refuse in-person-only sessions for an online attendee (a DomainError on ``sessions``)."""
    for session in sessions:
        if attendance and not session.open_to(attendance):
            raise DomainError(
                _(
                    "“%(title)s” takes place in person only: as an online attendee you cannot sign up "
                    "for it. Please choose an online session, or attend in person.",
                    title=session.title,
                ),
                code="in_person_only",
                field="sessions",
            )


@dataclass(frozen=True)
class SignupChoice:
    """What checking a workshop choice needs of a sign-up session (plain data, kept per version)."""

    id: int
    start: dt.datetime
    end: dt.datetime
    title: str
    in_person_only: bool

    def open_to(self, attendance: Attendance | str) -> bool:
        return not (attendance == Attendance.ONLINE and self.in_person_only)


def signup_choices(event: Event) -> dict[int, SignupChoice]:
    """The event's sign-up sessions by id, read once per event version in this process: the
    registration form checks every submission against them without a query."""

    def load() -> dict[int, SignupChoice]:
        return {
            s.id: SignupChoice(s.id, s.start, s.end, s.title, not s.open_to(Attendance.ONLINE))
            for s in signup_sessions(event)
        }

    return version_memo("signup_choices", event.id, event.version_key, load)


def check_choices(
    event: Event, session_ids: list[int], attendance: Attendance | str | None = None
) -> list[int]:
    """The chosen sign-up sessions' ids in time order, if they are sessions of this event, at most
    one per time slot and open to ``attendance``; else a DomainError on ``sessions``."""
    ids = list(dict.fromkeys(int(i) for i in session_ids))
    if not ids:
        return []
    available = signup_choices(event)
    if any(i not in available for i in ids):
        raise _unknown_session()
    chosen = [available[i] for i in ids]
    check_open_to(chosen, attendance)
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            if _overlap(a, b):
                raise DomainError(
                    _(
                        "“%(a)s” and “%(b)s” take place at the same time. Please choose one of them.",
                        a=a.title,
                        b=b.title,
                    ),
                    code="overlapping_sessions",
                    field="sessions",
                )
    return [c.id for c in sorted(chosen, key=lambda c: (c.start, c.id))]


def validate_choices(
    event: Event, session_ids: list[int], attendance: Attendance | str | None = None
) -> list[Session]:
    """:func:`check_choices`, as the chosen sessions (in time order)."""
    ids = check_choices(event, session_ids, attendance)
    if not ids:
        return []
    by_id = {s.id: s for s in signup_sessions(event)}
    if any(i not in by_id for i in ids):
        raise _unknown_session()
    return [by_id[i] for i in ids]


def _unknown_session() -> DomainError:
    return DomainError(
        _("Please choose only among the workshops listed on this form."),
        code="unknown_session",
        field="sessions",
    )


# --------------------------------------------------------------------------- the form's answers


def allowed_attendance(event: Event) -> list[Attendance]:
    if event.mode == EventMode.ONLINE:
        return [Attendance.ONLINE]
    if event.mode == EventMode.IN_PERSON:
        return [Attendance.IN_PERSON]
    return [Attendance.IN_PERSON, Attendance.ONLINE]


@dataclass
class RegistrationData:
    name: str
    email: str
    attendance: str | None = None
    organisation: str = ""
    pronouns: str = ""
    session_ids: list[int] = field(default_factory=list)
    access_needs: str = ""
    dietary: str = ""
    consent: bool = False
    form_key: str | None = None
    locale: str = "en"
    #: Raw custom answers, ``{question key: [submitted values]}`` (form fields ``q_<key>``).
    answers: dict[str, list[str]] = field(default_factory=dict)


def registration_closed_reason(event: Event) -> str | None:
    """Why nobody can register right now, or None when the form is open.

    The registration window (opens/closes, local times) applies on top of the
    "registration open" switch; organisers can still add registrations by hand.
    """
    if not event.published:
        return _("This event is not published yet.")
    if not event.registration_open:
        return _("Registration for this event is closed.")
    if event.end_date < local_now(event).date():
        return _("This event is over.")
    return window_reason(event)


def resolve_attendance(event: Event, value: str | None) -> Attendance:
    allowed = allowed_attendance(event)
    if len(allowed) == 1:
        return allowed[0]
    try:
        attendance = Attendance(value or "")
    except ValueError:
        raise DomainError(
            _("Please choose whether you attend in person or online."), field="attendance"
        ) from None
    if attendance not in allowed:
        raise DomainError(_("Please choose whether you attend in person or online."), field="attendance")
    return attendance

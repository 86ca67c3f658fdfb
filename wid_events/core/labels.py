"""Translated labels of the shared enums, and locale-aware numbers, for every page.

Templates write ``{{ reg.status|label }}`` instead of ``{{ reg.status.value }}``, so a status,
session type or role never shows as a raw value ("keynote", "waitlisted") in FR/NL/DE, and
``{{ share|percent }}`` gives "18,2 %" in French and German (Babel).
"""

from __future__ import annotations

import enum

from babel.numbers import format_percent
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from wid_events.enums import (
    Attendance,
    BadgeRole,
    EventMode,
    Gender,
    GenderSource,
    InvitationStatus,
    RegistrationStatus,
    SessionStatus,
    SessionType,
    SpeakerRole,
)

#: ``(member, label)`` pairs. Not a dict keyed by member: the StrEnums compare equal across
#: classes ("confirmed" is a session and a registration status), so they would collide.
LABELS: tuple[tuple[enum.Enum, object], ...] = (
    (SessionType.KEYNOTE, _l("Keynote")),
    (SessionType.PANEL, _l("Panel")),
    (SessionType.WORKSHOP, _l("Workshop")),
    (SessionType.TALK, _l("Talk")),
    (SessionType.BREAK, _l("Break")),
    (SessionType.NETWORKING, _l("Networking")),
    (SessionType.JOB_FAIR, _l("Job fair")),
    (SessionType.OTHER, _l("Other")),
    (SessionStatus.CONFIRMED, _l("Confirmed")),
    (SessionStatus.CANCELLED, _l("Cancelled")),
    (SpeakerRole.PANELIST, _l("Panelist")),
    (SpeakerRole.MODERATOR, _l("Moderator")),
    (SpeakerRole.SPEAKER, _l("Speaker")),
    (SpeakerRole.FACILITATOR, _l("Facilitator")),
    (InvitationStatus.PENDING, _l("Awaiting an answer")),
    (InvitationStatus.ACCEPTED, _l("Accepted")),
    (InvitationStatus.DECLINED, _l("Declined")),
    (Gender.WOMAN, _l("Woman")),
    (Gender.MAN, _l("Man")),
    (Gender.NON_BINARY, _l("Non-binary")),
    (Gender.SELF_DESCRIBED, _l("self-described")),
    (Gender.UNDISCLOSED, _l("not disclosed")),
    (GenderSource.SELF_DECLARED, _l("self-declared")),
    (GenderSource.ORGANISER_WITH_CONSENT, _l("recorded by an organiser, with consent")),
    (GenderSource.IMPORTED, _l("imported")),
    (Attendance.IN_PERSON, _l("In person")),
    (Attendance.ONLINE, _l("Online")),
    (RegistrationStatus.CONFIRMED, _l("confirmed")),
    (RegistrationStatus.WAITLISTED, _l("waitlisted")),
    (RegistrationStatus.PENDING, _l("pending review")),
    (RegistrationStatus.CANCELLED, _l("cancelled")),
    (RegistrationStatus.REJECTED, _l("not accepted")),
    (BadgeRole.ATTENDEE, _l("Attendee")),
    (BadgeRole.SPEAKER, _l("Speaker")),
    (BadgeRole.ORGANISER, _l("Organiser")),
    (BadgeRole.EXHIBITOR, _l("Exhibitor")),
    (BadgeRole.PRESS, _l("Press")),
    (EventMode.IN_PERSON, _l("In person")),
    (EventMode.ONLINE, _l("Online")),
    (EventMode.HYBRID, _l("Hybrid (in person and online)")),
)

_BY_CLASS = {(type(member), member.value): text for member, text in LABELS}


def label(value: enum.Enum | None) -> str:
    """The translated label of an enum member (its value when it has none; "" for None)."""
    if value is None:
        return ""
    text = _BY_CLASS.get((type(value), getattr(value, "value", value)))
    return str(text) if text is not None else str(getattr(value, "value", value))


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a locale-formatted percentage: 0.182 → "18.2%" (en), "18,2 %" (fr, de)."""
    if value is None:
        return ""
    return format_percent(round(value, digits + 2), locale=get_locale() or "en", decimal_quantization=False)


def number(value: float | int | None) -> str:
    """A number in the locale's format (decimal separator, grouping)."""
    return "" if value is None else format_decimal(value)


def init_app(app) -> None:
    app.jinja_env.filters.update(label=label, percent=percent, number=number)

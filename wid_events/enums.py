"""Enumerations shared across domain packages. A leaf module: it imports nothing of ours."""

from __future__ import annotations

import enum


class EventMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class SessionType(enum.StrEnum):
    KEYNOTE = "keynote"
    PANEL = "panel"
    WORKSHOP = "workshop"
    TALK = "talk"
    BREAK = "break"
    NETWORKING = "networking"
    JOB_FAIR = "job_fair"
    OTHER = "other"


class SessionStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class SpeakerRole(enum.StrEnum):
    PANELIST = "panelist"
    MODERATOR = "moderator"
    SPEAKER = "speaker"
    FACILITATOR = "facilitator"


class InvitationStatus(enum.StrEnum):
    """A speaker's answer to being put on a session."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Gender(enum.StrEnum):
    """Self-declared gender. Personal data: visible to that event's organisers only."""

    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non_binary"
    SELF_DESCRIBED = "self_described"
    UNDISCLOSED = "undisclosed"


class GenderSource(enum.StrEnum):
    """Where a recorded gender came from."""

    SELF_DECLARED = "self_declared"
    ORGANISER_WITH_CONSENT = "organiser_with_consent"
    IMPORTED = "imported"


class Attendance(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class SessionAttendance(enum.StrEnum):
    """Who can attend a session: in the room, online (livestream), or both."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class BadgeRole(enum.StrEnum):
    ATTENDEE = "attendee"
    SPEAKER = "speaker"
    ORGANISER = "organiser"
    EXHIBITOR = "exhibitor"
    PRESS = "press"


class MaterialVisibility(enum.StrEnum):
    PUBLIC = "public"
    AFTER_START = "after_start"
    ORGANISERS = "organisers"


class QuestionType(enum.StrEnum):
    """The kind of answer a custom registration question takes."""

    TEXT = "text"
    TEXTAREA = "textarea"
    CHOICE = "choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    COUNTRY = "country"
    DATE = "date"


#: Languages event content can be written in (the UI languages).
CONTENT_LANGUAGES = ("en", "fr", "nl", "de")


class PoolStatus(enum.StrEnum):
    """Where a speaker-pool entry stands (call for speakers)."""

    #: Signed up; the email address is not confirmed yet (double opt-in).
    UNCONFIRMED = "unconfirmed"
    #: Email confirmed; waiting for an organiser's review.
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DECLINED = "declined"

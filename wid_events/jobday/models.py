"""Job Day: exhibitors (employers, training providers, support organisations), their job
offers, bookable 1:1 interview slots, attendees' bookings (with opt-in CVs) and the floor plan.

Times of slots are naive wall-clock datetimes in ``event.timezone``, like ``Session.start``.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from wid_events.events.models import Event
    from wid_events.registration.models import Registration


class ExhibitorKind(enum.StrEnum):
    EMPLOYER = "employer"
    TRAINING = "training"
    SUPPORT = "support"


class ContractType(enum.StrEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    INTERNSHIP = "internship"
    TRAINEESHIP = "traineeship"
    APPRENTICESHIP = "apprenticeship"
    FREELANCE = "freelance"
    STUDENT_JOB = "student_job"
    TRAINING = "training"


class RemoteOption(enum.StrEnum):
    ON_SITE = "on_site"
    HYBRID = "hybrid"
    REMOTE = "remote"


class JobLevel(enum.StrEnum):
    ENTRY = "entry"
    JUNIOR = "junior"
    MEDIOR = "medior"
    SENIOR = "senior"
    LEAD = "lead"
    ANY = "any"


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


KIND_LABELS = {
    ExhibitorKind.EMPLOYER: _l("Employer"),
    ExhibitorKind.TRAINING: _l("Training provider"),
    ExhibitorKind.SUPPORT: _l("Support organisation"),
}
CONTRACT_LABELS = {
    ContractType.PERMANENT: _l("Permanent"),
    ContractType.FIXED_TERM: _l("Fixed-term"),
    ContractType.INTERNSHIP: _l("Internship"),
    ContractType.TRAINEESHIP: _l("Traineeship"),
    ContractType.APPRENTICESHIP: _l("Apprenticeship"),
    ContractType.FREELANCE: _l("Freelance"),
    ContractType.STUDENT_JOB: _l("Student job"),
    ContractType.TRAINING: _l("Training programme"),
}
REMOTE_LABELS = {
    RemoteOption.ON_SITE: _l("On site"),
    RemoteOption.HYBRID: _l("Hybrid"),
    RemoteOption.REMOTE: _l("Remote"),
}
LEVEL_LABELS = {
    JobLevel.ENTRY: _l("Entry level / career changer"),
    JobLevel.JUNIOR: _l("Junior"),
    JobLevel.MEDIOR: _l("Medior"),
    JobLevel.SENIOR: _l("Senior"),
    JobLevel.LEAD: _l("Lead / manager"),
    JobLevel.ANY: _l("Any level"),
}
#: The optional commitments an exhibitor may declare: column name → label.
COMMITMENTS = {
    "commit_wid_charter": _l("Signed the Women in Digital charter"),
    "commit_pay_equality": _l("Gender pay equality policy"),
    "commit_flexible_work": _l("Flexible working hours and places"),
    "commit_inclusive_hiring": _l("Inclusive recruitment (anonymised CVs, diverse interview panels)"),
}


class Exhibitor(db.Model):
    __tablename__ = "jobday_exhibitors"
    #: How a change here reaches the public version of its event (see events.versioning).
    __public_of__ = ("event_id", "event")

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ExhibitorKind] = mapped_column(enum_type(ExhibitorKind), default=ExhibitorKind.EMPLOYER)
    #: Storage key of the logo (re-encoded JPEG/PNG/WebP without metadata), under ``logos/``.
    logo_key: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str | None] = mapped_column(sa.String(1000))
    #: Booth or table number as printed on the floor plan ("A12", "Table 7").
    booth: Mapped[str] = mapped_column(sa.String(40), default="")
    #: Sector tags (list of short strings), e.g. ["Fintech", "Public sector"].
    sectors: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The "inclusive employer" statement (Markdown, sanitised on display).
    inclusive_statement: Mapped[str] = mapped_column(sa.Text, default="")
    #: Commitments (see :data:`COMMITMENTS`).
    commit_wid_charter: Mapped[bool] = mapped_column(default=False)
    commit_pay_equality: Mapped[bool] = mapped_column(default=False)
    commit_flexible_work: Mapped[bool] = mapped_column(default=False)
    commit_inclusive_hiring: Mapped[bool] = mapped_column(default=False)
    #: PRIVATE: the contact person, who receives the exhibitor portal link. Never public.
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    #: Email the contact address for each new interview booking (opt-in, from the portal).
    notify_bookings: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    offers: Mapped[list[JobOffer]] = relationship(
        back_populates="exhibitor", cascade="all, delete-orphan", order_by="JobOffer.title"
    )
    blocks: Mapped[list[InterviewSlotBlock]] = relationship(
        back_populates="exhibitor", cascade="all, delete-orphan", order_by="InterviewSlotBlock.start"
    )

    @property
    def commitments(self) -> list[str]:
        return [str(label) for column, label in COMMITMENTS.items() if getattr(self, column)]

    def __repr__(self) -> str:
        return f"<Exhibitor {self.id} {self.name!r}>"


class ExhibitorToken(db.Model):
    """A personal exhibitor-portal link. Only the SHA-256 of the random token (256 bits) is stored."""

    __tablename__ = "jobday_exhibitor_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibitor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jobday_exhibitors.id", ondelete="CASCADE"), index=True
    )
    #: hex SHA-256 of the token (``core.web.hash_token``).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: After this instant the link no longer opens the portal (``EXHIBITOR_TOKEN_DAYS``).
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Set when an organiser revokes the link or a newer link replaces it.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Who issued it (audit label).
    issued_by: Mapped[str] = mapped_column(sa.String(254), default="")

    exhibitor: Mapped[Exhibitor] = relationship()

    def is_valid(self, now: dt.datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now


class JobOffer(db.Model):
    __tablename__ = "jobday_offers"
    #: How a change here reaches the public version of its event (see events.versioning).
    __public_of__ = ("event_id", "exhibitor")

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibitor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jobday_exhibitors.id", ondelete="CASCADE"), index=True
    )
    #: Denormalised from the exhibitor, for per-event queries.
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    contract: Mapped[ContractType] = mapped_column(enum_type(ContractType), default=ContractType.PERMANENT)
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    remote: Mapped[RemoteOption] = mapped_column(enum_type(RemoteOption), default=RemoteOption.ON_SITE)
    level: Mapped[JobLevel] = mapped_column(enum_type(JobLevel), default=JobLevel.ANY)
    #: Required languages (list of names, e.g. ["English", "French"]).
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Skill tags (list of short strings).
    skills: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Short description (plain text / Markdown, sanitised on display).
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: ``{lang: {"title", "description"}}`` in languages other than the event's default.
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: External apply link; None means "meet us at the booth".
    apply_url: Mapped[str | None] = mapped_column(sa.String(1000))
    #: Unpublished offers are drafts, seen only in the exhibitor portal.
    published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    exhibitor: Mapped[Exhibitor] = relationship(back_populates="offers")


class InterviewSlotBlock(db.Model):
    """A time range an exhibitor offers for interviews, cut into slots of ``slot_minutes``."""

    __tablename__ = "jobday_slot_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibitor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jobday_exhibitors.id", ondelete="CASCADE"), index=True
    )
    #: Naive local wall-clock times in the event's time zone.
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime]
    slot_minutes: Mapped[int] = mapped_column(default=20)
    #: Recruiters interviewing in parallel = bookings per slot.
    recruiters: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    exhibitor: Mapped[Exhibitor] = relationship(back_populates="blocks")
    slots: Mapped[list[InterviewSlot]] = relationship(
        back_populates="block", cascade="all, delete-orphan", order_by="InterviewSlot.start"
    )


class InterviewSlot(db.Model):
    """One bookable interview time of an exhibitor, for up to ``capacity`` attendees at once."""

    __tablename__ = "jobday_slots"
    __table_args__ = (sa.Index("ix_jobday_slots_exhibitor_start", "exhibitor_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jobday_slot_blocks.id", ondelete="CASCADE"), index=True
    )
    #: Denormalised from the block.
    exhibitor_id: Mapped[int] = mapped_column(sa.ForeignKey("jobday_exhibitors.id", ondelete="CASCADE"))
    #: Naive local wall-clock times in the event's time zone.
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime]
    #: Parallel recruiters: how many attendees can book this slot.
    capacity: Mapped[int] = mapped_column(default=1)

    block: Mapped[InterviewSlotBlock] = relationship(back_populates="slots")
    exhibitor: Mapped[Exhibitor] = relationship()


class InterviewBooking(db.Model):
    __tablename__ = "jobday_bookings"
    __table_args__ = (
        # One active booking of a slot per attendee. Cancelled rows set ``active_slot_id`` to
        # NULL, and NULLs never collide, so the attendee may book the slot again later.
        sa.UniqueConstraint("registration_id", "active_slot_id"),
        sa.Index("ix_jobday_bookings_slot_status", "slot_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("jobday_slots.id", ondelete="CASCADE"), index=True)
    #: ``slot_id`` while booked, NULL once cancelled (see ``__table_args__``).
    active_slot_id: Mapped[int | None] = mapped_column(sa.Integer)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    #: Denormalised from the slot, for the exhibitor's list and the CV permission check.
    exhibitor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jobday_exhibitors.id", ondelete="CASCADE"), index=True
    )
    #: The offer the attendee wants to talk about, if any.
    offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobday_offers.id", ondelete="SET NULL"))
    status: Mapped[BookingStatus] = mapped_column(enum_type(BookingStatus), default=BookingStatus.BOOKED)
    #: Storage key of the attendee's PDF CV for this booking (``cvs/…``); None when not shared
    #: or once purged after the retention period.
    cv_key: Mapped[str | None] = mapped_column(sa.String(200))
    #: Sanitised original file name, for the download.
    cv_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: The attendee's opt-in: the CV may be shown to this booking's exhibitor.
    cv_shared: Mapped[bool] = mapped_column(default=False)
    cv_uploaded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Set when the CV was deleted by the retention purge.
    cv_purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    slot: Mapped[InterviewSlot] = relationship()
    registration: Mapped[Registration] = relationship()
    exhibitor: Mapped[Exhibitor] = relationship()
    offer: Mapped[JobOffer | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status == BookingStatus.BOOKED


class JobDaySettings(db.Model):
    """Per-event Job Day settings: the floor plan and the booking limit."""

    __tablename__ = "jobday_settings"

    #: How a change here reaches the public version of its event (see events.versioning).

    __public_of__ = ("event_id",)

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    #: Storage key of the floor plan image (``floorplans/…``).
    floor_plan_key: Mapped[str | None] = mapped_column(sa.String(200))
    #: Text alternative of the floor plan image (how the hall is laid out).
    floor_plan_alt: Mapped[str] = mapped_column(sa.Text, default="")
    #: Interviews one attendee may book; None means ``JOBDAY_MAX_BOOKINGS`` (default 5).
    max_bookings: Mapped[int | None]
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

"""Events, their series, rooms and tracks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.enums import EventMode
from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from wid_events.accounts.models import EventOrganiser
    from wid_events.agenda.models import Session
    from wid_events.people.models import Person


class Series(db.Model):
    """A recurring event series, e.g. "Newcomers in Germany and their Perspectives …"."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    events: Mapped[list[Event]] = relationship(back_populates="series")


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: URL name, e.g. ``dt4e-2024``; unique and stable.
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: IANA timezone name; all session times are wall-clock times in it.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Brussels")
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    mode: Mapped[EventMode] = mapped_column(enum_type(EventMode), default=EventMode.IN_PERSON)
    venue_name: Mapped[str | None] = mapped_column(sa.String(300))
    venue_address: Mapped[str | None] = mapped_column(sa.String(500))
    #: "How to get there": free text shown on the event page.
    travel_info: Mapped[str] = mapped_column(sa.Text, default="")
    #: Public text about online participation (never the stream link itself).
    online_info: Mapped[str] = mapped_column(sa.Text, default="")
    #: Only ever shown to registered online attendees.
    livestream_url: Mapped[str | None] = mapped_column(sa.String(1000))
    capacity_in_person: Mapped[int | None]
    capacity_online: Mapped[int | None]
    registration_open: Mapped[bool] = mapped_column(default=False)
    #: New registrations start as ``pending`` until an organiser approves them.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    #: Language of the plain title/description/travel/online columns (``en``/``fr``/``nl``/``de``).
    default_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    #: Other languages' content: ``{lang: {"title", "description", "travel_info", "online_info"}}``.
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Local (event-timezone) wall-clock time the form opens by itself; None: no lower bound.
    registration_opens: Mapped[dt.datetime | None]
    #: Local wall-clock time the form closes by itself; None: open until the event ends.
    registration_closes: Mapped[dt.datetime | None]
    #: Accent colour as ``#rrggbb`` (checked for WCAG AA contrast on save), None for the site's.
    accent_colour: Mapped[str | None] = mapped_column(sa.String(7))
    #: Storage key of the sanitised logo (PNG/JPEG/WebP, or SVG through a safe subset).
    logo_key: Mapped[str | None] = mapped_column(sa.String(200))
    #: Storage key of the header image and its alternative text.
    header_image_key: Mapped[str | None] = mapped_column(sa.String(200))
    header_image_alt: Mapped[str] = mapped_column(sa.String(300), default="")
    #: The organisers' contact address: the ``Reply-To`` of every email about the event.
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    #: Speakers' portal links stay valid until the event's end plus this many days.
    speaker_link_days: Mapped[int] = mapped_column(default=30, server_default="30")
    #: Last day on which access needs can be requested (published on the form).
    access_needs_deadline: Mapped[dt.date | None]
    #: Whether the agenda is visible to the public.
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"))
    #: Edition number within the series (e.g. 7).
    edition: Mapped[int | None]
    # "No Women No Panel" policy (contract ``balance_policy``).
    balance_min_women_per_panel: Mapped[int] = mapped_column(default=1)
    #: Whether moderators count towards the minimum (pledges say they do not).
    balance_count_moderators: Mapped[bool] = mapped_column(default=False)
    #: Whether non-binary speakers count towards the minimum.
    balance_count_non_binary: Mapped[bool] = mapped_column(default=False)
    #: Event-wide target share of women among all speakers.
    balance_target_share_women: Mapped[float] = mapped_column(default=0.4)
    #: Share of women in the field, for "how likely is this line-up by chance".
    balance_base_rate: Mapped[float] = mapped_column(default=0.182)
    #: Public version: bumped in the same transaction by every change the public can see (the
    #: event, its sessions, speakers, rooms, tracks, materials…; see events.versioning). Public
    #: pages derive their ETag and render-cache key from it.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: Bumped by every change of a registration or workshop choice (the seats left), kept apart
    #: from ``version`` so that a registration never re-renders the agenda, only its seat notes.
    seats_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Also the time of the last public change (each version bump updates the row).
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    series: Mapped[Series | None] = relationship(back_populates="events")
    rooms: Mapped[list[Room]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Room.position, Room.id"
    )
    tracks: Mapped[list[Track]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Track.id"
    )
    sessions: Mapped[list[Session]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Session.start, Session.id"
    )
    people: Mapped[list[Person]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Person.name, Person.id"
    )
    organisers: Mapped[list[EventOrganiser]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    @property
    def version_key(self) -> tuple[dt.datetime, int]:
        """What this process keeps plain data of the event's public side under (see
        ``core.database.version_memo``): the public ``version``, with the creation time, which
        tells a new event apart from a deleted one whose id the database gave out again."""
        return (self.created_at, self.version)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> list[dt.date]:
        n = (self.end_date - self.start_date).days
        return [self.start_date + dt.timedelta(days=i) for i in range(n + 1)]

    @property
    def balance_policy(self) -> dict:
        return {
            "min_women_per_panel": self.balance_min_women_per_panel,
            "count_moderators": self.balance_count_moderators,
            "count_non_binary": self.balance_count_non_binary,
            "target_share_women": self.balance_target_share_women,
        }

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Room(db.Model):
    __tablename__ = "rooms"
    #: How a change here reaches the public version of its event (see events.versioning).
    __public_of__ = ("event_id", "event")
    __table_args__ = (sa.UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Stable key within the event (event package format).
    key: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Seats in the room, or None when unknown/unlimited (online).
    capacity: Mapped[int | None]
    #: Column order in the agenda.
    position: Mapped[int] = mapped_column(default=0)
    #: ``{lang: {"name"}}`` in languages other than the event's default.
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    event: Mapped[Event] = relationship(back_populates="rooms")


class Track(db.Model):
    __tablename__ = "tracks"
    #: How a change here reaches the public version of its event (see events.versioning).
    __public_of__ = ("event_id", "event")
    __table_args__ = (sa.UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(200))
    #: ``{lang: {"name"}}`` in languages other than the event's default.
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    event: Mapped[Event] = relationship(back_populates="tracks")

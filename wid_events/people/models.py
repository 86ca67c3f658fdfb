"""People who speak at an event: their public profile and private, self-declared data."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wid_events.core.search import search_key
from wid_events.enums import Gender, GenderSource
from wid_events.extensions import db
from wid_events.models_base import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from wid_events.agenda.models import SessionSpeaker
    from wid_events.events.models import Event


def new_person_key() -> str:
    return "p-" + secrets.token_hex(4)


class Person(db.Model):
    """A speaker profile within one event.

    Public: name, organisation, job title, bio, pronouns, links, photo.
    Private (organisers of this event only): email, gender and its provenance.
    """

    __tablename__ = "people"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "key"),
        sa.Index("ix_people_event_name_key", "event_id", "name_key"),
        sa.Index("ix_people_event_organisation_key", "event_id", "organisation_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: Stable key within the event (event package format).
    key: Mapped[str] = mapped_column(sa.String(100), default=new_person_key)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: ``core.search.search_key(name)``: what searches compare, the same on every database.
    #: Maintained on every ORM write (see ``_maintain_search_keys``).
    name_key: Mapped[str] = mapped_column(sa.String(200), default="")
    #: ``core.search.search_key(organisation)``, maintained like ``name_key``.
    organisation_key: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Private: used for the portal invitation only.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    organisation: Mapped[str | None] = mapped_column(sa.String(300))
    job_title: Mapped[str | None] = mapped_column(sa.String(300))
    #: Plain text or Markdown; always sanitised when rendered.
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    pronouns: Mapped[str | None] = mapped_column(sa.String(50))
    #: Public links, a JSON list of ``{"label", "url"}``.
    links: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Storage key of the resized, EXIF-free profile photo.
    photo_key: Mapped[str | None] = mapped_column(sa.String(200))
    #: Comma-separated topic tags, used for balance suggestions.
    topics: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Self-declared gender. PRIVATE: organisers of this event only, aggregates elsewhere.
    gender: Mapped[Gender] = mapped_column(enum_type(Gender), default=Gender.UNDISCLOSED)
    #: Free-text self-description when gender is ``self_described``. PRIVATE.
    gender_self_description: Mapped[str | None] = mapped_column(sa.String(100))
    #: The person's own answer to "for the No Women No Panel count, count me as a woman", only
    #: when ``gender`` is ``self_described``: True/False, or None (no answer, prefer not to say:
    #: counted like undisclosed). PRIVATE, like the gender; its source is ``gender_source``.
    count_as_woman: Mapped[bool | None] = mapped_column()
    #: Where the gender value came from (None while undisclosed).
    gender_source: Mapped[GenderSource | None] = mapped_column(enum_type(GenderSource))
    gender_recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="people")
    session_links: Mapped[list[SessionSpeaker]] = relationship(back_populates="person")
    unavailability: Mapped[list[Unavailability]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Unavailability.start"
    )

    def __repr__(self) -> str:
        return f"<Person {self.key} {self.name!r}>"


@sa.event.listens_for(Person, "before_insert")
@sa.event.listens_for(Person, "before_update")
def _maintain_search_keys(_mapper, _connection, person: Person) -> None:
    person.name_key = search_key(person.name)[:200]
    person.organisation_key = search_key(person.organisation)[:300]


class Unavailability(db.Model):
    """A period during the event when a speaker cannot speak (local wall-clock times)."""

    __tablename__ = "unavailability"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    person: Mapped[Person] = relationship(back_populates="unavailability")

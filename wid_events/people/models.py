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


def email_key(email: str | None) -> str | None:
    """How the directory matches people: the exact address, ignoring case and outer spaces."""
    key = (email or "").strip().lower()
    return key or None


class DirectoryPerson(db.Model):
    """One person known to the organisation, across its events (the people directory).

    Each event's :class:`Person` row links here and keeps what belongs to that event: the role
    on its sessions, the public profile shown there and, above all, the self-declared gender and
    its consent, which never travel between events. Records are joined automatically only on an
    exact email match; anything else is a reviewed organiser merge (audited).
    """

    __tablename__ = "directory_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: ``core.search.search_key`` of the name and organisation, for searching in any script.
    search_key: Mapped[str] = mapped_column(sa.String(600), default="", index=True)
    #: Private, like the events' copies. Lower-cased; unique when given (the automatic match).
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    organisation: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    people: Mapped[list[Person]] = relationship(back_populates="directory", order_by="Person.event_id")

    def __repr__(self) -> str:
        return f"<DirectoryPerson {self.id} {self.name!r}>"


class Person(db.Model):
    """A speaker profile within one event.

    Public: name, organisation, job title, bio, pronouns, links, photo.
    Private (organisers of this event only): email, gender and its provenance.
    """

    __tablename__ = "people"
    #: How a change here reaches the public version of its event (see events.versioning).
    __public_of__ = ("event_id", "event")
    __table_args__ = (
        sa.UniqueConstraint("event_id", "key"),
        sa.Index("ix_people_event_name_key", "event_id", "name_key"),
        sa.Index("ix_people_event_organisation_key", "event_id", "organisation_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: The person's record in the organisation's directory (set when the row is first saved).
    directory_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("directory_people.id", ondelete="SET NULL"), index=True
    )
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
    #: ``{lang: {"bio"}}``: the bio in languages other than the event's default.
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
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
    directory: Mapped[DirectoryPerson | None] = relationship(back_populates="people")
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


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _link_new_people_to_the_directory(session, _context, _instances) -> None:
    """Every new Person gets a directory record: the one with the same email, or a new one.
    A record whose last event row is deleted goes too: the directory keeps no copy of someone
    an event erased."""
    _drop_orphaned_records(session)
    new = [
        obj
        for obj in session.new
        if isinstance(obj, Person) and obj.directory_id is None and obj.directory is None
    ]
    if not new:
        return
    with session.no_autoflush:
        for person in new:
            key = email_key(person.email)
            record = None
            if key:
                record = next(
                    (o for o in session.new if isinstance(o, DirectoryPerson) and o.email == key), None
                ) or session.scalar(sa.select(DirectoryPerson).where(DirectoryPerson.email == key))
            if record is None:
                record = DirectoryPerson(
                    name=person.name,
                    email=key,
                    organisation=person.organisation,
                    search_key=directory_search_key(person.name, person.organisation),
                )
                session.add(record)
            person.directory = record


def _drop_orphaned_records(session) -> None:
    gone = [obj for obj in session.deleted if isinstance(obj, Person) and obj.directory_id is not None]
    if not gone:
        return
    gone_ids = [p.id for p in gone]
    with session.no_autoflush:
        for record_id in {p.directory_id for p in gone}:
            left = session.scalar(
                sa.select(sa.func.count())
                .select_from(Person)
                .where(Person.directory_id == record_id, Person.id.not_in(gone_ids))
            )
            record = session.get(DirectoryPerson, record_id)
            if not left and record is not None and record not in session.deleted:
                session.delete(record)


def directory_search_key(name: str | None, organisation: str | None) -> str:
    return search_key(" ".join(x for x in (name, organisation) if x))[:600]

"""Organiser-side people (speakers) services: create, edit, delete, search, unavailability, gender."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from wid_events import signals
from wid_events.accounts.models import User
from wid_events.audit import services as audit
from wid_events.core.collation import sorted_by_name
from wid_events.core.content import checked_translations
from wid_events.core.search import like_pattern
from wid_events.enums import Gender, GenderSource
from wid_events.errors import Conflict, DomainError
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.people.gender import record_gender
from wid_events.people.models import Person, Unavailability, new_person_key

PERSON_FIELDS = ("name", "email", "organisation", "job_title", "pronouns", "bio", "topics", "translations")


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(f"Unknown person fields: {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key, given in fields.items():
        if key == "translations":
            out[key] = checked_translations(given, ("bio",))
            continue
        value = (given or "").strip() if isinstance(given, str) or given is None else given
        if key in ("bio", "topics"):
            out[key] = (value or "").replace("\r\n", "\n")
        else:
            out[key] = value or None
    if "name" in out and not out["name"]:
        raise DomainError(_("A person needs a name."), field="name")
    if out.get("email"):
        try:
            out["email"] = validate_email(out["email"], check_deliverability=False).normalized
        except EmailNotValidError:
            raise DomainError(_("Enter a valid email address."), field="email") from None
    if out.get("topics"):
        out["topics"] = ", ".join(t.strip() for t in out["topics"].split(",") if t.strip())
    return out


def _unique_key(event: Event, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or new_person_key()
    key, n = base, 2
    existing = set(db.session.scalars(sa.select(Person.key).where(Person.event_id == event.id)))
    while key in existing:
        key, n = f"{base}-{n}", n + 1
    return key


def create_person(event: Event, *, actor: User | str | None, **fields: Any) -> Person:
    values = _clean(fields)
    if not values.get("name"):
        raise DomainError(_("A person needs a name."), field="name")
    person = Person(event=event, key=_unique_key(event, values["name"]), **values)
    db.session.add(person)
    db.session.flush()
    audit.record(
        "person.create",
        actor=actor,
        event_id=event.id,
        obj=person,
        changes={k: [None, v] for k, v in values.items() if v and k != "email"}
        | ({"email": [None, "(set)"]} if values.get("email") else {}),
    )
    return person


def update_person(person: Person, *, actor: User | str | None, **fields: Any) -> dict:
    values = _clean(fields)
    changes = audit.diff(person, values)
    for key, (_old, new) in changes.items():
        setattr(person, key, new)
    if changes:
        logged = {k: v for k, v in changes.items() if k != "email"}
        if "email" in changes:
            logged["email"] = ["(private)", "(private)"]
        audit.record("person.update", actor=actor, event_id=person.event_id, obj=person, changes=logged)
    return changes


def set_gender(
    person: Person,
    gender: Gender | str,
    self_description: str | None,
    *,
    consent: bool,
    actor: User | str | None,
    count_as_woman: bool | None = None,
) -> bool:
    """An organiser records a gender the person told them (and, for a self-described person,
    their answer on how to count them). Needs their consent; the source is kept."""
    try:
        gender = Gender(gender or Gender.UNDISCLOSED)
    except ValueError:
        raise DomainError(_("Unknown gender value."), field="gender") from None
    unchanged = person.gender == gender and (
        gender != Gender.SELF_DESCRIBED
        or (
            (person.gender_self_description or "") == (self_description or "").strip()
            and person.count_as_woman == count_as_woman
        )
    )
    if unchanged:
        return False
    if gender != Gender.UNDISCLOSED and not consent:
        raise DomainError(
            _(
                "Only record a gender the person told you, with their agreement: tick the consent box, "
                "or choose “Prefer not to say”."
            ),
            field="gender_consent",
        )
    if gender == Gender.SELF_DESCRIBED and not (self_description or "").strip():
        raise DomainError(
            _("Enter the self-description, or choose another option."), field="gender_self_description"
        )
    changed = record_gender(
        person,
        gender,
        self_description,
        source=GenderSource.ORGANISER_WITH_CONSENT,
        actor=actor,
        count_as_woman=count_as_woman,
    )
    if changed and person.event.published:
        db.session.flush()
        signals.panels_changing.send(person.event)
    return changed


def sessions_of(person: Person) -> list:
    return [link.session for link in person.session_links]


def delete_person(person: Person, *, actor: User | str | None) -> None:
    sessions = sessions_of(person)
    if sessions:
        raise Conflict(
            _(
                "%(name)s cannot be deleted: they are on %(sessions)s. "
                "Remove them from those sessions first.",
                name=person.name,
                sessions=", ".join(f"“{s.title}”" for s in sessions),
            )
        )
    audit.record(
        "person.delete",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"name": [person.name, None]},
    )
    db.session.delete(person)


def search_people(event: Event, query: str, limit: int = 20) -> list[Person]:
    """People of the event whose name or organisation contains ``query``, ignoring case,
    accents and script-specific case (``core.search``); in collation order.

    A query with nothing to search for (empty, only spaces or symbols) finds nobody.
    """
    pattern = like_pattern(query)
    if pattern is None:
        return []
    found = db.session.scalars(
        sa.select(Person)
        .where(
            Person.event_id == event.id,
            sa.or_(
                Person.name_key.like(pattern, escape="\\"),
                Person.organisation_key.like(pattern, escape="\\"),
            ),
        )
        .order_by(Person.name_key, Person.id)
        .limit(limit)
    )
    return sorted_by_name(found)


def api_people(event: Event, query: str | None) -> list[dict]:
    """The contract shape of ``GET /api/v1/events/<slug>/people?q=…``: everyone without a query."""
    people = search_people(event, query or "", limit=200) if (query or "").strip() else event.people
    return [{"id": p.id, "name": p.name, "organisation": p.organisation} for p in sorted_by_name(people)]


def add_unavailability(
    person: Person, start: dt.datetime, end: dt.datetime, note: str = "", *, actor: User | str | None
) -> Unavailability:
    if end <= start:
        raise DomainError(_("The period must end after it starts."), field="end")
    period = Unavailability(person=person, start=start, end=end, note=(note or "").strip())
    db.session.add(period)
    db.session.flush()
    audit.record(
        "person.unavailable_add",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"unavailable": [None, f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"]},
    )
    return period


def remove_unavailability(period: Unavailability, *, actor: User | str | None) -> None:
    person = period.person
    audit.record(
        "person.unavailable_remove",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"unavailable": [f"{period.start:%Y-%m-%d %H:%M}–{period.end:%H:%M}", None]},
    )
    person.unavailability.remove(period)
    db.session.delete(period)
